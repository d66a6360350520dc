import Testing
@testable import BSCCore

private typealias S = MetricsScenario

@Suite("FCR: disqualification within the reopen window")
struct FCRDisqualificationTests {
    let monday = S.london("2026-11-09", 10)

    @Test func undisturbedFirstContactResolutionCounts() {
        var s = S()
        s.open(1, at: monday)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m[.grossFCR].numerator == 1 && m[.grossFCR].denominator == 1)
        #expect(m[.grossFCR].value == 100)
        #expect(m[.grossFCR].provisional == false)
    }

    @Test func reopenInsideWindowDisqualifies() {
        var s = S()
        s.open(1, at: monday)
        s.apply(1, S.london("2026-11-10", 11), "agent1", .reopened(reason: nil))
        let m = s.metrics("2026-11", asAt: later)
        #expect(m[.grossFCR].numerator == 0 && m[.grossFCR].denominator == 1)
        #expect(m.tally.disqualifiedReopened == 1)
        #expect(m[.grossFCR].rag == .red)
    }

    @Test func repeatContactInsideWindowDisqualifies() {
        var s = S()
        s.open(1, at: monday)
        s.contact(1, at: S.london("2026-11-11", 16))
        let m = s.metrics("2026-11", asAt: later)
        #expect(m[.grossFCR].numerator == 0)
        #expect(m.tally.disqualifiedRepeatContact == 1)
        #expect(m.tally.contacts == 2)
    }

    @Test func sameCallerReferenceNewTicketSameCategoryDisqualifies() {
        var s = S()
        s.open(1, at: monday, caller: Caller(name: "Jo Bloggs", type: .employee, reference: "E1"))
        // Same reference, name spelt differently: the reference decides.
        s.open(2, at: S.london("2026-11-10", 9, 30), caller: Caller(name: "Joanne Bloggs", type: .employee, reference: " e1 "), fcr: false)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualifiedSameCaller == 1)
        #expect(m[.grossFCR].numerator == 0 && m[.grossFCR].denominator == 2)
        #expect(s.engine.index.disqualification(ofTicketAt: 0) == .sameCallerNewTicket)
    }

    @Test func sameCallerFoldedNameWithoutReferencesDisqualifies() {
        var s = S()
        s.open(1, at: monday, caller: Caller(name: "Zoë  Łukasik", type: .publicMember))
        s.open(2, at: S.london("2026-11-10", 9, 30), caller: Caller(name: "zoe lukasik", type: .publicMember), fcr: false)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualifiedSameCaller == 1)
        #expect(m[.grossFCR].numerator == 0)
    }

    @Test func nameDecidesWhenOnlyOneSideHasAReference() {
        var s = S()
        s.open(1, at: monday, caller: Caller(name: "Jo Bloggs", type: .employee, reference: "E1"))
        s.open(2, at: S.london("2026-11-10", 9, 30), caller: Caller(name: "JO BLOGGS", type: .employee), fcr: false)
        #expect(s.metrics("2026-11", asAt: later).tally.disqualifiedSameCaller == 1)
    }

    @Test func sameCallerDifferentCategoryStillCounts() {
        var s = S()
        s.open(1, at: monday)
        s.open(2, at: S.london("2026-11-10", 9, 30), category: "payroll.payslip", fcr: false)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualified == 0)
        #expect(m[.grossFCR].numerator == 1 && m[.grossFCR].denominator == 2)
    }

    @Test func differentReferencesAreDifferentCallersEvenWithTheSameName() {
        var s = S()
        s.open(1, at: monday, caller: Caller(name: "Jo Bloggs", type: .employee, reference: "E1"))
        s.open(2, at: S.london("2026-11-10", 9, 30), caller: Caller(name: "Jo Bloggs", type: .employee, reference: "E2"), fcr: false)
        #expect(s.metrics("2026-11", asAt: later)[.grossFCR].numerator == 1)
    }

    @Test func differentNamesWithoutReferencesAreDifferentCallers() {
        var s = S()
        s.open(1, at: monday, caller: Caller(name: "Jo Bloggs", type: .publicMember))
        s.open(2, at: S.london("2026-11-10", 9, 30), caller: Caller(name: "Jo Blogs", type: .publicMember), fcr: false)
        #expect(s.metrics("2026-11", asAt: later)[.grossFCR].numerator == 1)
    }

    @Test func anonymousCallersNeverMatch() {
        var s = S()
        s.open(1, at: monday, caller: Caller(name: "", type: .publicMember))
        s.open(2, at: S.london("2026-11-10", 9, 30), caller: Caller(name: "", type: .publicMember), fcr: false)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualified == 0)
        #expect(m[.grossFCR].numerator == 1)
    }

    @Test func aNewTicketBeforeTheResolutionDoesNotDisqualify() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 9), fcr: false)
        s.open(2, at: monday)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualifiedSameCaller == 0)
        #expect(m[.grossFCR].numerator == 1)
    }

    // Window: 24 working hours. Thu 12 Nov 15:00 → Thu 2 h, Fri 8, Mon 8, Tue 6 → Tue 17 Nov 15:00.
    @Test(arguments: [(14, 59, true), (15, 0, true), (15, 1, false)])
    func windowEdgeAcrossAWeekend(hour: Int, minute: Int, disqualified: Bool) {
        var s = S()
        s.open(1, at: S.london("2026-11-12", 15))
        s.contact(1, at: S.london("2026-11-17", hour, minute))
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualifiedRepeatContact == (disqualified ? 1 : 0))
        #expect(m[.grossFCR].numerator == (disqualified ? 0 : 1))
    }

    // Thu 24 Dec 2026 15:00 → Thu 2 h; Fri 25 and Mon 28 (substitute Boxing Day) are bank holidays;
    // Tue 29 8 h, Wed 30 8 h, Thu 31 6 h → Thu 31 Dec 15:00.
    @Test(arguments: [(14, 59, true), (15, 1, false)])
    func windowEdgeAcrossChristmasBankHolidays(hour: Int, minute: Int, disqualified: Bool) {
        var s = S()
        s.open(1, at: S.london("2026-12-24", 15))
        s.open(2, at: S.london("2026-12-31", hour, minute), fcr: false)
        let m = s.metrics("2026-12", asAt: later)
        #expect(m.tally.disqualifiedSameCaller == (disqualified ? 1 : 0))
    }

    @Test func reopenWindowFollowsConfiguration() {
        var s = S()
        s.config.reopenWindowDays = 1
        s.open(1, at: S.london("2026-11-12", 15))
        s.contact(1, at: S.london("2026-11-13", 15))  // 2 h + 6 h = 8 h: inside one day's window
        s.open(2, at: S.london("2026-11-16", 10))
        s.contact(2, at: S.london("2026-11-17", 10, 1))  // 8 h 1 min: outside
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.disqualifiedRepeatContact == 1)
        #expect(m[.grossFCR].numerator == 1)
    }
}

