import Foundation
import Testing

/// `doctor`'s semantic warnings through the real binary: file:line, what
/// the fold did, exit 0 without `--strict` and 1 with it, and journal text
/// never printed raw.
@Suite struct DoctorWarningsTests {
    /// The first millisecond of this UTC month: before anything logged now,
    /// and still in this month's file.
    var monthStart: String {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM"
        return f.string(from: Date()) + "-01T00:00:00.001Z"
    }

    @Test func warningsAreListedWithFileLineAndStrictTurnsThemIntoExit1() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Ann Able", extra: ["--resolved"])
        let clean = try desk.run(["doctor"])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("warnings: none"), "\(clean.stdout)")
        #expect(try desk.run(["doctor", "--strict"]).status == 0)

        // An open ticket with an unknown category and an escape sequence in
        // its summary, then closed while open, written before the first line.
        try JournalPlanting.plant(desk, ["category": "cs.nonsense", "summary": "red \u{1B}[31mtext"])
        let lines = try desk.journalLines()
        let file = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).filter { $0.hasSuffix(".jsonl") }.sorted().last!
        try JournalPlanting.plant(desk, ["type": "ticket.closed", "ref": "BSC-000002", "tickets": 2, "ts": monthStart,
                                         "caller": NSNull(), "caller_type": NSNull(), "category": NSNull(), "queue": NSNull(), "priority": NSNull(),
                                         "channel": NSNull(), "summary": NSNull(), "received": NSNull()])
        let r = try desk.run(["doctor"])
        #expect(r.status == 0, "warnings alone exit 0: \(r.stdout)")
        let n = lines.count
        #expect(r.stdout.contains("journal/\(file):\(n): unknown category: \"cs.nonsense\" on BSC-000002"), "\(r.stdout)")
        #expect(r.stdout.contains("journal/\(file):\(n): control character: U+001B inside a string"), "\(r.stdout)")
        #expect(r.stdout.contains("journal/\(file):\(n + 1): illegal transition: ticket.closed on BSC-000002 while open"), "\(r.stdout)")
        #expect(r.stdout.contains("applied as written: the ticket is now closed"), "\(r.stdout)")
        #expect(r.stdout.contains("journal/\(file):\(n + 1): ts goes backwards"), "\(r.stdout)")
        #expect(r.stdout.contains("result: ok, with 4 warnings"), "\(r.stdout)")
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"), "no raw journal text")
        // Loading still works: the fold applied both lines.
        let show = try desk.run(["show", "BSC-000002", "--format", "json"])
        #expect(show.stdout.contains("\"status\":\"closed\"") || show.stdout.contains("\"status\": \"closed\""), "\(show.stdout)")
        let strict = try desk.run(["doctor", "--strict"])
        #expect(strict.status == 1, "\(strict.stdout)")
    }

    @Test func showJSONListsEachContactsTiming() throws {
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(caller: "Ann Able", extra: ["--duration", "2m30s"])
        let r = try desk.run(["show", ref, "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let contacts = obj?["contact_log"] as? [[String: Any]]
        #expect(contacts?.count == 1, "\(r.stdout)")
        #expect(contacts?.first?["channel"] as? String == "phone")
        #expect((contacts?.first?["duration_ms"] as? NSNumber)?.int64Value == 150_000, "\(r.stdout)")
        #expect((contacts?.first?["received"] as? String)?.count == 24)
        #expect(obj?["contacts"] as? Int == 1)
    }
}
