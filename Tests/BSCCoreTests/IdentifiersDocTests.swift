import Foundation
import Testing
@testable import BSCCore

/// docs/identifiers.md is published for people writing scripts: it must list
/// every id the code knows and the same transitions.
@Suite struct IdentifiersDocTests {
    static let doc: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/identifiers.md"), encoding: .utf8)) ?? ""
    }()

    func listed<T: RawRepresentable & CaseIterable>(_: T.Type) -> [String] where T.RawValue == String {
        T.allCases.map(\.rawValue).filter { !Self.doc.contains("`\($0)`") }
    }

    @Test func everyIdIsListed() {
        #expect(!Self.doc.isEmpty)
        #expect(listed(Channel.self).isEmpty)
        #expect(listed(CallerType.self).isEmpty)
        #expect(listed(TicketStatus.self).isEmpty)
        #expect(listed(Priority.self).isEmpty)
        #expect(listed(PendingReason.self).isEmpty)
        #expect(listed(FeedbackSource.self).isEmpty)
        #expect(listed(Role.self).isEmpty)
        #expect(listed(TicketAction.self).isEmpty)
    }

    @Test func transitionTableMatchesTheCode() {
        for action in TicketAction.allCases {
            let section = Self.doc.components(separatedBy: "## Actions and legal transitions").last ?? ""
            let row = section.split(separator: "\n").first { $0.hasPrefix("| `\(action.rawValue)` |") }
            guard let row else { Issue.record("no row for \(action.rawValue)"); continue }
            let allowed = row.split(separator: "|")[1].trimmingCharacters(in: .whitespaces)
            let expected = TicketStatus.allCases.filter { action.allowedFrom.contains($0) }
            if expected.count == TicketStatus.allCases.count {
                #expect(allowed == "every status", "\(action)")
            } else {
                #expect(allowed == expected.map(\.rawValue).joined(separator: ", "), "\(action)")
            }
        }
    }
}
