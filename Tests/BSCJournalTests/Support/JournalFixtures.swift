import BSCCore
import BSCJournal
import Foundation

enum Fixture {
    static let t0 = Timestamp.parse("2026-11-24T09:00:00.000Z")!

    static func tempDir() -> String {
        let p = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-journal-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    static func opened(_ ref: TicketRef, at: Instant = t0, name: String = "Caller", summary: String = "Summary") -> Event {
        Event(id: "e-\(ref.number)-\(UUID().uuidString.prefix(8))", at: at, user: "agent", ref: ref, body: .opened(
            caller: Caller(name: name, type: .employee, reference: "E\(ref.number)"), category: "payroll.payslip",
            queue: "customer-services", priority: .normal,
            contact: ContactRecord(channel: .phone, summary: summary, received: at, durationMillis: 60_000), details: [:]))
    }

    /// Appends `n` tickets, one append each.
    @discardableResult
    static func appendTickets(_ j: Journal, _ n: Int, summary: String = "Summary") throws -> [Event] {
        var all: [Event] = []
        for _ in 0..<n {
            var c: JournalCursor? = nil
            let r = try j.append(cursor: &c) { tail in [opened(tail.nextRef, summary: summary)] }
            all += r.events
        }
        return all
    }

    static func loadAll(_ j: Journal) throws -> (events: [Event], issues: [LoadIssue]) {
        var c = JournalCursor()
        var events: [Event] = []
        var issues: [LoadIssue] = []
        try j.read(from: &c) { events.append($0.event) } issue: { issues.append($0) }
        return (events, issues)
    }

    static func segmentPath(_ j: Journal) throws -> String { j.directory + "/" + (try j.segments().last!) }
}
