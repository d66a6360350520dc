import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import XCTest
@testable import BSCPostgres

/// The EventStore contract (Tests/BSCJournalTests/EventStoreContractTests)
/// on a real PostgreSQL, plus what only a shared database has: two
/// servers, retries after an unknown outcome, gaps.
final class PostgresEventStoreTests: PostgresClusterTestCase {
    /// Each test gets its own database on the class's cluster.
    nonisolated(unsafe) static var databases = 0

    /// A fresh, prepared store on its own database; fails the test (never
    /// skips it) when PostgreSQL cannot be started.
    func freshStore(_ clock: ManualClock) throws -> (PostgresEventStore, PostgresAddress) {
        let cluster = try classCluster()
        Self.databases += 1
        let name = "contract\(Self.databases)"
        try cluster.createDatabase(name)
        let address = try PostgresAddress(parsing: cluster.url(database: name))
        let store = PostgresEventStore(address: address, clock: clock)
        store.pollMillis = 50
        try store.prepare()
        return (store, address)
    }

    let start = Instant(millis: 1_780_000_000_000)

    // MARK: - The shared contract

    func testStampsAndLinesAreByteIdenticalToTheInMemoryStore() throws {
        let a = ManualClock(start), b = ManualClock(start)
        let (pg, _) = try freshStore(a)
        let memory = InMemoryEventStore(clock: b)
        for store in [pg as any EventStore, memory] {
            let clock = store === pg ? a : b
            let t0 = clock.now()
            let first = try store.append([opened(1, at: Instant(millis: 0)), note(1, "a", at: Instant(millis: 0))], expected: 0)
            XCTAssertEqual(first.map(\.seq), [1, 2])
            XCTAssertEqual(first.map(\.at), [t0, t0], "the store stamps ts from its own clock")
            clock.advance(millis: 1000)
            XCTAssertEqual(try store.append([opened(2, at: t0)], expected: 2).first?.seq, 3)
        }
        XCTAssertEqual(try pg.head(), try memory.head())
        XCTAssertEqual(try pg.head().tickets, 2)
        var lines: [[UInt8]] = []
        try pg.readLines(after: 0) { _, line in lines.append(line + [10]) }
        XCTAssertEqual(lines, memory.lines, "PostgreSQL must keep each line byte for byte")
    }

    func testTimestampNeverGoesBackwardsWhenAClockDoes() throws {
        let clock = ManualClock(start)
        let (store, _) = try freshStore(clock)
        try store.append([opened(1, at: clock.now())], expected: 0)
        let before = try store.head().at
        clock.advance(millis: -3_600_000)
        let later = try store.append([note(1, "late clock", at: clock.now())], expected: 1)
        XCTAssertEqual(later[0].at, before, "ts went backwards")
    }

    func testStaleExpectedPositionIsRefusedAndWritesNothing() throws {
        let clock = ManualClock(start)
        let (store, _) = try freshStore(clock)
        try store.append([opened(1, at: clock.now())], expected: 0)
        XCTAssertThrowsError(try store.append([note(1, "stale", at: clock.now())], expected: 0)) { error in
            guard case EventStoreError.conflict(let expected, let head)? = error as? EventStoreError else {
                return XCTFail("expected a conflict, got \(error)")
            }
            XCTAssertEqual(expected, 0)
            XCTAssertEqual(head.seq, 1)
        }
        XCTAssertEqual(try store.head().seq, 1)
    }

    func testOpeningAReferenceOutOfTurnIsRejected() throws {
        let clock = ManualClock(start)
        let (store, _) = try freshStore(clock)
        XCTAssertThrowsError(try store.append([opened(5, at: clock.now())], expected: 0)) { error in
            guard case EventStoreError.rejected? = error as? EventStoreError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.head().seq, 0)
        // The refused transaction left the connection usable.
        XCTAssertEqual(try store.append([opened(1, at: clock.now())], expected: 0).first?.seq, 1)
    }

