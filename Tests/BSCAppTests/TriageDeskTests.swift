import Foundation
import Testing
import BSCCore
import BSCJournal
@testable import BSCApp

@Suite("Triage: suggestions, articles, identity checks")
struct TriageSuggestionTests {
    @Test func bankDetailsChangeRanksBankDetailsFirst() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let desk = try w.desk("ann")
        let s = desk.suggestCategories(for: "My bank details have changed!", limit: 5)
        #expect(s.first?.category == "exchequer.bank-details")
        #expect(s.first?.queue == "exchequer")
        #expect(s.first?.matched.contains("bank details") == true)
        #expect(s.first?.matched.contains("change") == true)  // "changed" stems to "change"
        #expect(s.first?.requiresIdentityCheck == true)
        // Ranked: every later score is no higher.
        #expect(zip(s, s.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func payslipMissingRanksPayslipFirst() throws {
        let desk = try TriageWorld(at: londonTime("2026-11-24", 10)).desk("ann")
        let s = desk.suggestCategories(for: "payslip missing", limit: 3)
        #expect(s.map(\.category).first == "payroll.payslip")
        #expect(s.contains { $0.category == "payroll.underpayment" })
        #expect(s[0].score > s[1].score)
        // Plurals and -ing forms match too.
        #expect(desk.suggestCategories(for: "Payslips", limit: 1).first?.category == "payroll.payslip")
        #expect(desk.suggestCategories(for: "supplier is chasing their remittance", limit: 1).first?.category == "exchequer.payment-chase")
        #expect(desk.suggestCategories(for: "", limit: 3).isEmpty)
        #expect(desk.suggestCategories(for: "zzz qqq", limit: 3).isEmpty)
    }

    @Test func stemmerIsSymmetric() {
        for (a, b) in [("changed", "change"), ("changing", "change"), ("details", "detail"), ("queries", "query"), ("missing", "missing")] {
            #expect(CategorySuggester.stem(a) == CategorySuggester.stem(b), "\(a) \(b)")
        }
        #expect(CategorySuggester.tokens("Bank-details, PLEASE!") == ["bank", "detail", "pleas"])
    }

    @Test func everyDefaultCategoryHasAShippedArticle() throws {
        let desk = try TriageWorld(at: londonTime("2026-11-24", 10)).desk("ann")
        for c in desk.taxonomy.categories {
            let text = desk.article(for: c.id)
            #expect(text != nil, "\(c.id) has no article")
            #expect(text?.hasPrefix("# ") == true, "\(c.id)")
        }
        #expect(desk.article(for: "no.such-category") == nil)
    }

    @Test func articlesAreSanitisedForTheTerminal() throws {
        let desk = try TriageWorld(at: londonTime("2026-11-24", 10)).desk("ann")
        let path = desk.data.knowledgePath + "/cs-general-enquiry.md"
        try "# Title\n\u{1B}]0;pwned\u{07}line \u{1B}[31mred\u{1B}[0m\nnext".write(toFile: path, atomically: true, encoding: .utf8)
        let text = try #require(desk.article(for: "cs.general-enquiry"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("line red"))
        #expect(text.contains("\n"))
    }

    @Test func identityCheckIsAnEventAndTheOldDetailStillWorks() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let desk = try w.desk("ann")
        let handoff = ["account-number": "S1", "invoice-number": "I1"]
        // Refused without a check, and nothing is written.
        let before = desk.store.eventCount
        #expect(throws: DeskError.self) { try desk.logFirstContact(w.contact(category: "exchequer.bank-details", outcome: .route("exchequer"), details: handoff)) }
        #expect(desk.store.eventCount == before)
        // --verified on log: recorded as an event before the routing.
        let (r1, events) = try desk.logFirstContact(w.contact(category: "exchequer.bank-details", outcome: .route("exchequer"), details: handoff, verified: "call-back to number on file"))
        #expect(events.map(\.type) == [.opened, .identityVerified, .routed])
        #expect(try desk.ticket(r1).identityVerifiedHow == "call-back to number on file")
        // verify-identity later, then resolve.
        let (r2, _) = try desk.logFirstContact(w.contact(category: "exchequer.bank-details"))
        do {
            try desk.resolve(r2, note: nil)
            Issue.record("resolved without an identity check")
        } catch let e {
            #expect(e.message.contains("needs an identity check"))
        }
        try desk.verifyIdentity(r2, how: "security questions")
        try desk.resolve(r2, note: nil)
        #expect(try desk.ticket(r2).status == .resolved)
        // The older hand-off detail is still accepted.
        let (r3, _) = try desk.logFirstContact(w.contact(category: "exchequer.bank-details", details: ["identity-verified": "letter"]))
        try desk.resolve(r3, note: nil)
        // Reloaded from the journal, the check is still there.
        #expect(try w.desk("bob").ticket(r2).identityVerifiedHow == "security questions")
    }
}

