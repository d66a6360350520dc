import Foundation
import Testing
import BSCCore
@testable import BSCApp

/// SLA clocks on real tickets through `desk.slaStatus`. customer-services:
/// 8 working hours to resolve, 2 to first response; 09:00–17:00 Mon–Fri.
@Suite("SLA clocks on tickets")
struct TriageSLATests {
    func logged(at received: Instant, category: String = "cs.general-enquiry") throws -> (TriageWorld, Desk, TicketRef) {
        let w = try TriageWorld(at: received)
        let d = try w.desk("ann")
        let r = try d.logFirstContact(w.contact(category: category)).ref
        return (w, d, r)
    }

    @Test func dueTimeSkipsTheWeekend() throws {
        let (_, d, r) = try logged(at: londonTime("2026-11-20", 15))  // Friday
        let s = try #require(d.slaStatus(try d.ticket(r), now: londonTime("2026-11-20", 15)))
        #expect(s.due == londonTime("2026-11-23", 15))  // 2 h Friday + 6 h Monday
        #expect(s.state == .onTrack)
        #expect(d.slaStatus(try d.ticket(r), now: londonTime("2026-11-23", 15, 1))?.state == .breached)
    }

    @Test func dueTimeSkipsChristmasAndTheSubstituteBoxingDay() throws {
        let (_, d, r) = try logged(at: londonTime("2026-12-24", 13))  // Thursday
        // 25 Dec Friday, 28 Dec Monday (Boxing Day substitute) are holidays.
        #expect(d.slaStatus(try d.ticket(r), now: londonTime("2026-12-24", 13))?.due == londonTime("2026-12-29", 13))
    }

    @Test func dueTimeAcrossTheEndOfSummerTime() throws {
        let (_, d, r) = try logged(at: londonTime("2026-10-23", 16))  // Friday, BST
        let due = try #require(d.slaStatus(try d.ticket(r), now: londonTime("2026-10-23", 16))?.due)
        #expect(due == londonTime("2026-10-26", 16))  // Monday, GMT
        #expect(due.millis - londonTime("2026-10-23", 16).millis == (72 + 1) * 3_600_000)  // the clocks went back an hour
    }

    @Test func pendingPausesTheClockAndResumingRestartsIt() throws {
        let (w, d, r) = try logged(at: londonTime("2026-11-23", 9))  // Monday
        w.clock.set(londonTime("2026-11-23", 10))
        try d.setPending(r, reason: .customer)
        #expect(d.slaStatus(try d.ticket(r), now: londonTime("2026-11-23", 16))?.state == .paused)
        w.clock.set(londonTime("2026-11-24", 10))
        try d.resume(r)
        let s = try #require(d.slaStatus(try d.ticket(r), now: londonTime("2026-11-24", 10)))
        // 1 h before the pause, 7 h left from Tuesday 10:00.
        #expect(s.due == londonTime("2026-11-24", 17))
        #expect(s.elapsedWorkingMillis == 3_600_000)
        // Reloaded from the journal, the pause is still taken out.
        #expect(try w.desk("bob").slaStatus(try d.ticket(r), now: londonTime("2026-11-24", 10))?.due == londonTime("2026-11-24", 17))
    }

    @Test func atRiskFromThreeQuartersOfTheTarget() throws {
        let (_, d, r) = try logged(at: londonTime("2026-11-23", 9))
        let t = try d.ticket(r)
        #expect(d.slaStatus(t, now: londonTime("2026-11-23", 14, 59))?.state == .onTrack)
        #expect(d.slaStatus(t, now: londonTime("2026-11-23", 15, 0))?.state == .atRisk)  // 6 of 8 h
        #expect(d.slaStatus(t, now: londonTime("2026-11-23", 16, 59))?.state == .atRisk)
        #expect(d.slaStatus(t, now: londonTime("2026-11-24", 9, 30))?.state == .breached)
    }

    @Test func categoryTargetOverridesTheQueueAndWorkingDaysParse() throws {
        // exchequer.bank-details: resolution_target = "3d" in the defaults.
        let (w, d, r) = try logged(at: londonTime("2026-11-23", 9), category: "exchequer.bank-details")
        #expect(w.config.taxonomy.category("exchequer.bank-details")?.resolutionTargetHours == 24)
        #expect(d.slaStatus(try d.ticket(r), now: londonTime("2026-11-23", 9))?.due == londonTime("2026-11-25", 17))
    }

    @Test func firstResponseIsTheFirstRoutingAssignmentNoteOrResolution() throws {
        let (w, d, r) = try logged(at: londonTime("2026-11-23", 9))
        #expect(d.firstResponseStatus(try d.ticket(r), now: londonTime("2026-11-23", 9))?.due == londonTime("2026-11-23", 11))
        #expect(d.firstResponseStatus(try d.ticket(r), now: londonTime("2026-11-23", 11, 30))?.state == .breached)
        w.clock.set(londonTime("2026-11-23", 10))
        try d.addNote(r, "Looked it up")
        let t = try d.ticket(r)
        #expect(t.firstResponseAt == londonTime("2026-11-23", 10))
        #expect(d.firstResponseStatus(t, now: londonTime("2026-11-24", 12))?.state == .met)
    }

