import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import PostgresNIO
import XCTest
@testable import BSCPostgres

/// The connection breaks after COMMIT was sent: the store cannot know
/// whether the events were saved. That is an unknown outcome (commands
/// exit 75, "resend"), never "nothing saved" (74); the resend with the
/// same ids stores the events once.
final class PostgresOutcomeTests: PostgresClusterTestCase {

    /// A deferred trigger that ends its own backend: it runs inside COMMIT,
    /// so the connection drops after COMMIT was sent and before it commits.
    static let dieAtCommit = """
        CREATE FUNCTION bscdesk_test_die() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER bscdesk_test_die AFTER INSERT ON bscdesk_events
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bscdesk_test_die();
        """

    func testAConnectionLostWhileCommittingIsAnUnknownOutcomeAndTheResendStoresOnce() throws {
        let cluster = try classCluster()
        try cluster.createDatabase("outcome")
        let clock = ManualClock(Timestamp.parse("2026-03-02T09:00:00.000Z")!)
        let store = PostgresEventStore(address: try PostgresAddress(parsing: cluster.url(database: "outcome")), clock: clock)
        try store.prepare()
        _ = try cluster.psql(Self.dieAtCommit, database: "outcome")
        let event = Event(id: "0123456789abcdef0123456789abcdef", at: clock.now(), user: "alice", ref: TicketRef(1), body: .opened(
            caller: Caller(name: "Ann Example", type: .employee), category: "payroll.salary-query", queue: QueueID.customerServices,
            priority: .normal, contact: ContactRecord(channel: .phone, summary: "pay query", received: clock.now()), details: [:]))
        XCTAssertThrowsError(try store.append([event], expected: 0)) { e in
            guard let pe = e as? PostgresStoreError, case .outcomeUnknown = pe else {
                return XCTFail("a connection lost while committing must be an unknown outcome, not \(e)")
            }
            // What every command maps to exit 75.
            XCTAssertEqual((e as? any AppendOutcomeError)?.outcomeUnknown, true)
            XCTAssertTrue(pe.description.contains("may or may not be saved"), pe.description)
        }
        // The backend died before its commit record: nothing is stored.
        XCTAssertEqual(try cluster.psql("SELECT count(*) FROM bscdesk_events", database: "outcome").trimmingCharacters(in: .whitespacesAndNewlines), "0")
        _ = try cluster.psql("DROP TRIGGER bscdesk_test_die ON bscdesk_events", database: "outcome")
        // The resend (same id) on a new connection stores it; a second resend returns it.
        let stored = try store.append([event], expected: 0)
        XCTAssertEqual(stored.map(\.seq), [1])
        XCTAssertEqual(try store.append([event], expected: 0).map(\.seq), [1])
        XCTAssertEqual(try store.head().seq, 1)
        // Other failures stay "nothing saved".
        XCTAssertEqual(PostgresStoreError.unavailable("refused").outcomeUnknown, false)
        XCTAssertEqual(PostgresStoreError.database("42P01").outcomeUnknown, false)
    }

    /// The failover test's hang: a statement written to a connection that
    /// closed meanwhile (the database was killed) is dropped by NIO
    /// without its future ever completing, so a bare `wait()` blocked the
    /// server's request queue for good and it could not even drain on
    /// SIGTERM. The store's wait must end with "unavailable" instead.
    func testAStatementOnAConnectionThatClosedFailsInsteadOfWaitingForever() throws {
        let cluster = try classCluster()
        let session = PostgresSession(address: try PostgresAddress(parsing: cluster.url()), logger: .init(label: "test"))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Error? = nil
        nonisolated(unsafe) var neverAnswered = false
        let t = Thread {
            defer { done.signal() }
            do {
                try session.with { c in
                    try c.raw.close().wait()
                    // What a bare wait() waits on: never completed.
                    let bare = c.raw.query("SELECT 1", logger: c.logger)
                    let answered = DispatchSemaphore(value: 0)
                    bare.whenComplete { _ in answered.signal() }
                    neverAnswered = answered.wait(timeout: .now() + 2) == .timedOut
                    PostgresSession.abandon(bare)
                    try c.query("SELECT 1")
                }
            } catch {
                outcome = error
            }
        }
        t.start()
        // A guard against the hang itself, not a timing assertion.
        guard done.wait(timeout: .now() + 60) == .success else {
            return XCTFail("a statement on a closed connection still waits for an answer that never comes")
        }
        XCTAssertTrue(neverAnswered, "NIO answered a statement on a closed connection: the guard in Connection.query may no longer be needed")
        guard let e = outcome as? PostgresStoreError, case .unavailable = e else {
            return XCTFail("expected unavailable, got \(String(describing: outcome))")
        }
        // The session dropped the connection and makes a new one.
        XCTAssertEqual(try session.with { c in try c.query("SELECT 1").first?.decode(Int.self) }, 1)
    }
}