@Suite("FCR: provisional figures")
struct ProvisionalTests {
    @Test func openWindowMakesTheFigureProvisionalUntilItCloses() {
        var s = S()
        s.open(1, at: S.london("2026-11-12", 15))
        let windowEnd = S.london("2026-11-17", 15)
        let during = s.metrics("2026-11", asAt: windowEnd)
        #expect(during[.grossFCR].numerator == 1)
        #expect(during[.grossFCR].provisional)
        #expect(during[.netFCR].provisional)
        #expect(during.tally.fcrProvisional == 1)
        #expect(during[.flr].provisional == false)
        let after = s.metrics("2026-11", asAt: windowEnd.adding(millis: 1))
        #expect(after[.grossFCR].provisional == false)
        #expect(after.provisional == false)
    }

    @Test func aDisqualifiedTicketIsFinalEvenInsideItsWindow() {
        var s = S()
        s.open(1, at: S.london("2026-11-12", 15))
        s.apply(1, S.london("2026-11-13", 10), "agent1", .reopened(reason: nil))
        let m = s.metrics("2026-11", asAt: S.london("2026-11-13", 11))
        #expect(m[.grossFCR].numerator == 0)
        #expect(m[.grossFCR].provisional == false)
    }

    @Test func reportListsWhichFiguresAreProvisional() {
        var s = S()
        s.open(1, at: S.london("2026-11-23", 10), category: "exchequer.bank-details")
        let r = s.engine.report(MetricsQuery(period: try! ReportingPeriod.parse("2026-11"), asAt: S.london("2026-11-24", 10)))
        #expect(r.provisional)
        // Not front-desk resolvable: net FCR has no provisional ticket.
        #expect(r.provisionalMetrics == [.grossFCR])
    }
}
