import Foundation
import Testing

/// `seq` and `tickets` are checked against the line before (issue 15, item
/// 4): a crafted line with numbers that do not follow is damage, skipped
/// by readers and writers, and named by doctor and verify; nothing traps.
@Suite("Forged numbers")
struct ForgedNumbersTests {
    static let max = Int64.max  // 9223372036854775807

    func expectDamageSkippedAndWritingGoesOn(_ desk: Bscdesk, _ label: String) throws {
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 1, "\(label): doctor said \(doctor.stdout)")
        #expect(doctor.stdout.contains(".jsonl:2: "), "\(label): \(doctor.stdout)")
        // The old code trapped here: arithmetic overflow, exit 132.
        let log = try desk.run(["log", "--caller", "After", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "after"])
        #expect(log.status == 0, "\(label): log \(log.status) \(log.stderr)")
        #expect(log.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "BSC-000002", "\(label): \(log.stdout)")
        let note = try desk.run(["note", "BSC-000001", "a note"])
        #expect(note.status == 0, "\(label): note \(note.status) \(note.stderr)")
        let list = try desk.run(["list", "--format", "json"])
        #expect(list.status == 0)
        let refs = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["ref"] as? String }
        #expect(refs == ["BSC-000001", "BSC-000002"], "\(label): \(list.stdout)")
        // The writers chained from the last valid line: seq 2 and 3.
        let seqs = try desk.journalLines().compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["seq"] as? Int64 }
        #expect(seqs.suffix(2) == [2, 3], "\(label): \(seqs)")
        let verify = try desk.run(["verify"])
        #expect(verify.status == 1, "\(label): \(verify.stdout)")
        #expect(verify.stdout.contains(".jsonl:2: "), "\(label): \(verify.stdout)")
    }

    @Test func aLastLineWithSeqAtIntMax() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        try JournalPlanting.plant(desk, ["seq": Self.max, "type": "ticket.noted", "ref": "BSC-000001", "tickets": 1, "text": "x"])
        try expectDamageSkippedAndWritingGoesOn(desk, "seq")
    }

    @Test func aLastLineWithTicketsAtIntMax() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        try JournalPlanting.plant(desk, ["tickets": Self.max])
        try expectDamageSkippedAndWritingGoesOn(desk, "tickets")
    }

    /// `"tickets": 999999` made the next reference BSC-1000000.
    @Test func aJumpInTicketsIsDamage() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        try JournalPlanting.plant(desk, ["tickets": 999_999, "ref": "BSC-999999"])
        try expectDamageSkippedAndWritingGoesOn(desk, "999999")
    }

    /// Two contacts whose chained, well-formed lines say they lasted
    /// Int64.max - 1 ms: their sum overflowed in `stats` and the board
    /// (a trap, exit 132). A duration over a year is damage now.
    @Test func contactDurationsNearIntMaxAreDamageAndNothingTraps() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        try JournalPlanting.plant(desk, ["duration_ms": Self.max - 1])
        try JournalPlanting.plant(desk, ["type": "contact.logged", "ref": "BSC-000002", "tickets": 2, "duration_ms": Self.max - 1,
                                         "caller": NSNull(), "caller_type": NSNull(), "category": NSNull(), "queue": NSNull(), "priority": NSNull()])
        for args in [["stats"], ["stats", "--by", "agent", "--format", "json"], ["board", "--print"], ["board", "--print", "--format", "json"], ["list"]] {
            let r = try desk.run(args)
            #expect(r.status == 0, "\(args): \(r.status) \(r.stderr)")
        }
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 1, "\(doctor.stdout)")
        #expect(doctor.stdout.contains(".jsonl:2: ") && doctor.stdout.contains("duration_ms 9223372036854775806 is out of range"), "\(doctor.stdout)")
        // A real call's duration is still read.
        let log = try desk.run(["log", "--caller", "After", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "after", "--duration", "8h"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(try desk.run(["show", "BSC-000002"]).stdout.contains("[8h"), "a valid long call lost its duration")
    }

    /// A line whose seq repeats the one before it (a copied line).
    @Test func aRepeatedSeqIsDamage() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        try JournalPlanting.plant(desk, ["seq": 1, "type": "ticket.noted", "ref": "BSC-000001", "tickets": 1, "text": "x"])
        try expectDamageSkippedAndWritingGoesOn(desk, "repeat")
    }
}