@Suite("Routing, assignment, return, call backs")
struct TriageRoutingTests {
    let payrollDetails = ["employee-number": "E1", "pay-period": "2026-11"]

    @Test func routingWithoutHandoffDetailsIsRefusedAndWritesNothing() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let desk = try w.desk("ann")
        let (r, _) = try desk.logFirstContact(w.contact())
        let before = try w.mainJournalBytes()
        do {
            try desk.route(r, to: "payroll", details: ["employee-number": "E1"])
            Issue.record("routed without pay-period")
        } catch let e {
            #expect(e.status == .refused)
            #expect(e.message.contains("missing hand-off details pay-period"))
        }
        #expect(try w.mainJournalBytes() == before)
    }

    @Test func roundRobinFollowsLoginOrderAndContinuesFromTheLastAssignee() throws {
        var w = try TriageWorld(at: londonTime("2026-11-24", 10))
        w.setQueue("payroll") { $0.assignment = .roundRobin }
        for u in ["pcat", "pbob", "pdan"] { w.addUser(u, role: .agent, queues: ["payroll"]) }
        let desk = try w.desk("ann")
        var got: [String?] = []
        for _ in 0..<4 {
            let (r, events) = try desk.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))
            #expect(events.map(\.type) == [.opened, .routed, .assigned])
            got.append(try desk.ticket(r).assignee)
        }
        #expect(got == ["pbob", "pcat", "pdan", "pbob"])
        // A later route by another process continues after pbob.
        let other = try w.desk("bob")
        let (r5, _) = try other.logFirstContact(w.contact())
        try other.route(r5, to: "payroll", details: payrollDetails)
        #expect(try other.ticket(r5).assignee == "pcat")
        #expect(try other.ticket(r5).status == .inProgress)
    }

    @Test func leastLoadedPicksFewestActiveTicketsTiesByLogin() throws {
        var w = try TriageWorld(at: londonTime("2026-11-24", 10))
        for u in ["pa", "pb", "pc"] { w.addUser(u, role: .agent, queues: ["payroll"]) }
        w.setQueue("payroll") { $0.assignment = .manual }
        let sup = try w.desk("sup")
        func routed() throws -> TicketRef {
            try sup.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails)).ref
        }
        // pa holds two active tickets, pb one, pc one resolved (not active).
        for _ in 0..<2 { try sup.assign(try routed(), to: "pa") }
        try sup.assign(try routed(), to: "pb")
        let done = try routed()
        try sup.assign(done, to: "pc")
        try sup.resolve(done, note: nil)
        w.setQueue("payroll") { $0.assignment = .leastLoaded }
        let desk = try w.desk("ann")
        let r = try desk.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails)).ref
        #expect(try desk.ticket(r).assignee == "pc")  // 0 active; pb has 1
        let r2 = try desk.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails)).ref
        #expect(try desk.ticket(r2).assignee == "pb")  // pb 1, pc 1: tie by login
    }

    @Test func returnNeedsANoteAndReopensAtTheFrontDesk() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let desk = try w.desk("sup")
        let (r, _) = try desk.logFirstContact(w.contact(outcome: .route("payroll"), details: payrollDetails))
        #expect(throws: DeskError.self) { try desk.returnToFrontDesk(r, note: "  ") }
        #expect(try desk.ticket(r).queue == "payroll")
        try desk.returnToFrontDesk(r, note: "Caller must send the P45 first")
        let t = try desk.ticket(r)
        #expect(t.queue == "customer-services")
        #expect(t.status == .open)
        #expect(throws: DeskError.self) { try desk.returnToFrontDesk(r, note: "again") }
    }

    @Test func callbacksFallDueForTheirOwnerOldestFirst() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let ann = try w.desk("ann")
        let (a1, _) = try ann.logFirstContact(w.contact(callback: londonTime("2026-11-24", 15)))
        let (a2, _) = try ann.logFirstContact(w.contact(callback: londonTime("2026-11-24", 14)))
        let (a3, _) = try ann.logFirstContact(w.contact())
        try ann.setCallback(a3, at: londonTime("2026-11-25", 9))
        let bob = try w.desk("bob")
        let (b1, _) = try bob.logFirstContact(w.contact(callback: londonTime("2026-11-24", 11)))
        // A call back on a resolved call is refused; so is one in the past.
        #expect(throws: DeskError.self) { try ann.logFirstContact(w.contact(outcome: .resolved, callback: londonTime("2026-11-24", 16))) }
        #expect(throws: DeskError.self) { try ann.setCallback(a3, at: londonTime("2026-11-24", 9)) }
        try ann.refresh()
        #expect(ann.callbacksDue(now: londonTime("2026-11-24", 13)).isEmpty)
        #expect(ann.callbacksDue(now: londonTime("2026-11-24", 15)).map(\.ref) == [a2, a1])
        #expect(bob.callbacksDue(now: londonTime("2026-11-24", 15)).map(\.ref) == [b1])
        #expect(ann.callbacksDue(now: londonTime("2026-11-25", 9)).map(\.ref) == [a2, a1, a3])
        // Calling the customer back (a logged contact) clears it; so does resolving.
        try ann.logRepeatContact(a2, channel: .phone, summary: "Called back", durationMillis: nil, received: nil)
        try ann.resolve(a1, note: nil)
        #expect(ann.callbacksDue(now: londonTime("2026-11-25", 9)).map(\.ref) == [a3])
    }
}