    @Test func firstResolvedAtSurvivesReopening() throws {
        let (w, d, r) = try logged(at: londonTime("2026-11-23", 9))
        w.clock.set(londonTime("2026-11-23", 11))
        try d.resolve(r, note: nil)
        w.clock.set(londonTime("2026-11-23", 12))
        try d.reopen(r, reason: nil)
        w.clock.set(londonTime("2026-11-23", 13))
        try d.resolve(r, note: nil)
        let t = try w.desk("bob").ticket(r)
        #expect(t.firstResolvedAt == londonTime("2026-11-23", 11))
        #expect(t.resolvedAt == londonTime("2026-11-23", 13))
    }
}

@Suite("Repeat contacts")
struct TriageRepeatTests {
    @Test func sameCallerSameCategoryWithinTheReopenWindow() throws {
        let w = try TriageWorld(at: londonTime("2026-11-23", 10))  // Monday
        let d = try w.desk("ann")
        let first = try d.logFirstContact(w.contact("Zoë  Smith", category: "payroll.payslip", outcome: .resolved)).ref
        // Thursday 10:00: 3 working days after Monday 10:00 is Thursday 10:00, inclusive.
        w.clock.set(londonTime("2026-11-26", 10))
        #expect(d.repeatContactWarning(caller: Caller(name: "zoe smith", type: .employee), category: "payroll.payslip", now: w.clock.now()) == [first])
        #expect(d.repeatContactWarning(caller: Caller(name: "zoe smith", type: .employee), category: "payroll.tax", now: w.clock.now()).isEmpty)
        let second = try d.logFirstContact(w.contact("ZOE SMITH", category: "payroll.payslip")).ref
        #expect(d.repeatOf(try d.ticket(second)) == first)
        let json = TicketViews.ticketJSON(try d.ticket(second), desk: d, now: w.clock.now()).serialized()
        #expect(json.contains("\"repeat_of\":\"\(first)\"") || json.contains("\"repeat_of\": \"\(first)\""))
        #expect(d.repeatOf(try d.ticket(first)) == nil)
        // A minute past the window the resolved first ticket no longer counts;
        // the second, still open, does.
        w.clock.set(londonTime("2026-11-26", 10, 1))
        #expect(d.repeatContactWarning(caller: Caller(name: "Zoë Smith", type: .employee), category: "payroll.payslip", now: w.clock.now()) == [second])
        try d.resolve(second, note: nil)
        w.clock.set(londonTime("2026-12-10", 10))
        #expect(d.repeatContactWarning(caller: Caller(name: "Zoë Smith", type: .employee), category: "payroll.payslip", now: w.clock.now()).isEmpty)
    }

    @Test func referencesWinOverNamesWhenBothHaveOne() throws {
        let w = try TriageWorld(at: londonTime("2026-11-23", 10))
        let d = try w.desk("ann")
        let first = try d.logFirstContact(w.contact("J Smith", ref: "E100", category: "payroll.payslip")).ref
        #expect(d.repeatContactWarning(caller: Caller(name: "Jane Smith", type: .employee, reference: "e100"), category: "payroll.payslip", now: w.clock.now()) == [first])
        #expect(d.repeatContactWarning(caller: Caller(name: "J Smith", type: .employee, reference: "E200"), category: "payroll.payslip", now: w.clock.now()).isEmpty)
        // An open earlier ticket counts however long ago it was opened.
        w.clock.set(londonTime("2026-12-15", 10))
        #expect(d.repeatContactWarning(caller: Caller(name: "x", type: .employee, reference: "E100"), category: "payroll.payslip", now: w.clock.now()) == [first])
    }
}

@Suite("Repeat contacts: the one caller rule")
struct TriageCallerIdentityTests {
    /// Issue 12: the call form compared references with case ignored only.
    @Test func spacedReferenceIsTheSameCaller() throws {
        let w = try TriageWorld(at: londonTime("2026-11-23", 10))
        let d = try w.desk("ann")
        let first = try d.logFirstContact(w.contact("J Smith", ref: "E200 004", category: "payroll.payslip")).ref
        #expect(d.repeatContactWarning(caller: Caller(name: "Jane Smith", type: .employee, reference: "e200004"), category: "payroll.payslip", now: w.clock.now()) == [first])
        var index = CallerIndex()
        index.update(from: d)
        #expect(index.entry(for: Caller(name: "Jane Smith", type: .employee, reference: "E200004"))?.refs == [first])
    }
}
