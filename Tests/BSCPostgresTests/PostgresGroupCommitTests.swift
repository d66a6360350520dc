import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import XCTest
@testable import BSCPostgres

/// The team server's group commit on PostgreSQL: a server's journal copy
/// (`defersSync`) over a store that holds its appends open
/// (`holdCommits`), so one COMMIT covers every append of a group. A failed
/// COMMIT must store none of the group, and the copy must become the
/// store's again, whether the store is only behind it or other servers
/// appended at the group's positions since.
final class PostgresGroupCommitTests: PostgresClusterTestCase {
    nonisolated(unsafe) static var databases = 0
    let start = Instant(millis: 1_780_000_000_000)

    struct Site {
        let store: PostgresEventStore
        let journal: Journal
        let directory: String
    }

    /// A fresh database, and a server's copy of it in a new folder.
    func freshSite(_ clock: ManualClock) throws -> (Site, TestPostgresCluster, String) {
        let cluster = try classCluster()
        Self.databases += 1
        let name = "group\(Self.databases)"
        try cluster.createDatabase(name)
        let store = PostgresEventStore(address: try PostgresAddress(parsing: cluster.url(database: name)), clock: clock)
        try store.prepare()
        return (try site(on: store, clock), cluster, name)
    }

    func site(on store: PostgresEventStore, _ clock: ManualClock, directory: String? = nil) throws -> Site {
        let dir = directory ?? NSTemporaryDirectory() + "bscdesk-group-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let journal = Journal(directory: dir, clock: clock)
        journal.upstream = store
        journal.defersSync = true
        XCTAssertTrue(store.holdCommits())
        return Site(store: store, journal: journal, directory: dir)
    }

    /// One new ticket through the copy, as the server appends a `log`.
    func log(_ site: Site, _ clock: ManualClock) throws {
        var cursor: JournalCursor? = nil
        _ = try site.journal.append(cursor: &cursor) { tail in
            [Self.opened(tail.tickets + 1, at: clock.now())]
        }
    }

    static func opened(_ n: Int, at: Instant) -> Event {
        Event(id: UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), at: at, user: "alice", ref: TicketRef(n), body: .opened(
            caller: Caller(name: "Caller \(n)", type: .employee), category: "payroll.salary-query", queue: QueueID.customerServices,
            priority: .normal, contact: ContactRecord(channel: .phone, summary: "query \(n)", received: at), details: [:]))
    }

    func localLines(_ site: Site) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: site.directory).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try names.flatMap { name in
            try String(contentsOfFile: site.directory + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    func storeLines(_ store: PostgresEventStore) throws -> [String] {
        var lines: [String] = []
        try store.readLines(after: 0) { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    func count(_ cluster: TestPostgresCluster, _ database: String) throws -> String {
        try cluster.psql("SELECT count(*) FROM bscdesk_events", database: database).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAGroupIsOneTransactionCommittedAtTheSync() throws {
        let clock = ManualClock(start)
        let (site, cluster, db) = try freshSite(clock)
        defer { try? FileManager.default.removeItem(atPath: site.directory) }
        for _ in 1...5 { try log(site, clock) }
        // Nothing is visible to another connection before the group's sync.
        XCTAssertEqual(try count(cluster, db), "0")
        XCTAssertEqual(try site.journal.syncDeferred(), 1)
        XCTAssertEqual(try count(cluster, db), "5")
        XCTAssertEqual(try localLines(site), try storeLines(site.store))
        XCTAssertNil(try site.store.verifyChain().firstBreak)
    }

    /// COMMIT dies (the backend is ended inside it): the sync throws an
    /// unknown outcome, none of the group is stored, and after the next
    /// pull the copy holds exactly the store's lines (the group's are set
    /// aside in torn/); the next group chains on the store's head.
    func testAFailedGroupCommitStoresNoneOfTheGroupAndTheCopyMatchesTheStoreAgain() throws {
        let clock = ManualClock(start)
        let (site, cluster, db) = try freshSite(clock)
        defer { try? FileManager.default.removeItem(atPath: site.directory) }
        try log(site, clock)
        try site.journal.syncDeferred()
        XCTAssertEqual(try count(cluster, db), "1")
        _ = try cluster.psql(PostgresOutcomeTests.dieAtCommit, database: db)
        for _ in 2...4 { try log(site, clock) }
        XCTAssertThrowsError(try site.journal.syncDeferred()) { e in
            XCTAssertEqual((e as? any AppendOutcomeError)?.outcomeUnknown, true, "a failed group commit must be an unknown outcome, not \(e)")
        }
        XCTAssertEqual(try count(cluster, db), "1", "part of a group whose COMMIT failed was stored")
        XCTAssertEqual(try localLines(site).count, 4)
        _ = try cluster.psql("DROP TRIGGER bscdesk_test_die ON bscdesk_events", database: db)

        try site.journal.pullUpstream()
        XCTAssertEqual(try localLines(site), try storeLines(site.store))
        let torn = try String(contentsOfFile: site.directory + "/torn/beyond-store-1.jsonl", encoding: .utf8)
        XCTAssertEqual(torn.split(separator: "\n").count, 3)

        for _ in 1...2 { try log(site, clock) }
        try site.journal.syncDeferred()
        XCTAssertEqual(try count(cluster, db), "3")
        XCTAssertEqual(try localLines(site), try storeLines(site.store))
        XCTAssertNil(try site.store.verifyChain().firstBreak)
    }

    /// The server is killed with a group open (its connection goes, so the
    /// transaction is rolled back), and another server appends at the
    /// group's positions. The restarted server's copy has lines the store
    /// never had: they are set aside and the copy becomes the store's,
    /// instead of the server refusing to start.
    func testACopyWithAnUncommittedGroupIsRepairedAfterAnotherServerAppended() throws {
        let clock = ManualClock(start)
        let (site, cluster, db) = try freshSite(clock)
        defer { try? FileManager.default.removeItem(atPath: site.directory) }
        try log(site, clock)
        try site.journal.syncDeferred()
        for _ in 2...3 { try log(site, clock) }
        // The kill: the connection closes with the transaction open.
        site.store.session.reset()
        let other = PostgresEventStore(address: site.store.address, clock: clock)
        for n in 2...4 {
            try other.append([Self.opened(n, at: clock.now())], expected: Int64(n - 1))
        }
        XCTAssertEqual(try count(cluster, db), "4")

        let restarted = try self.site(on: PostgresEventStore(address: site.store.address, clock: clock), clock, directory: site.directory)
        try restarted.journal.pullUpstream()
        XCTAssertEqual(try localLines(restarted), try storeLines(restarted.store))
        let torn = try String(contentsOfFile: site.directory + "/torn/beyond-store-1.jsonl", encoding: .utf8)
        XCTAssertEqual(torn.split(separator: "\n").count, 2)
    }
}
