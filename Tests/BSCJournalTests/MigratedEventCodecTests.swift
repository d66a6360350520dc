import BSCCore
import Testing
@testable import BSCJournal

/// `journal.migrated`, the first event of a migrated journal
/// (docs/journal-format.md): names no ticket, records the old head.
@Suite struct MigratedEventCodecTests {
    static let head = String(repeating: "ab", count: 32)
    static let migration = JournalMigration(head: head, headSeq: 41, segments: ["2026-09.jsonl", "2026-10.jsonl"],
                                            archive: "archive/plaintext-2026-12-01", migratedAt: Fixture.t0.adding(minutes: 90))

    func line(_ e: Event) -> [UInt8] { EventEncoder.body(e, tickets: 0) + Array(#","h":"00"}"#.utf8) }

    @Test func roundTripsWithoutARef() throws {
        let e = Event(seq: 1, id: "m1", at: Fixture.t0, user: "tester", ref: .none, body: .journalMigrated(Self.migration))
        let text = String(decoding: line(e), as: UTF8.self)
        #expect(!text.contains("\"ref\""))
        #expect(text.contains(#""type":"journal.migrated","tickets":0,"head":"\#(Self.head)","head_seq":41,"segments":"2026-09.jsonl 2026-10.jsonl","archive":"archive/plaintext-2026-12-01","migrated":""#))
        let d = try EventDecoder().decode(line(e))
        #expect(d.event.body == .journalMigrated(Self.migration))
        #expect(d.event.ref == .none)
        #expect(d.event.at == Fixture.t0)
    }

    @Test func rejectsARefABadHeadOrAMissingField() {
        let good = String(decoding: line(Event(seq: 1, id: "m1", at: Fixture.t0, user: "u", ref: .none, body: .journalMigrated(Self.migration))), as: UTF8.self)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: #""tickets":0"#, with: #""ref":"BSC-000001","tickets":0"#), "names no ticket"),
            (good.replacingOccurrences(of: Self.head, with: String(repeating: "AB", count: 32)), "\"head\" is not a chain hash"),
            (good.replacingOccurrences(of: #""head_seq":41,"#, with: ""), "missing or invalid \"head_seq\""),
            (good.replacingOccurrences(of: #""migrated":"2026"#, with: #""migrated":"x2026"#), "\"migrated\" is not a UTC timestamp"),
            (good.replacingOccurrences(of: #""archive":"#, with: #""archiv":"#), "missing \"archive\""),
        ]
        for (text, reason) in cases {
            #expect(text != good, "the case did not change the line: \(reason)")
            do {
                _ = try EventDecoder().decode(Array(text.utf8))
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.message.contains(reason), "\(error.message) for \(text)")
            }
        }
    }
}