    func testReadAfterAPositionDeliversOnlyLaterEventsInOrder() throws {
        let clock = ManualClock(start)
        let (store, _) = try freshStore(clock)
        try store.append([opened(1, at: clock.now()), opened(2, at: clock.now())], expected: 0)
        var seen: [Int64] = []
        let p = try store.read(after: .start, { seen.append($0.seq) }, issue: { XCTFail("\($0)") })
        XCTAssertEqual(seen, [1, 2])
        XCTAssertEqual(p.seq, 2)
        try store.append([note(1, "x", at: clock.now())], expected: 2)
        seen = []
        let q = try store.read(after: p, { seen.append($0.seq) }, issue: { _ in })
        XCTAssertEqual(seen, [3])
        XCTAssertEqual(q.seq, 3)
    }

    func testOneTicketsEventsComeBackOldestFirst() throws {
        let clock = ManualClock(start)
        let (store, _) = try freshStore(clock)
        var expected: Int64 = 0
        for n in 1...5 { expected = try store.append([opened(n, at: clock.now())], expected: expected).last!.seq }
        for round in 0..<3 {
            for n in [2, 4] { expected = try store.append([note(n, "r\(round)", at: clock.now())], expected: expected).last!.seq }
        }
        let events = try store.events(of: TicketRef(4))
        XCTAssertEqual(events.map(\.type), [.opened, .noted, .noted, .noted])
        XCTAssertEqual(events.map(\.seq), events.map(\.seq).sorted())
        XCTAssertTrue(try store.events(of: TicketRef(9)).isEmpty)
    }

    func testSubscribersSeeAppendsFromAnotherServer() throws {
        let clock = ManualClock(start)
        let (store, address) = try freshStore(clock)
        try store.append([opened(1, at: clock.now())], expected: 0)
        let got = Received()
        let sub = try store.subscribe(after: StorePosition(seq: 1)) { got.add($0) }
        // Another server on the same database.
        let other = PostgresEventStore(address: address, clock: clock)
        try other.append([note(1, "live", at: clock.now())], expected: 1)
        XCTAssertTrue(got.wait { $0 == [2] }, "the subscriber never saw seq 2 (saw \(got.seqs))")
        sub.cancel()
        try other.append([note(1, "after cancel", at: clock.now())], expected: 2)
        usleep(200_000)
        XCTAssertEqual(got.seqs, [2], "delivered after cancel")
    }

    // MARK: - What a shared database adds

    /// A retry after an unknown outcome (same event ids) gets the stored
    /// events back and appends nothing, even after the head moved on.
    func testRetryWithTheSameIdsReturnsTheStoredPosition() throws {
        let clock = ManualClock(start)
        let (store, _) = try freshStore(clock)
        let first = try store.append([opened(1, at: clock.now(), id: "aaaa")], expected: 0)
        try store.append([note(1, "later", at: clock.now())], expected: 1)
        clock.advance(millis: 5000)
        let retried = try store.append([opened(1, at: clock.now(), id: "aaaa")], expected: 0)
        XCTAssertEqual(retried.map(\.seq), first.map(\.seq))
        XCTAssertEqual(retried.map(\.at), first.map(\.at))
        XCTAssertEqual(try store.head().seq, 2, "the retry appended a second copy")
        // Half-stored batches cannot happen; a batch mixing stored and new ids is refused.
        XCTAssertThrowsError(try store.append([opened(2, at: clock.now(), id: "aaaa"), note(1, "new", at: clock.now())], expected: 2))
        XCTAssertEqual(try store.head().seq, 2)
    }

