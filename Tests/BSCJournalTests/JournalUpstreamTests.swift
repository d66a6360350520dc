import BSCCore
import BSCTestSupport
import Foundation
import Testing
@testable import BSCJournal

/// A server's copy of a shared store (JournalUpstream.swift): while it is
/// the only writer since its last look, an append chains on its own last
/// line and copies down the lines the store stamped, reading nothing back;
/// a catch-up asks only for the store's head. When another server
/// appended, or a group's commit failed, it reads the store as before.
@Suite("Journal copy of a shared store")
struct JournalUpstreamTests {
    /// A store that counts what the copy asks of it, and stamps as the
    /// PostgreSQL store does: on its head, refusing a head that is not the
    /// copy's (position and hash).
    final class CountingUpstream: JournalUpstream, @unchecked Sendable {
        let store: InMemoryEventStore
        var lineReads = 0
        var headReads = 0
        var commitFails = false

        init(_ store: InMemoryEventStore) { self.store = store }

        func lines(after seq: Int64, _ line: (Int64, [UInt8]) throws -> Void) throws {
            lineReads += 1
            for (i, l) in store.lines.enumerated() where Int64(i + 1) > seq { try line(Int64(i + 1), Array(l.dropLast())) }
        }

        func append(_ events: [Event], expected: Int64) throws -> [Event] {
            try store.append(events, expected: expected)
        }

        func append(_ events: [Event], onto head: StoreHead) throws -> (events: [Event], stamped: EventStamping.Stamped?) {
            let current = try store.head()
            guard current.seq == head.seq, current.hash == head.hash else { throw EventStoreError.conflict(expected: head.seq, head: current) }
            let stored = try store.append(events, expected: head.seq)
            return (stored, EventStamping.Stamped(events: stored, lines: Array(store.lines.suffix(stored.count)), head: try store.head()))
        }

        func storedEvent(id: String) throws -> Event? { nil }

        func head() throws -> StoreHead {
            headReads += 1
            return try store.head()
        }

        func holdCommits() -> Bool { true }

        func commitHeld() throws {
            if commitFails { throw JournalError.rejected("the COMMIT failed (injected)") }
        }
    }

    func copy(of upstream: CountingUpstream, _ clock: ManualClock) -> Journal {
        let journal = Journal(directory: Fixture.tempDir() + "/journal", clock: clock)
        journal.upstream = upstream
        journal.defersSync = true
        return journal
    }

    func fileLines(_ journal: Journal) throws -> [[UInt8]] {
        try journal.segments().flatMap { name -> [[UInt8]] in
            let bytes = try SafeFile.read(journal.directory + "/" + name, limit: 1 << 24)
            return bytes.split(separator: 10, omittingEmptySubsequences: true).map { Array($0) + [10] }
        }
    }

    @Test func appendsOfTheOnlyWriterReadNothingBackAndTheCopyIsTheStoresLines() throws {
        let clock = ManualClock(Fixture.t0)
        let upstream = CountingUpstream(InMemoryEventStore(clock: clock))
        let journal = copy(of: upstream, clock)
        try journal.pullUpstream()
        var cursor: JournalCursor? = JournalCursor()
        _ = try journal.append(cursor: &cursor) { tail in [Fixture.opened(tail.nextRef)] }
        let readsAfterFirst = upstream.lineReads
        for _ in 0..<20 {
            clock.advance(millis: 10)
            // The server catches up before each request, then appends.
            #expect(try journal.pullUpstream() == 0)
            _ = try journal.append(cursor: &cursor) { tail in [Fixture.opened(tail.nextRef), Fixture.opened(TicketRef(tail.tickets + 2))] }
        }
        #expect(upstream.lineReads == readsAfterFirst, "the only writer read the store's lines back \(upstream.lineReads - readsAfterFirst) times")
        #expect(upstream.headReads >= 20)
        #expect(try fileLines(journal) == upstream.store.lines)
        #expect(cursor?.lastSeq == 41)
        let report = try ChainVerifier(journal: journal).verify()
        #expect(report.headSeq == 41 && report.firstBreak == nil, "\(report)")
    }

    @Test func anotherServersAppendIsPulledAndTheAppendBuiltAgainOnIt() throws {
        let clock = ManualClock(Fixture.t0)
        let upstream = CountingUpstream(InMemoryEventStore(clock: clock))
        let journal = copy(of: upstream, clock)
        var cursor: JournalCursor? = JournalCursor()
        var folded: [Int64] = []
        for round in 0..<3 {
            _ = try journal.append(cursor: &cursor, follow: { folded.append($0.seq) }) { tail in [Fixture.opened(tail.nextRef)] }
            // Another server, straight into the store.
            let head = try upstream.store.head()
            try upstream.store.append([Fixture.opened(head.nextRef, name: "Other \(round)")], expected: head.seq)
        }
        let reads = upstream.lineReads
        let mine = try journal.append(cursor: &cursor, follow: { folded.append($0.seq) }) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(mine.events.map(\.seq) == [7])
        #expect(upstream.lineReads > reads, "a conflict must be resolved by reading the store")
        #expect(folded == [2, 4, 6], "the other server's events are folded, in order, before the append is built again")
        #expect(try fileLines(journal) == upstream.store.lines)
    }

    @Test func aFailedGroupCommitMakesTheNextCatchUpReadTheStore() throws {
        let clock = ManualClock(Fixture.t0)
        let upstream = CountingUpstream(InMemoryEventStore(clock: clock))
        let journal = copy(of: upstream, clock)
        var cursor: JournalCursor? = JournalCursor()
        _ = try journal.append(cursor: &cursor) { tail in [Fixture.opened(tail.nextRef)] }
        _ = try journal.syncDeferred()
        upstream.commitFails = true
        _ = try journal.append(cursor: &cursor) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(throws: (any Error).self) { try journal.syncDeferred() }
        upstream.commitFails = false
        let reads = upstream.lineReads
        _ = try journal.pullUpstream()
        #expect(upstream.lineReads == reads + 1, "after a failed commit the copy is checked line by line against the store")
    }

    @Test func aCopyChangedBehindTheMarkIsReadInFull() throws {
        let clock = ManualClock(Fixture.t0)
        let upstream = CountingUpstream(InMemoryEventStore(clock: clock))
        let journal = copy(of: upstream, clock)
        var cursor: JournalCursor? = JournalCursor()
        _ = try journal.append(cursor: &cursor) { tail in [Fixture.opened(tail.nextRef)] }
        // Something cut the copy's segment: the mark no longer holds.
        let segment = journal.directory + "/" + (try journal.segments().last ?? "")
        #expect(truncate(segment, 10) == 0)
        let reads = upstream.lineReads
        _ = try? journal.pullUpstream()
        #expect(upstream.lineReads > reads, "a copy whose files changed must be checked against the store's lines")
    }
}
