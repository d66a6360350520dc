import Foundation
import Testing
import BSCCore
import BSCJournal
import BSCTestSupport
@testable import BSCApp

/// A replay decrypts on its decoding threads (Protection/FoldDecryption.swift).
/// Whatever the threads and chunk sizes, the projection must be the one the
/// per-event path on the fold's thread gives: for the snapshot's
/// everyone-view, a supervisor, the restricted team and an outside agent,
/// with an erased ticket and a key written after the table was copied.
@Suite("Replay: decryption on the decoding threads")
struct FoldDecryptionTests {
    let env = ["BSCDESK_SYSTEM_CONFIG": "/nonexistent"]

    func open(_ dir: String, as user: String) throws -> Desk {
        var e = env
        e["BSCDESK_USER"] = user
        return try Desk.open(dataOption: dir, environment: e, clock: ManualClock(Timestamp.parse("2026-10-30T15:00:00.000Z")!),
                             ids: SequentialIds(prefix: "x\(UUID().uuidString.prefix(6))-"))
    }

    /// A demo history (encrypted, with appointeeship tickets) and one
    /// erased ticket; returns the directory and the erased reference.
    func history() throws -> (String, TicketRef) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-folddecrypt-" + UUID().uuidString).path
        var e = env
        e["BSCDESK_USER"] = "lead"
        let first = try Desk.open(dataOption: dir, environment: e, clock: ManualClock(Instant(millis: 0)), ids: SequentialIds())
        _ = try DemoGenerator(desk: first, tickets: 1200, seed: 11, until: CivilDate(year: 2026, month: 10, day: 30)).write()
        let sup = try open(dir, as: "lead")
        try sup.load()
        let victim = try #require(sup.store.tickets.first { !$0.restricted && !$0.caller.name.isEmpty }?.ref)
        _ = try sup.erase([victim], reason: "test")
        return (dir, victim)
    }

    /// The per-event path: every event decrypted on the fold's thread.
    func reference(_ desk: Desk, everyone: Bool) throws -> TicketStore {
        var s = TicketStore(customerServices: desk.store.customerServices, restrictedQueues: desk.taxonomy.restrictedQueueIds,
                            restrictedCategories: desk.taxonomy.restrictedCategories)
        desk.keys.loadAll(restrictedQueues: desk.restrictedQueueList)
        var c = JournalCursor()
        _ = try desk.journal.read(from: &c, keepIdsAndHashes: !everyone, parallel: false) { d in
            s.apply(everyone ? desk.decrypted(d.event, forFold: true, restricted: false) : desk.unsealed(d.event, forFold: true))
        } issue: { _ in }
        return s
    }

    func threaded(_ desk: Desk, threads: Int, chunk: Int) {
        desk.journal.parallelRead.threads = threads
        desk.journal.parallelRead.minimumBytes = 0
        desk.journal.parallelRead.chunkBytes = chunk
    }

    @Test func everyReaderGetsThePerEventProjectionOnAnyNumberOfThreads() throws {
        let (dir, erased) = try history()
        for user in ["lead", "anorris", "aahmed"] {
            let expected = try reference(try open(dir, as: user), everyone: false)
            #expect(expected.ticketCount == 1200)
            for (threads, chunk) in [(0, 1 << 20), (1, 4096), (3, 777)] {
                let desk = try open(dir, as: user)
                threaded(desk, threads: threads, chunk: chunk)
                try desk.load()
                #expect(desk.store.tickets == expected.tickets, "\(user), \(threads) threads")
                #expect(desk.store[erased]?.caller.name == Desk.erasedText)
            }
        }
        // Whoever reads, the view everyone may see (what a snapshot holds).
        let expected = try reference(try open(dir, as: "lead"), everyone: true)
        let desk = try open(dir, as: "lead")
        threaded(desk, threads: 2, chunk: 5000)
        let state = try desk.loadState(useSnapshot: false, writeThreshold: nil)
        #expect(state.store.tickets == expected.tickets)
        // It decrypted something, and withheld the restricted tickets.
        #expect(state.store.tickets.contains { !$0.restricted && !$0.caller.name.isEmpty && $0.caller.name != Desk.erasedText })
        #expect(state.store.tickets.contains { $0.restrictedQueue != nil })
        #expect(state.store.tickets.allSatisfy { $0.restrictedQueue == nil || $0.caller.name.isEmpty })
    }

    /// A ticket opened by another process after the key table was copied:
    /// the decoding threads leave it, the fold's thread asks the key store,
    /// which reads the bucket again.
    @Test func aKeyMissingFromTheTableIsLeftToTheFold() throws {
        let (dir, _) = try history()
        let reader = try open(dir, as: "aahmed")
        reader.keys.loadAll(restrictedQueues: reader.restrictedQueueList)
        let table = reader.foldDecryption(everyone: false)
        let writer = try open(dir, as: "aahmed")
        try writer.load()
        let (r, _) = try writer.logFirstContact(Desk.NewContact(caller: Caller(name: "Late Caller", type: .employee, reference: "E777001"), channel: .phone,
                                                              category: "payroll.salary-query", summary: "Late summary", received: nil,
                                                              details: [:], outcome: .keepOpen, verifiedHow: nil, callback: nil))
        var c = JournalCursor()
        var late: [EventDecoder.Decoded] = []
        _ = try reader.journal.read(from: &c, keepIdsAndHashes: false) { d in
            if d.event.ref == r { late.append(d) }
        } issue: { _ in }
        var d = try #require(late.first)
        table.prepare(&d)
        #expect(!d.prepared)
        reader.journal.parallelRead.threads = 2
        reader.journal.parallelRead.minimumBytes = 0
        try reader.load()
        #expect(reader.store[r]?.caller.name == "Late Caller")
    }
}
