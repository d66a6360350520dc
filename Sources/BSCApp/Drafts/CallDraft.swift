import BSCCore
import Foundation

/// What an agent has typed into the call form and not yet saved. Written as
/// they type so a crash, a kill or a dropped ssh session loses nothing.
public struct CallDraft: Codable, Equatable, Sendable {
    public var callerName = ""
    public var callerType = CallerType.employee.rawValue
    public var callerReference = ""
    public var channel = Channel.phone.rawValue
    public var category = ""
    public var summary = ""
    /// When the call timer started (epoch millis), so a restored call keeps
    /// its handle time.
    public var startedAtMillis: Int64 = 0

    public init() {}

    /// Nothing worth keeping: the agent has not typed anything yet.
    public var isBlank: Bool {
        callerName.isEmpty && callerReference.isEmpty && category.isEmpty
            && summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    public func encoded() -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return Array((try? enc.encode(self)) ?? Data("{}".utf8))
    }

    public static func decode(_ bytes: [UInt8]) -> CallDraft? {
        try? JSONDecoder().decode(CallDraft.self, from: Data(bytes))
    }
}
