import BSCTestSupport
import Foundation
import Testing

/// `bscdesk serve --store`: one transaction per group of requests,
/// committed at the group's sync. A COMMIT that fails acknowledges none of
/// the group, and the server's projection is the store's again after it.
@Suite("PostgreSQL: a failed group commit", .serialized)
struct PostgresGroupCommitEndToEndTests {
    @Test func aFailedGroupCommitAcknowledgesNoneAndTheServerMatchesTheStoreAfter() throws {
        let serve = PostgresServeTests()
        let (f, cluster, url) = try serve.setUp()
        defer { cluster.stop(); f.cleanUp() }
        try f.startServer(extra: ["--store", url])
        #expect(try serve.log(f, f.amy, socket: f.socket, summary: "first") == "BSC-000001")
        // Every COMMIT now loses its connection before it commits.
        _ = try cluster.psql(PostgresOutcomeSQL.dieAtCommit, database: "desk")
        let bench = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--clients", "8", "--count", "2"])
        #expect(bench.stdout.contains(": 0 acknowledged, 16 failed"), "\(bench.stdout) \(bench.stderr)")
        let stored = try cluster.psql("SELECT count(*) FROM bscdesk_events", database: "desk")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "the failed groups stored \(stored) events")
        _ = try cluster.psql("DROP TRIGGER bscdesk_test_die ON bscdesk_events", database: "desk")

        // The projection counts only what the store holds: the next ticket
        // is the second, and none of the failed groups' tickets exists.
        #expect(try serve.log(f, f.amy, socket: f.socket, summary: "after") == "BSC-000002")
        let ghost = try serve.client(f, f.amy, socket: f.socket, ["show", "BSC-000003"])
        #expect(ghost.status != 0, "a ticket of a failed group is still shown: \(ghost.stdout)")
        // The server's copy holds the store's lines and no others.
        #expect(try f.journal().count == 2)
    }
}
