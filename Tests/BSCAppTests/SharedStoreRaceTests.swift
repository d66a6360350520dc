import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import Testing
@testable import BSCApp

/// Two servers on one shared store (docs/postgresql.md): an append that
/// lost the race to the other server is built again on the new head, and
/// the journal gives the new events the first try's ids. The desk must
/// fold the events of the try that was stored. It folded the first try's
/// instead (a stale reference, already taken by the other server's
/// ticket, so "opened twice" and dropped): in the two-site failover test
/// each server's figures missed about a third of its own tickets.
@Suite("Appends on a shared store")
struct SharedStoreRaceTests {
    @Test func anAppendBuiltAgainAfterAnotherServerWonIsFoldedWithItsOwnReference() throws {
        let at = londonTime("2026-11-24", 10)
        let siteA = try TriageWorld(at: at), siteB = try TriageWorld(at: at)
        let shared = RacingUpstream(InMemoryEventStore(clock: siteA.clock))
        func desk(_ w: TriageWorld, _ login: String) throws -> Desk {
            let d = try Desk(data: w.data, config: w.config, login: login, clock: w.clock, ids: SequentialIds(prefix: login + "-"))
            d.journal.upstream = shared
            try d.journal.pullUpstream()
            try d.load()
            return d
        }
        let ann = try desk(siteA, "ann"), bob = try desk(siteB, "bob")
        // bob's server appends between ann's catch-up and her append.
        shared.beforeNextAppend = { _ = try bob.logFirstContact(siteB.contact("Bob Caller")) }
        let mine = try ann.logFirstContact(siteA.contact("Ann Caller"))
        #expect(mine.ref == TicketRef(2))
        #expect(try shared.store.head().seq == 2)
        #expect(ann.store.count == 2, "both tickets are in ann's projection: \(ann.store.problems)")
        #expect(ann.store.problems.isEmpty)
        #expect(try ann.ticket(TicketRef(2)).caller.name == "Ann Caller")
        #expect(try ann.ticket(TicketRef(2)).openedBy == "ann")
    }
}

/// A shared store that lets another writer in just before the next append.
final class RacingUpstream: JournalUpstream, @unchecked Sendable {
    let store: InMemoryEventStore
    var beforeNextAppend: (() throws -> Void)?

    init(_ store: InMemoryEventStore) { self.store = store }

    func lines(after seq: Int64, _ line: (Int64, [UInt8]) throws -> Void) throws {
        for (i, l) in store.lines.enumerated() where Int64(i + 1) > seq { try line(Int64(i + 1), Array(l.dropLast())) }
    }

    func append(_ events: [Event], expected: Int64) throws -> [Event] {
        if let race = beforeNextAppend {
            beforeNextAppend = nil
            try race()
        }
        return try store.append(events, expected: expected)
    }

    func storedEvent(id: String) throws -> Event? {
        var found: Event?
        _ = try store.read(after: StorePosition(seq: 0), { if $0.id == id { found = $0 } }, issue: { _ in })
        return found
    }

    func head() throws -> StoreHead { try store.head() }
}
