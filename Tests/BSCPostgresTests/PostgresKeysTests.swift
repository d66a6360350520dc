import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import XCTest
@testable import BSCPostgres

/// The data-protection keys shared by the servers of one database: what
/// one stores the other reads, an erasure is seen by both and leaves no
/// key in the table, and a late writer cannot bring an erased key back.
final class PostgresKeysTests: PostgresClusterTestCase {
    nonisolated(unsafe) static var databases = 0

    func keyStores() throws -> (KeyStore, KeyStore, TestPostgresCluster) {
        let cluster = try classCluster()
        Self.databases += 1
        let name = "keys\(Self.databases)"
        try cluster.createDatabase(name)
        let address = try PostgresAddress(parsing: cluster.url(database: name))
        let root = NSTemporaryDirectory() + "bscdesk-keys-" + UUID().uuidString
        var stores: [KeyStore] = []
        for site in ["a", "b"] {
            let keys = PostgresKeys(address: address, logger: .init(label: "test"))
            try keys.prepare()
            let store = KeyStore(directory: root + "/" + site + "/keys", login: "server", owner: nil, fileMode: 0o600, directoryMode: 0o700)
            store.shared = keys
            stores.append(store)
        }
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        return (stores[0], stores[1], cluster)
    }

    func testWhatOneServerStoresTheOtherReadsAndAnErasureReachesBoth() throws {
        let (a, b, cluster) = try keyStores()
        let k1 = DataKey.random(), k2 = DataKey.random()
        try a.add(TicketRef(1), k1, queue: nil, gid: nil)
        try b.add(TicketRef(2), k2, queue: nil, gid: nil)
        XCTAssertEqual(b.state(TicketRef(1), restrictedQueues: []), .key(k1, queue: nil))
        XCTAssertEqual(a.state(TicketRef(2), restrictedQueues: []), .key(k2, queue: nil))
        // Routing into a restricted queue moves the key; both see the queue.
        try a.move(TicketRef(2), key: k2, to: "appointeeship", gid: nil)
        try b.refreshShared()
        XCTAssertEqual(b.state(TicketRef(2), restrictedQueues: []), .key(k2, queue: "appointeeship"))
        // One blind-index key, whoever asks first.
        XCTAssertEqual(try a.indexKey(create: true), try b.indexKey(create: true))

        try a.destroy([TicketRef(1)], restrictedQueues: [])
        try b.refreshShared()
        XCTAssertEqual(b.state(TicketRef(1), restrictedQueues: []), .erased)
        // The row stays (so the ticket stays erased) without its key.
        let left = try cluster.psql("SELECT count(*) FROM bscdesk_keys WHERE ticket = 1 AND key IS NOT NULL", database: "keys\(Self.databases)")
        XCTAssertEqual(left.trimmingCharacters(in: .whitespacesAndNewlines), "0")
        // A stale writer storing the old key again does not bring it back.
        try b.add(TicketRef(1), k1, queue: nil, gid: nil)
        try a.refreshShared()
        XCTAssertEqual(a.state(TicketRef(1), restrictedQueues: [], fresh: true), .erased)
        // Neither server wrote a key file of its own.
        for store in [a, b] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: store.directory + "/tickets"), store.directory)
        }
    }

    /// Two servers build the same next reference at once; one loses the
    /// race for it and builds again. The loser's key for that reference
    /// must not replace the winner's (an upsert did: the winner's events
    /// became unreadable everywhere): both get the key stored first.
    func testTwoServersOpeningTheSameReferenceShareTheFirstKey() throws {
        let (a, b, _) = try keyStores()
        let first = DataKey.random(), second = DataKey.random()
        let winner = try a.addOpening(TicketRef(9), first, queue: nil, gid: nil)
        let loser = try b.addOpening(TicketRef(9), second, queue: nil, gid: nil)
        XCTAssertEqual(winner, first)
        XCTAssertEqual(loser, first, "the second server must take the stored key, not store its own")
        try a.refreshShared()
        XCTAssertEqual(a.state(TicketRef(9), restrictedQueues: [], fresh: true), .key(first, queue: nil))
    }

    /// A new ticket's key commits without waiting for the WAL flush or a
    /// synchronous standby (the events encrypted with it wait for both,
    /// later in the same WAL): with a standby named that never connects,
    /// a waiting commit would hang until the statement timeout. An
    /// erasure still waits: it is not tried here (it would hang 30 s).
    func testAnOpeningKeyDoesNotWaitForTheFlushOrAStandby() throws {
        let cluster = try TestPostgresCluster()
        defer { cluster.stop() }
        try cluster.createDatabase("nowait")
        let address = try PostgresAddress(parsing: cluster.url(database: "nowait"))
        let keys = PostgresKeys(address: address, logger: .init(label: "test"))
        try keys.prepare()
        try cluster.psql("ALTER SYSTEM SET synchronous_standby_names = 'ghost'")
        try cluster.psql("SELECT pg_reload_conf()")
        let deadline = Date().addingTimeInterval(10)
        while try cluster.psql("SHOW synchronous_standby_names").trimmingCharacters(in: .whitespacesAndNewlines) != "ghost" {
            guard Date() < deadline else { throw TestPostgresCluster.Failure("the cluster did not reload its configuration") }
            usleep(50_000)
        }
        // Waiting for the standby, the store gives up after 30 s: an error.
        let proposed = DataKey.random()
        let stored = try keys.openingKey(TicketRef(1), proposing: proposed, queue: nil)
        XCTAssertEqual(stored, proposed)
        XCTAssertEqual(try keys.openingKey(TicketRef(1), proposing: DataKey.random(), queue: nil), proposed, "the key stored first is kept")
        let seen = try PostgresKeys(address: address, logger: .init(label: "test")).changes(after: 0)
        XCTAssertEqual(seen.keys.map(\.ref), [TicketRef(1)])
        XCTAssertEqual(seen.keys.first?.key, proposed)
    }
}