    /// Two servers with clocks an hour apart append as fast as they can:
    /// positions 1…N with no gap and no repeat, every reference issued
    /// once, ts never backwards, and the chain verifies.
    func testTwoServersAppendingAtOnceKeepOneGapFreeChain() throws {
        let clock = ManualClock(start)
        let (_, address) = try freshStore(clock)
        let behind = ManualClock(start.adding(millis: -3_600_000))
        let servers = [PostgresEventStore(address: address, clock: clock), PostgresEventStore(address: address, clock: behind)]
        let perServer = 60
        let failures = Received()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let store = servers[i]
            for k in 0..<perServer {
                var attempts = 0
                while true {
                    attempts += 1
                    do {
                        let head = try store.head()
                        let e = k % 2 == 0 ? opened(head.tickets + 1, at: clock.now(), id: "s\(i)-\(k)")
                                           : note(max(1, head.tickets), "s\(i)-\(k)", at: clock.now())
                        try store.append([e], expected: head.seq)
                        break
                    } catch EventStoreError.conflict {
                        if attempts > 500 { failures.fail("server \(i) starved"); return }
                    } catch {
                        failures.fail("server \(i): \(error)")
                        return
                    }
                }
            }
        }
        XCTAssertEqual(failures.failures, [])
        var events: [Event] = []
        try servers[0].read(after: .start, { events.append($0) }, issue: { XCTFail("\($0)") })
        XCTAssertEqual(events.map(\.seq), Array(1...Int64(2 * perServer)))
        let opens = events.filter { $0.type == .opened }.map(\.ref.number)
        XCTAssertEqual(opens, Array(1...opens.count), "references issued twice or skipped")
        XCTAssertEqual(events.map(\.at), events.map(\.at).sorted(), "ts went backwards across servers")
        let report = try servers[1].verifyChain()
        XCTAssertNil(report.firstBreak)
        XCTAssertEqual(report.headSeq, Int64(2 * perServer))
    }

    /// The gap race: two servers append while a third append transaction
    /// is held open for a while (pg_sleep) after taking its position. A
    /// subscriber never sees position n+1 before n.
    func testGapRaceASubscriberNeverSeesALaterPositionFirst() throws {
        let clock = ManualClock(start)
        let (seed, address) = try freshStore(clock)
        try seed.append([opened(1, at: clock.now())], expected: 0)
        let watcher = PostgresEventStore(address: address, clock: clock)
        watcher.pollMillis = 5
        let got = Received()
        let sub = try watcher.subscribe(after: StorePosition(seq: 1)) { got.add($0) }
        defer { sub.cancel() }

        let holder = PostgresEventStore(address: address, clock: clock)
        let writers = [PostgresEventStore(address: address, clock: clock), PostgresEventStore(address: address, clock: clock)]
        let failures = Received()
        let held = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do {
                let head = try holder.head()
                _ = try holder.append([note(1, "held", at: clock.now())], expected: head.seq) { c in
                    held.signal()
                    try c.run("SELECT pg_sleep(1.5)")
                }
            } catch { failures.fail("holder: \(error)") }
        }
        held.wait()
        for (i, w) in writers.enumerated() {
            DispatchQueue.global().async(group: group) {
                for k in 0..<20 {
                    while true {
                        do {
                            let head = try w.head()
                            try w.append([note(1, "w\(i)-\(k)", at: clock.now())], expected: head.seq)
                            break
                        } catch EventStoreError.conflict {
                            continue
                        } catch {
                            failures.fail("writer \(i): \(error)")
                            return
                        }
                    }
                }
            }
        }
        group.wait()
        XCTAssertEqual(failures.failures, [])
        XCTAssertTrue(got.wait { $0.count == 41 }, "the subscriber saw \(got.seqs.count) of 41 events")
        XCTAssertEqual(got.seqs, Array(2...42), "a subscriber saw positions out of order or with a gap")
        XCTAssertEqual(got.notes.first, "held", "the held transaction's position came first")
    }

    /// A missing position (a row deleted by hand) is reported as a bug,
    /// never skipped over silently.
    func testAReaderThatFindsAGapSaysSo() throws {
        let clock = ManualClock(start)
        let (store, address) = try freshStore(clock)
        try store.append([opened(1, at: clock.now()), note(1, "a", at: clock.now()), note(1, "b", at: clock.now())], expected: 0)
        try classCluster().psql("DELETE FROM bscdesk_events WHERE seq = 2", database: address.database)
        XCTAssertThrowsError(try store.read(after: .start, { _ in }, issue: { _ in })) { error in
            guard case PostgresStoreError.gap(let after, let found)? = error as? PostgresStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(after, 1)
            XCTAssertEqual(found, 3)
            XCTAssertTrue("\(error)".contains("BUG"), "\(error)")
        }
        XCTAssertThrowsError(try store.verifyChain(), "verify must not pass over a gap")
    }

    /// An edited line breaks the chain at its position.
    func testVerifyFindsAnEditedLine() throws {
        let clock = ManualClock(start)
        let (store, address) = try freshStore(clock)
        try store.append([opened(1, at: clock.now()), note(1, "pay", at: clock.now())], expected: 0)
        XCTAssertNil(try store.verifyChain().firstBreak)
        try classCluster().psql("UPDATE bscdesk_events SET line = replace(line, 'pay', 'PAY') WHERE seq = 2", database: address.database)
        let r = try store.verifyChain()
        XCTAssertEqual(r.firstBreak?.hasPrefix("position 2"), true, "\(String(describing: r.firstBreak))")
    }

    func testTheFirstServersConfigurationIsTheOneEveryServerGets() throws {
        let clock = ManualClock(start)
        let (store, address) = try freshStore(clock)
        XCTAssertEqual(try store.sharedConfiguration(offering: "a = 1\n"), "a = 1\n")
        let second = PostgresEventStore(address: address, clock: clock)
        XCTAssertEqual(try second.sharedConfiguration(offering: "a = 2\n"), "a = 1\n")
    }

    func testAddressesParseAndBadOnesSayWhatIsAllowed() throws {
        let a = try PostgresAddress(parsing: "postgresql://desk:s%40cret@db.example:6543/bsc")
        XCTAssertEqual(a, PostgresAddress(user: "desk", password: "s@cret", host: "db.example", port: 6543, database: "bsc"))
        XCTAssertFalse(a.description.contains("cret"), "the password leaked into a message")
        XCTAssertEqual(try PostgresAddress(parsing: "postgres://u@h/d").port, 5432)
        for bad in ["mysql://u@h/d", "postgresql://h/d", "postgresql://u@h", "postgresql://u@h:99999/d", "postgresql://u@h:/d"] {
            XCTAssertThrowsError(try PostgresAddress(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("postgresql://USER"), "\(bad): \(error)")
            }
        }
    }
}

