import Foundation
import Testing
import BSCCore
@testable import BSCApp

/// The front desk's first seconds: history loads on another thread while
/// the agent can already log a new call.
@Suite("Loading history in the background")
struct BackgroundLoadingTests {
    /// Three tickets logged by another process, and a desk (bob) that has
    /// not read any history yet.
    func world() throws -> (TriageWorld, Desk) {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        for name in ["Ann Early", "Bea Early", "Cy Early"] { _ = try sup.logFirstContact(w.contact(name)) }
        let bob = try Desk(data: w.data, config: w.config, login: "bob", clock: w.clock, ids: SequentialIds(prefix: "bob-"))
        return (w, bob)
    }

    func adopt(_ desk: Desk, _ load: HistoryLoad) throws {
        load.waitUntilFinished()
        guard case .loaded(let loader)? = load.take() else { throw DeskError.refused("the background load failed") }
        #expect(load.take() == nil, "an outcome is handed over once")
        desk.adoptLoad(from: loader)
    }

    @Test func aCallLoggedWhileLoadingGetsTheNextReferenceAndIsFoldedInOnce() throws {
        let (w, bob) = try world()
        let load = try bob.startLoadingHistory()
        #expect(bob.isLoadingHistory)
        #expect(bob.store.ticketCount == 0)
        let (ref, _) = try bob.logFirstContact(w.contact("Dee During"))
        #expect(ref == TicketRef(4))
        // The load may have read the new call or stopped before it: either
        // way it ends up in the projection exactly once.
        try adopt(bob, load)
        #expect(!bob.isLoadingHistory)
        try bob.refresh()
        #expect(bob.store.ticketCount == 4)
        #expect(try bob.ticket(ref).caller.name == "Dee During")
        #expect(try bob.ticket(TicketRef(1)).caller.name == "Ann Early")
        let fresh = try w.desk("sup")
        #expect(bob.store.eventCount == fresh.store.eventCount)
    }

    /// A background load that replayed enough to want a snapshot hands the
    /// history over first and writes the snapshot afterwards, on its own
    /// thread; a fresh desk then opens from it with the same tickets.
    @Test func theLoaderWritesItsSnapshotAfterHandingOver() throws {
        let (w, bob) = try world()
        bob.snapshotWriteThreshold = 1
        try adopt(bob, try bob.startLoadingHistory())
        #expect(bob.store.ticketCount == 3)
        var written = false
        for _ in 0..<100 where !written {
            written = FileManager.default.fileExists(atPath: bob.snapshotPath)
            if !written { usleep(50_000) }
        }
        #expect(written)
        let fresh = try w.desk("ann")
        let state = try fresh.loadState(writeThreshold: nil)
        #expect(state.snapshotRejected == nil)
        #expect(state.store.tickets == bob.store.tickets)
    }

    @Test func callsSavedAfterTheLoaderStoppedReadingComeInWithTheNextRefresh() throws {
        let (w, bob) = try world()
        let load = try bob.startLoadingHistory()
        load.waitUntilFinished()
        // The loader has read everything; these come after its cursor.
        let mine = try bob.logFirstContact(w.contact("Dee After")).ref
        let sup = try w.desk("sup")
        let theirs = try sup.logFirstContact(w.contact("Eve Elsewhere")).ref
        #expect((mine, theirs) == (TicketRef(4), TicketRef(5)))
        guard case .loaded(let loader)? = load.take() else { Issue.record("load failed"); return }
        bob.adoptLoad(from: loader)
        #expect(bob.store.ticketCount == 3)
        #expect(try bob.refresh())
        #expect(bob.store.ticketCount == 5)
        #expect(try bob.ticket(mine).caller.name == "Dee After")
        #expect(try bob.ticket(theirs).caller.name == "Eve Elsewhere")
        #expect(bob.store.eventCount == (try w.desk("ann")).store.eventCount)
    }

    @Test func whatNeedsHistoryIsRefusedWhileLoadingAndWorksAfter() throws {
        let (w, bob) = try world()
        let load = try bob.startLoadingHistory()
        let before = try w.mainJournalBytes()
        for attempt: () throws -> Void in [
            { try bob.addNote(TicketRef(1), "a note") },
            { try bob.resolve(TicketRef(1), note: nil) },
            { try bob.logRepeatContact(TicketRef(1), channel: .phone, summary: "again", durationMillis: nil, received: nil) },
            { try bob.link(TicketRef(1), TicketRef(2)) },
            { _ = try bob.ticket(TicketRef(1)) },
        ] {
            do {
                try attempt()
                Issue.record("allowed while loading")
            } catch let e as DeskError {
                #expect(e.status == .refused)
                #expect(e.message.contains("still loading"))
            }
        }
        #expect(try w.mainJournalBytes() == before)
        // A refresh never loads on the caller's thread meanwhile.
        #expect(try bob.refresh() == false)
        #expect(bob.store.ticketCount == 0)
        try adopt(bob, load)
        try bob.addNote(TicketRef(1), "a note")
        #expect(try bob.ticket(TicketRef(1)).noteCount == 1)
    }

