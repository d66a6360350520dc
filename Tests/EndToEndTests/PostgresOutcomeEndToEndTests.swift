import BSCTestSupport
import Foundation
import Testing

/// A command through `bscdesk serve --store postgresql://…` whose append
/// loses the database connection while committing: exit 75 (EX_TEMPFAIL,
/// the outcome is unknown: resend with the same --event-id), not 74
/// ("nothing saved"); the resend stores the event once.
@Suite("PostgreSQL: an unknown outcome", .serialized)
struct PostgresOutcomeEndToEndTests {
    @Test func aCommitCutOffExits75AndTheResendWithTheSameEventIdWritesOnce() throws {
        let serve = PostgresServeTests()
        let (f, cluster, url) = try serve.setUp()
        defer { cluster.stop(); f.cleanUp() }
        try f.startServer(extra: ["--store", url])
        let ref = try serve.log(f, f.amy, socket: f.socket, summary: "first")
        #expect(ref == "BSC-000001")
        _ = try cluster.psql(PostgresOutcomeSQL.dieAtCommit, database: "desk")
        let id = "4242424242424242424242424242abcd"
        let cut = try serve.client(f, f.amy, socket: f.socket, ["note", ref, "said at the cut", "--event-id", id])
        #expect(cut.status == 75, "stdout: \(cut.stdout) stderr: \(cut.stderr)")
        #expect(cut.stderr.contains("may or may not be saved"), "\(cut.stderr)")
        _ = try cluster.psql("DROP TRIGGER bscdesk_test_die ON bscdesk_events", database: "desk")
        let resent = try serve.client(f, f.amy, socket: f.socket, ["note", ref, "said at the cut", "--event-id", id])
        #expect(resent.status == 0, "stdout: \(resent.stdout) stderr: \(resent.stderr)")
        let stored = try cluster.psql("SELECT count(*) FROM bscdesk_events WHERE id = '\(id)'", database: "desk")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "the note is stored \(stored) times")
    }
}

enum PostgresOutcomeSQL {
    /// A deferred trigger that ends its own backend: it runs inside COMMIT,
    /// so the connection drops after COMMIT was sent and before it commits.
    static let dieAtCommit = """
        CREATE FUNCTION bscdesk_test_die() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER bscdesk_test_die AFTER INSERT ON bscdesk_events
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bscdesk_test_die();
        """
}
