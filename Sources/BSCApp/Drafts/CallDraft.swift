import BSCCore
import Foundation

/// What an agent has typed into the call form and not yet saved. Written as
/// they type so a crash, a kill or a dropped ssh session loses nothing,
/// hand-off details typed in the route box included.
public struct CallDraft: Codable, Equatable, Sendable {
    public var callerName = ""
    public var callerType = CallerType.employee.rawValue
    public var callerReference = ""
    public var channel = Channel.phone.rawValue
    public var category = ""
    public var summary = ""
    public var phone = ""
    public var email = ""
    /// Empty: the category's default priority.
    public var priority = ""
    /// When the call timer started (epoch millis), so a restored call keeps
    /// its handle time; 0 while the form is "ready" (no call yet).
    public var startedAtMillis: Int64 = 0
    /// The route box's queue and hand-off details, as typed.
    public var routeQueue = ""
    public var routeDetails: [String: String] = [:]

    public init() {}

    /// Older drafts lack the newer fields: every one has a default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ k: CodingKeys, _ fallback: String = "") throws -> String { try c.decodeIfPresent(String.self, forKey: k) ?? fallback }
        callerName = try text(.callerName)
        callerType = try text(.callerType, CallerType.employee.rawValue)
        callerReference = try text(.callerReference)
        channel = try text(.channel, Channel.phone.rawValue)
        category = try text(.category)
        summary = try text(.summary)
        phone = try text(.phone)
        email = try text(.email)
        priority = try text(.priority)
        startedAtMillis = try c.decodeIfPresent(Int64.self, forKey: .startedAtMillis) ?? 0
        routeQueue = try text(.routeQueue)
        routeDetails = try c.decodeIfPresent([String: String].self, forKey: .routeDetails) ?? [:]
    }

    /// Nothing worth keeping: the agent has not typed anything yet.
    public var isBlank: Bool {
        callerName.isEmpty && callerReference.isEmpty && category.isEmpty && phone.isEmpty && email.isEmpty
            && summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            && routeDetails.values.allSatisfy(\.isEmpty)
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