@Suite("Merge and link")
struct TriageMergeTests {
    @Test func mergingKeepsEveryContactAndEveryNote() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let desk = try w.desk("ann")
        let (keep, _) = try desk.logFirstContact(w.contact(summary: "first call"))
        try desk.addNote(keep, "note on survivor")
        let (dup, _) = try desk.logFirstContact(w.contact(summary: "duplicate call"))
        try desk.logRepeatContact(dup, channel: .email, summary: "duplicate email", durationMillis: nil, received: nil)
        try desk.addNote(dup, "note one on duplicate")
        try desk.addNote(dup, "note two on duplicate")
        try desk.merge(dup, into: keep)
        for d in [desk, try w.desk("bob")] {  // live and replayed from the journal
            let s = try d.ticket(keep)
            #expect(s.contacts.map(\.record.summary).sorted() == ["duplicate call", "duplicate email", "first call"])
            #expect(s.noteCount == 3)
            #expect(s.mergedFrom == [dup])
            let t = try d.ticket(dup)
            #expect(t.status == .closed)
            #expect(t.mergedInto == keep)
            let notes = try d.mergedHistories(s).flatMap(\.1).compactMap { e -> String? in
                if case .noted(let text) = e.body { return text }
                return nil
            } + (try d.history(keep)).compactMap { e -> String? in
                if case .noted(let text) = e.body { return text }
                return nil
            }
            #expect(Set(notes) == ["note on survivor", "note one on duplicate", "note two on duplicate"])
        }
        // A closed duplicate cannot be merged again; nor can a ticket into itself.
        #expect(throws: DeskError.self) { try desk.merge(dup, into: keep) }
        #expect(throws: DeskError.self) { try desk.merge(keep, into: keep) }
        #expect(throws: DeskError.self) { try desk.merge(keep, into: dup) }
    }

    @Test func linksShowOnBothTickets() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let desk = try w.desk("ann")
        let a = try desk.logFirstContact(w.contact()).ref
        let b = try desk.logFirstContact(w.contact()).ref
        try desk.link(a, b)
        #expect(try desk.ticket(a).links == [b])
        #expect(try desk.ticket(b).links == [a])
        #expect(throws: DeskError.self) { try desk.link(b, a) }
    }
}

@Suite("Journal codec: the new event types")
struct TriageCodecTests {
    @Test func newEventsRoundTrip() throws {
        let at = Instant(millis: 1_780_000_000_000)
        let bodies: [EventBody] = [
            .identityVerified(how: "call-back \"on file\""), .callbackSet(at: at), .callbackSet(at: nil),
            .merged(into: TicketRef(7)), .absorbed(from: TicketRef(8)), .linked(to: TicketRef(9)), .viewed,
            .sealedContent(of: "abc", content: ["caller": "Zoë", "details.client-reference": "C1"]),
        ]
        let decoder = EventDecoder()
        for (i, b) in bodies.enumerated() {
            var e = Event(seq: Int64(i + 1), id: "id\(i)", at: at, user: "ann", ref: TicketRef(3), body: b)
            if i == 0 { e.sealed = "appointeeship" }
            let line = EventEncoder.body(e, tickets: 3) + Array(#","h":"x"}"#.utf8)
            let back = try decoder.decode(line)
            #expect(back.event == e, "\(b)")
        }
    }

    @Test func sealingSplitsAndRestoresPersonalContent() {
        let contact = ContactRecord(channel: .phone, summary: "Secret", received: Instant(millis: 5), durationMillis: 60_000)
        let body = EventBody.opened(caller: Caller(name: "Zoë", type: .serviceUser, reference: "C1", phone: "01", email: nil),
                                    category: "appointeeship.allowance", queue: "customer-services", priority: .normal,
                                    contact: contact, details: ["client-reference": "C1"])
        let parts = Sealing.seal(body)!
        guard case .opened(let caller, let category, _, _, let c, let details) = parts.redacted else { Issue.record("not opened"); return }
        #expect(caller.name.isEmpty && caller.reference == nil && caller.phone == nil && caller.type == .serviceUser)
        #expect(c.summary.isEmpty && c.durationMillis == 60_000 && category == "appointeeship.allowance" && details.isEmpty)
        #expect(Sealing.unseal(parts.redacted, parts.content) == body)
        #expect(Sealing.seal(.assigned(to: "x")) == nil)
        #expect(Sealing.seal(.corrected(field: .category, from: "a", to: "b")) == nil)
    }
}
