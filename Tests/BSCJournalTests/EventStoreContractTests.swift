import BSCCore
import BSCTestSupport
import XCTest
@testable import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The EventStore seam's contract, checked on the file store and on its
/// in-memory twin alike: the same events in give the same stamps, lines
/// and hashes out.
final class EventStoreContractTests: XCTestCase {
    private var dirs: [String] = []

    override func tearDown() {
        for d in dirs { _ = try? FileManager.default.removeItem(atPath: d) }
        super.tearDown()
    }

    private func makeFileStore(_ clock: ManualClock) -> FileEventStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
        dirs.append(dir)
        let store = FileEventStore(journal: Journal(directory: dir, clock: clock))
        store.pollMillis = 20
        return store
    }

    /// Both stores, each with its own clock at the same start.
    private func stores(start: Instant = Instant(millis: 1_780_000_000_000)) -> [(String, any EventStore, ManualClock)] {
        let a = ManualClock(start), b = ManualClock(start)
        return [("file", makeFileStore(a), a), ("memory", InMemoryEventStore(clock: b), b)]
    }

    private func opened(_ n: Int, at: Instant, caller: String = "Ann Example") -> Event {
        Event(id: "o\(n)", at: at, user: "alice", ref: TicketRef(n), body: .opened(
            caller: Caller(name: caller, type: .employee, reference: "E\(n)"), category: "payroll.salary-query",
            queue: QueueID.customerServices, priority: .normal,
            contact: ContactRecord(channel: .phone, summary: "pay query \(n)", received: at), details: [:]))
    }

    private func note(_ n: Int, _ text: String, at: Instant) -> Event {
        Event(id: "n\(n)-\(text)", at: at, user: "bob", ref: TicketRef(n), body: .noted(text: text))
    }

    func testStampsSeqTicketsAndHashIdenticallyInBothStores() throws {
        var heads: [String: StoreHead] = [:]
        for (name, store, clock) in stores() {
            let t0 = clock.now()
            let first = try store.append([opened(1, at: Instant(millis: 0)), note(1, "a", at: Instant(millis: 0))], expected: 0)
            XCTAssertEqual(first.map(\.seq), [1, 2], name)
            // The store stamps ts from its own clock, whatever the caller put there.
            XCTAssertEqual(first.map(\.at), [t0, t0], name)
            clock.advance(millis: 1000)
            let second = try store.append([opened(2, at: t0)], expected: 2)
            XCTAssertEqual(second.first?.seq, 3, name)
            let head = try store.head()
            XCTAssertEqual(head.seq, 3, name)
            XCTAssertEqual(head.tickets, 2, name)
            XCTAssertEqual(head.at, t0.adding(millis: 1000), name)
            heads[name] = head
        }
        XCTAssertEqual(heads["file"], heads["memory"], "the same events must chain to the same head in every store")
    }

    func testTimestampNeverGoesBackwardsWhenAClockDoes() throws {
        for (name, store, clock) in stores() {
            try store.append([opened(1, at: clock.now())], expected: 0)
            let before = try store.head().at
            clock.advance(millis: -3_600_000)  // another process, an hour behind
            let later = try store.append([note(1, "late clock", at: clock.now())], expected: 1)
            XCTAssertEqual(later[0].at, before, "\(name): ts went backwards")
        }
    }

    func testStaleExpectedPositionIsRefusedAndWritesNothing() throws {
        for (name, store, clock) in stores() {
            try store.append([opened(1, at: clock.now())], expected: 0)
            XCTAssertThrowsError(try store.append([note(1, "stale", at: clock.now())], expected: 0), name) { error in
                guard case EventStoreError.conflict(let expected, let head)? = error as? EventStoreError else {
                    return XCTFail("\(name): expected a conflict, got \(error)")
                }
                XCTAssertEqual(expected, 0)
                XCTAssertEqual(head.seq, 1)
            }
            XCTAssertEqual(try store.head().seq, 1, "\(name): a refused append wrote something")
        }
    }

    func testOpeningAReferenceOutOfTurnIsRejected() throws {
        for (name, store, clock) in stores() {
            XCTAssertThrowsError(try store.append([opened(5, at: clock.now())], expected: 0), name) { error in
                guard case EventStoreError.rejected? = error as? EventStoreError else { return XCTFail("\(name): \(error)") }
            }
            XCTAssertEqual(try store.head().seq, 0, name)
        }
    }

    func testReadAfterAPositionDeliversOnlyLaterEventsInOrder() throws {
        for (name, store, clock) in stores() {
            try store.append([opened(1, at: clock.now()), opened(2, at: clock.now())], expected: 0)
            var seen: [Int64] = []
            let p = try store.read(after: .start, { seen.append($0.seq) }, issue: { XCTFail("\(name): \($0)") })
            XCTAssertEqual(seen, [1, 2], name)
            XCTAssertEqual(p.seq, 2, name)
            try store.append([note(1, "x", at: clock.now())], expected: 2)
            seen = []
            let q = try store.read(after: p, { seen.append($0.seq) }, issue: { _ in })
            XCTAssertEqual(seen, [3], name)
            // A position made from a bare seq (no resume point) reads the same.
            seen = []
            try store.read(after: StorePosition(seq: 2), { seen.append($0.seq) }, issue: { _ in })
            XCTAssertEqual(seen, [3], name)
            XCTAssertEqual(q.seq, 3, name)
        }
    }

    func testOneTicketsEventsComeBackOldestFirst() throws {
        for (name, store, clock) in stores() {
            var expected: Int64 = 0
            for n in 1...5 {
                expected = try store.append([opened(n, at: clock.now())], expected: expected).last!.seq
            }
            for round in 0..<3 {
                for n in [2, 4] {
                    expected = try store.append([note(n, "r\(round)", at: clock.now())], expected: expected).last!.seq
                }
            }
            let events = try store.events(of: TicketRef(4))
            XCTAssertEqual(events.map(\.type), [.opened, .noted, .noted, .noted], name)
            XCTAssertEqual(events.map(\.seq), events.map(\.seq).sorted(), name)
            XCTAssertTrue(try store.events(of: TicketRef(9)).isEmpty, name)
        }
    }

    /// Across month files: the file store finds a ticket's events by its
    /// index, reading only the segments that can hold them, and still sees
    /// what another process appended after the index was built.
    func testFileStoreFindsATicketAcrossMonthsIncludingOtherWriters() throws {
        let clock = ManualClock(Instant(millis: 1_767_225_600_000))  // 2026-01-01
        let store = makeFileStore(clock)
        var head: Int64 = 0
        for month in 0..<6 {
            head = try store.append([opened(month + 1, at: clock.now())], expected: head).last!.seq
            head = try store.append([note(1, "m\(month)", at: clock.now())], expected: head).last!.seq
            clock.advance(millis: 31 * 86_400_000)
        }
        XCTAssertEqual(try store.journal.segments().count, 6)
        // Another process appends to ticket 3 behind this store's back.
        let other = FileEventStore(journal: Journal(directory: store.journal.directory, clock: clock))
        try other.append([note(3, "from elsewhere", at: clock.now())], expected: head)
        let t3 = try store.events(of: TicketRef(3))
        XCTAssertEqual(t3.map(\.type), [.opened, .noted], "the other writer's note must be found")
        let t1 = try store.events(of: TicketRef(1))
        XCTAssertEqual(t1.count, 7)
    }

    func testSubscribersSeeAppendsFromAnyWriter() throws {
        for (name, store, clock) in stores() {
            try store.append([opened(1, at: clock.now())], expected: 0)
            let got = Received()
            let sub = try store.subscribe(after: StorePosition(seq: 1)) { got.add($0) }
            // For the file store, a second writer on the same files.
            let writer: any EventStore
            if let file = store as? FileEventStore {
                writer = FileEventStore(journal: Journal(directory: file.journal.directory, clock: clock))
            } else {
                writer = store
            }
            try writer.append([note(1, "live", at: clock.now())], expected: 1)
            XCTAssertTrue(got.wait(forSeqs: [2]), "\(name): the subscriber never saw seq 2 (saw \(got.seqs))")
            sub.cancel()
            try writer.append([note(1, "after cancel", at: clock.now())], expected: 2)
            usleep(150_000)
            XCTAssertEqual(got.seqs, [2], "\(name): delivered after cancel")
        }
    }
}

/// What a subscription delivered, safe to read from the test's thread.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []

    func add(_ batch: [Event]) { lock.lock(); events += batch; lock.unlock() }

    var seqs: [Int64] { lock.lock(); defer { lock.unlock() }; return events.map(\.seq) }

    /// Polls for up to 10 s: a loaded machine may be slow, never wrong.
    func wait(forSeqs want: [Int64]) -> Bool {
        for _ in 0..<500 {
            if seqs == want { return true }
            usleep(20_000)
        }
        return seqs == want
    }
}
