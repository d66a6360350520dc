import Foundation
import Testing
import BSCTestSupport
import BSCCore
@testable import BSCJournal
@testable import BSCApp

/// A demo journal in a temporary directory, opened as its first supervisor.
private func demoDesk(tickets: Int = 1500) throws -> Desk {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-snapshot-" + UUID().uuidString).path
    let env = ["BSCDESK_USER": "sup", "BSCDESK_SYSTEM_CONFIG": "/nonexistent"]
    let first = try Desk.open(dataOption: dir, environment: env, clock: ManualClock(Instant(millis: 0)), ids: SequentialIds())
    _ = try DemoGenerator(desk: first, tickets: tickets, seed: 7, until: CivilDate(year: 2026, month: 10, day: 30)).write()
    return try reopen(first)
}

/// A fresh process's view of the same data directory.
private func reopen(_ desk: Desk, at now: Instant = Timestamp.parse("2026-10-30T15:00:00.000Z")!) throws -> Desk {
    try Desk.open(dataOption: desk.data.path, environment: ["BSCDESK_USER": "sup", "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                  clock: ManualClock(now), ids: SequentialIds(prefix: "x\(UUID().uuidString.prefix(6))-"))
}

/// The reference: replay the whole journal, no snapshot involved.
private func fullReplay(_ desk: Desk) throws -> Desk.LoadedState {
    try reopen(desk).loadState(useSnapshot: false, writeThreshold: nil)
}

/// The same tickets, ticket by ticket, and the same store counters.
private func expectSame(_ a: Desk.LoadedState, _ b: Desk.LoadedState, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.store.slots.count == b.store.slots.count, sourceLocation: sourceLocation)
    #expect(a.store.ticketCount == b.store.ticketCount, sourceLocation: sourceLocation)
    #expect(a.store.eventCount == b.store.eventCount, sourceLocation: sourceLocation)
    #expect(a.store.lastSeq == b.store.lastSeq, sourceLocation: sourceLocation)
    #expect(a.store.problems == b.store.problems, sourceLocation: sourceLocation)
    #expect(a.cursor == b.cursor, sourceLocation: sourceLocation)
    #expect(a.issues == b.issues, sourceLocation: sourceLocation)
    var differing = 0
    for i in 0..<min(a.store.slots.count, b.store.slots.count) where a.store.slots[i] != b.store.slots[i] { differing += 1 }
    #expect(differing == 0, "\(differing) tickets differ", sourceLocation: sourceLocation)
}

@Suite("Projection snapshot: a cache that never changes the answer")
struct SnapshotLoadingTests {
    @Test func codecCoversEveryTicketField() {
        // If this fails, Ticket (or Caller, ContactRecord, LoggedContact,
        // Pause) changed: update Sources/BSCJournal/SnapshotCodec.swift.
        #expect(SnapshotCodec.Schema.actualText == "Ticket:" + SnapshotCodec.Schema.ticket.joined(separator: ",")
                + "|Caller:" + SnapshotCodec.Schema.caller.joined(separator: ",")
                + "|ContactRecord:" + SnapshotCodec.Schema.contactRecord.joined(separator: ",")
                + "|LoggedContact:" + SnapshotCodec.Schema.loggedContact.joined(separator: ",")
                + "|Pause:" + SnapshotCodec.Schema.pause.joined(separator: ","))
        #expect(Snapshot.isUsable)
    }

    @Test func snapshotLoadEqualsFullReplayAndWritesSafely() throws {
        let desk = try demoDesk()
        let full = try fullReplay(desk)
        #expect(full.store.ticketCount > 1000)
        #expect(try desk.journal.segments().count > 1)

        // A load that replays enough events writes a snapshot, mode 0600.
        let first = try reopen(desk).loadState(writeThreshold: 1)
        #expect(first.snapshotRejected != nil)
        #expect(first.wroteSnapshot)
        var st = stat()
        #expect(stat(desk.snapshotPath, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: desk.data.path + "/cache") == ["snapshot.bin"])

        let fromSnapshot = try reopen(desk).loadState(writeThreshold: nil)
        #expect(fromSnapshot.snapshotRejected == nil)
        #expect(fromSnapshot.replayedEvents == 0)
        expectSame(fromSnapshot, full)

        // Desk.load() takes the snapshot path and gives the same figures.
        let a = try reopen(desk)
        try a.load()
        let b = try reopen(desk)
        b.removeSnapshot()
        try b.load()
        #expect(a.store.tickets == b.store.tickets)
        let q = try a.metricsQuery(period: "2026/27", from: nil, to: nil, by: ["queue", "channel", "agent"], series: "month",
                                   asAt: Timestamp.parse("2026-10-30T15:00:00.000Z")!)
        let ra = a.metricsEngine().report(q), rb = b.metricsEngine().report(q)
        #expect(ra == rb)
        #expect(ra.overall == rb.overall)
        #expect(ra.breakdowns.count == 3)
    }

    /// The ticket section is decoded in blocks on several threads: small
    /// blocks make 1,500 tickets cross thirty of them. Whatever the thread
    /// count, the store is the full replay's; a damaged block (with a
    /// checksum that still matches) is refused, not half-loaded.
    @Test func snapshotBlocksDecodedOnSeveralThreadsGiveTheFullReplay() throws {
        let desk = try demoDesk()
        let full = try fullReplay(desk)
        let snap = ProjectionSnapshot(store: full.store, cursor: full.cursor, issues: full.issues)
        let bytes = try Snapshot.encode(snap, journal: desk.journal, blockSlots: 50)
        let restricted = Set(desk.taxonomy.queues.filter(\.restricted).map(\.id))
        for threads in [0, 1, 3] {
            desk.journal.parallelRead.threads = threads
            let decoded = try bytes.withUnsafeBytes { raw in
                try Snapshot.decode(raw, journal: desk.journal, customerServices: full.store.customerServices, restrictedQueues: restricted)
            }
            let state = Desk.LoadedState(store: decoded.store, cursor: decoded.cursor, issues: decoded.issues, snapshotRejected: nil,
                                         replayedEvents: 0, wroteSnapshot: false)
            expectSame(state, full)
        }
        // Garble the end of the last block (its last ticket's counters read
        // as a number that never ends) and re-seal the checksum.
        var damaged = bytes
        for k in (damaged.count - 40)..<damaged.count { damaged[k] = 0xFF }
        let header = 8 + 4 + 8 + 8 + 8
        let sum = damaged[header...].withUnsafeBytes { SnapshotHash.bytes($0) }
        withUnsafeBytes(of: sum.littleEndian) { damaged.replaceSubrange((header - 8)..<header, with: $0) }
        desk.journal.parallelRead.threads = 3
        #expect(throws: SnapshotError.self) {
            try damaged.withUnsafeBytes { raw in
                try Snapshot.decode(raw, journal: desk.journal, customerServices: full.store.customerServices, restrictedQueues: restricted)
            }
        }
    }

    @Test func deletedSnapshotRebuildsFromTheJournal() throws {
        let desk = try demoDesk(tickets: 800)
        let full = try fullReplay(desk)
        _ = try reopen(desk).loadState(writeThreshold: 1)
        reopenAndDelete(desk)
        let again = try reopen(desk).loadState(writeThreshold: nil)
        #expect(again.snapshotRejected == "no snapshot")
        expectSame(again, full)
    }

    private func reopenAndDelete(_ desk: Desk) {
        desk.removeSnapshot()
        #expect(!FileManager.default.fileExists(atPath: desk.snapshotPath))
    }

    @Test func staleSnapshotCatchesUpWithWhatWasAppendedSince() throws {
        let desk = try demoDesk(tickets: 800)
        _ = try reopen(desk).loadState(writeThreshold: 1)
        // Another process appends in the snapshot's last segment (same
        // month) and in a new month's segment, and acts on old tickets.
        let sameMonth = try reopen(desk)
        try sameMonth.load()
        for i in 0..<5 {
            try sameMonth.logFirstContact(.init(caller: Caller(name: "Late \(i)", type: .employee), channel: .email,
                                                category: "cs.general-enquiry", summary: "after the snapshot \(i)", outcome: .resolved))
        }
        let open = sameMonth.store.tickets.first { $0.isOpen }!
        try sameMonth.addNote(open.ref, "noted after the snapshot")
        let nextMonth = try reopen(desk, at: Timestamp.parse("2026-11-03T10:00:00.000Z")!)
        try nextMonth.load()
        try nextMonth.logFirstContact(.init(caller: Caller(name: "November", type: .supplier), channel: .phone,
                                            category: "cs.general-enquiry", summary: "new month", outcome: .keepOpen))

        let full = try fullReplay(desk)
        let caughtUp = try reopen(desk).loadState(writeThreshold: nil)
        #expect(caughtUp.snapshotRejected == nil)
        #expect(caughtUp.replayedEvents > 0)
        #expect(caughtUp.replayedEvents < 20)
        expectSame(caughtUp, full)
    }

    @Test func corruptSnapshotIsIgnored() throws {
        let desk = try demoDesk(tickets: 600)
        let full = try fullReplay(desk)
        _ = try reopen(desk).loadState(writeThreshold: 1)
        let good = try Data(contentsOf: URL(fileURLWithPath: desk.snapshotPath))
        #expect(good.count > 1000)
        var variants: [(String, Data)] = []
        for at in [0, 9, 13, 21, 29, 40, good.count / 3, good.count / 2, good.count - 1] {
            var d = good
            d[at] ^= 0x5A
            variants.append(("flip at \(at)", d))
        }
        for len in [0, 7, 20, 36, good.count / 2, good.count - 1] {
            variants.append(("truncated to \(len)", good.prefix(len)))
        }
        variants.append(("extended", good + Data([0, 1, 2])))
        for (what, bytes) in variants {
            try bytes.write(to: URL(fileURLWithPath: desk.snapshotPath))
            let loaded = try reopen(desk).loadState(writeThreshold: nil)
            #expect(loaded.snapshotRejected != nil, "\(what) was accepted")
            expectSame(loaded, full)
        }
    }

    @Test func snapshotOfAnotherJournalIsIgnored() throws {
        let desk = try demoDesk(tickets: 800)
        _ = try reopen(desk).loadState(writeThreshold: 1)
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: desk.snapshotPath))
        let segs = try desk.journal.segments()
        let first = desk.data.journalPath + "/" + segs[0]
        let last = desk.data.journalPath + "/" + segs.last!
        let originalFirst = try Data(contentsOf: URL(fileURLWithPath: first))

        // An earlier segment edited in its last line, same size.
        var edited = originalFirst
        let at = edited.count - 30
        edited[at] = edited[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try edited.write(to: URL(fileURLWithPath: first))
        var loaded = try reopen(desk).loadState(writeThreshold: nil)
        #expect(loaded.snapshotRejected != nil)
        expectSame(loaded, try fullReplay(desk))
        // Putting the bytes back does not make the old snapshot good again:
        // an older segment is known by its identity (inode, change time),
        // which the writes moved. A new snapshot is written.
        try originalFirst.write(to: URL(fileURLWithPath: first))
        #expect(try reopen(desk).loadState(writeThreshold: nil).snapshotRejected != nil)
        _ = try reopen(desk).loadState(writeThreshold: 1)
        #expect(try reopen(desk).loadState(writeThreshold: nil).snapshotRejected == nil)

        // The newest covered segment truncated by one line.
        let originalLast = try Data(contentsOf: URL(fileURLWithPath: last))
        let body = originalLast.dropLast()
        let cut = body.lastIndex(of: 10)! + 1
        try originalLast.prefix(cut).write(to: URL(fileURLWithPath: last))
        loaded = try reopen(desk).loadState(writeThreshold: nil)
        #expect(loaded.snapshotRejected != nil)
        expectSame(loaded, try fullReplay(desk))
        try originalLast.write(to: URL(fileURLWithPath: last))

        // An earlier segment removed.
        try FileManager.default.moveItem(atPath: first, toPath: first + ".away")
        loaded = try reopen(desk).loadState(writeThreshold: nil)
        #expect(loaded.snapshotRejected != nil)
        expectSame(loaded, try fullReplay(desk))
        try FileManager.default.moveItem(atPath: first + ".away", toPath: first)

        // A segment that sorts before the cursor appears.
        let older = desk.data.journalPath + "/2001-01.jsonl"
        try originalFirst.prefix(originalFirst.firstIndex(of: 10)! + 1).write(to: URL(fileURLWithPath: older))
        loaded = try reopen(desk).loadState(writeThreshold: nil)
        #expect(loaded.snapshotRejected != nil)
        expectSame(loaded, try fullReplay(desk))
        try FileManager.default.removeItem(atPath: older)

        // A snapshot from a different data directory.
        let other = try demoDesk(tickets: 300)
        try FileManager.default.createDirectory(atPath: other.data.path + "/cache", withIntermediateDirectories: true)
        try snapshot.write(to: URL(fileURLWithPath: other.snapshotPath), options: [])
        let otherLoaded = try reopen(other).loadState(writeThreshold: nil)
        #expect(otherLoaded.snapshotRejected != nil)
        expectSame(otherLoaded, try fullReplay(other))
    }

    @Test func configurationChangeInvalidatesTheSnapshot() throws {
        let desk = try demoDesk(tickets: 400)
        let state = try reopen(desk).loadState(writeThreshold: nil)
        var other = state.store
        other = TicketStore(restoring: other.slots, eventCount: other.eventCount, lastSeq: other.lastSeq, problems: other.problems,
                            customerServices: other.customerServices, restrictedQueues: ["payroll"])
        try desk.writeSnapshot(ProjectionSnapshot(store: other, cursor: state.cursor, issues: state.issues))
        let loaded = try reopen(desk).loadState(writeThreshold: nil)
        #expect(loaded.snapshotRejected == "restricted queues changed")
        expectSame(loaded, try fullReplay(desk))
    }
}
