import Foundation
import Testing

/// Issue 12: `stats --format json` printed `"journal_head": null` where
/// `export` records the head the figures came from.
@Suite("Stats JSON records the journal head, real binary")
struct StatsJournalHeadTests {
    @Test func statsJSONCarriesTheHeadExportRecords() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Head Caller", extra: ["--resolved"])
        let stats = try desk.run(["stats", "--format", "json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let head = try #require(doc["journal_head"] as? String, "stats JSON: \(stats.stdout.prefix(400))")
        #expect(head.count == 64)
        #expect((doc["journal_head_seq"] as? NSNumber)?.intValue ?? 0 >= 1)
        let dir = try TempDir.make()
        #expect(try desk.run(["export", "--format", "json", "--out", dir + "/f.json"]).status == 0)
        let export = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/f.json"))) as? [String: Any]
        #expect(export?["journal_head"] as? String == head)
        #expect(try desk.run(["verify", "--against", head]).status == 0)
    }
}