    @Test func routingToAnAutoAssigningQueueWaitsForHistoryAManualOneDoesNot() throws {
        var w = try TriageWorld(at: londonTime("2026-11-24", 10))
        w.setQueue("payroll") { $0.assignment = .roundRobin }
        for u in ["pcat", "pbob"] { w.addUser(u, role: .agent, queues: ["payroll"]) }
        let sup = try w.desk("sup")
        _ = try sup.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))  // to pbob
        let bob = try Desk(data: w.data, config: w.config, login: "bob", clock: w.clock, ids: SequentialIds(prefix: "bob-"))
        let load = try bob.startLoadingHistory()
        do {
            _ = try bob.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))
            Issue.record("round-robin routing allowed without history")
        } catch {
            #expect(error.message.contains("assigns routed calls automatically"))
        }
        // Payroll by hand: no history needed.
        w.setQueue("payroll") { $0.assignment = .manual }
        let manual = try Desk(data: w.data, config: w.config, login: "bob", clock: w.clock, ids: SequentialIds(prefix: "bob2-"))
        let manualLoad = try manual.startLoadingHistory()
        let (r, events) = try manual.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))
        #expect(events.map(\.type) == [.opened, .routed])
        #expect(r == TicketRef(2))
        try adopt(bob, load)
        let (r3, routed) = try bob.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))
        #expect(routed.map(\.type) == [.opened, .routed, .assigned])
        #expect(try bob.ticket(r3).assignee == "pcat")  // continues after pbob
        manualLoad.waitUntilFinished()
    }

    @Test func aCommandLineDeskLoadsHistoryBeforeRoundRobin() throws {
        var w = try TriageWorld(at: londonTime("2026-11-24", 10))
        w.setQueue("payroll") { $0.assignment = .roundRobin }
        for u in ["pcat", "pbob"] { w.addUser(u, role: .agent, queues: ["payroll"]) }
        let sup = try w.desk("sup")
        _ = try sup.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))  // to pbob
        // As `bscdesk log --route payroll` does: no load before logging.
        let cli = try Desk(data: w.data, config: w.config, login: "ann", clock: w.clock, ids: SequentialIds(prefix: "cli-"))
        let (r, _) = try cli.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))
        #expect(try w.desk("sup").ticket(r).assignee == "pcat")
    }

    @Test func restrictedCallLoggedWhileLoadingIsReadableAfterwards() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        _ = try sup.logFirstContact(w.contact("Earlier Client", category: "appointeeship.allowance", details: ["client-reference": "CL-1"]))
        let appo = try Desk(data: w.data, config: w.config, login: "appo", clock: w.clock, ids: SequentialIds(prefix: "appo-"))
        let load = try appo.startLoadingHistory()
        let (r, _) = try appo.logFirstContact(w.contact("Winifred Quaglia", category: "appointeeship.allowance",
                                                         summary: "Allowance stopped", details: ["client-reference": "CL-2"]))
        try adopt(appo, load)
        try appo.refresh()
        #expect(appo.visible(try appo.ticket(r)).caller.name == "Winifred Quaglia")
        #expect(appo.visible(try appo.ticket(TicketRef(1))).caller.name == "Earlier Client")
        #expect(!(try w.mainJournalBytes()).contains("Quaglia"))
    }

    /// The loader reads the key store before the journal; a restricted
    /// call saved in between has a key it has not seen (simulated by
    /// hiding the keys while it reads): a key missed then is read from its
    /// bucket when the event needs it.
    @Test func restrictedContentSavedWhileTheLoaderReadIsPickedUp() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        let (r, _) = try sup.logFirstContact(w.contact("Winifred Quaglia", category: "appointeeship.allowance",
                                                       summary: "Allowance stopped", details: ["client-reference": "CL-2"]))
        let restricted = w.data.path + "/keys/restricted"
        try FileManager.default.moveItem(atPath: restricted, toPath: restricted + ".away")
        let loader = try Desk(data: w.data, config: w.config, login: "appo", clock: w.clock, ids: SequentialIds(prefix: "appo-"))
        try loader.load()
        #expect(loader.visible(try loader.ticket(r)).caller.name != "Winifred Quaglia")
        try FileManager.default.moveItem(atPath: restricted + ".away", toPath: restricted)
        try loader.load()
        #expect(loader.visible(try loader.ticket(r)).caller.name == "Winifred Quaglia")
        #expect(loader.visible(try loader.ticket(r)).summary == "Allowance stopped")
    }

    @Test func aFailedLoadIsReportedAndCanBeRetried() throws {
        let (w, bob) = try world()
        let journal = w.data.journalPath
        try FileManager.default.moveItem(atPath: journal, toPath: journal + ".away")
        _ = FileManager.default.createFile(atPath: journal, contents: Data("not a directory".utf8))
        let load = try bob.startLoadingHistory()
        load.waitUntilFinished()
        guard case .failed(let e)? = load.take() else { Issue.record("a journal that is a file loaded"); return }
        #expect(e.status == .ioFailure)
        #expect(bob.isLoadingHistory, "still waiting for history after a failure")
        try FileManager.default.removeItem(atPath: journal)
        try FileManager.default.moveItem(atPath: journal + ".away", toPath: journal)
        try adopt(bob, try bob.startLoadingHistory())
        #expect(bob.store.ticketCount == 3)
    }
}

private let payrollDetails = ["employee-number": "E1", "pay-period": "November"]