/// What a subscription delivered, safe to read from the test's thread.
final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    private var problems: [String] = []

    func add(_ batch: [Event]) { lock.lock(); events += batch; lock.unlock() }
    func fail(_ why: String) { lock.lock(); problems.append(why); lock.unlock() }

    var seqs: [Int64] { lock.lock(); defer { lock.unlock() }; return events.map(\.seq) }
    var failures: [String] { lock.lock(); defer { lock.unlock() }; return problems }
    var notes: [String] {
        lock.lock(); defer { lock.unlock() }
        return events.compactMap { if case .noted(let t) = $0.body { return t } else { return nil } }
    }

    /// Polls for up to 15 s: a loaded machine may be slow, never wrong.
    func wait(_ done: ([Int64]) -> Bool) -> Bool {
        for _ in 0..<750 {
            if done(seqs) { return true }
            usleep(20_000)
        }
        return done(seqs)
    }
}

private func opened(_ n: Int, at: Instant, id: String? = nil) -> Event {
    Event(id: id ?? "o\(n)", at: at, user: "alice", ref: TicketRef(n), body: .opened(
        caller: Caller(name: "Ann Example", type: .employee, reference: "E\(n)"), category: "payroll.salary-query",
        queue: QueueID.customerServices, priority: .normal,
        contact: ContactRecord(channel: .phone, summary: "pay query \(n)", received: at), details: [:]))
}

private func note(_ n: Int, _ text: String, at: Instant) -> Event {
    Event(id: "n\(n)-\(text)", at: at, user: "bob", ref: TicketRef(n), body: .noted(text: text))
}

