import Testing
@testable import BSCCore

private typealias S = MetricsScenario

@Suite("Metrics: periods, definitions, RAG")
struct MetricsScenarioTests {
    @Test func financialYearAndQuarterBoundaryUseLondonDates() {
        var s = S()
        // 31 Mar 2027 23:30 BST = 22:30 UTC; 1 Apr 2027 00:30 BST = 31 Mar 23:30 UTC.
        let lastOfYear = S.london("2027-03-31", 23, 30)
        let firstOfNext = S.london("2027-04-01", 0, 30)
        #expect(Timestamp.format(firstOfNext) == "2027-03-31T23:30:00.000Z")
        s.open(1, at: lastOfYear)
        s.open(2, at: firstOfNext, caller: Caller(name: "Other", type: .employee, reference: "E9"), fcr: false)
        #expect(s.metrics("2026/27", asAt: later).tally.ticketsOpened == 1)
        #expect(s.metrics("2026/27-Q4", asAt: later)[.grossFCR].numerator == 1)
        #expect(s.metrics("2027/28", asAt: later).tally.ticketsOpened == 1)
        #expect(s.metrics("2027/28-Q1", asAt: later)[.grossFCR].numerator == 0)
        #expect(s.metrics("2027-03-31", asAt: later).tally.ticketsOpened == 1)
        #expect(s.metrics("2027-04-01", asAt: later).tally.ticketsOpened == 1)
    }

    @Test func clockChangeDaysCountByLocalDate() {
        var s = S()
        // Last Sunday of March 2027: 00:30 is still GMT.
        s.open(1, at: S.london("2027-03-28", 0, 30))
        // Last Sunday of October 2026: 00:30 BST is 23:30 UTC on the Saturday.
        let october = S.london("2026-10-25", 0, 30)
        #expect(Timestamp.format(october) == "2026-10-24T23:30:00.000Z")
        s.open(2, at: october, caller: Caller(name: "Other", type: .employee, reference: "E9"))
        #expect(s.metrics("2027-03-28", asAt: later).tally.ticketsOpened == 1)
        #expect(s.metrics("2027-03-27", asAt: later).tally.ticketsOpened == 0)
        #expect(s.metrics("2026-10-25", asAt: later).tally.ticketsOpened == 1)
        #expect(s.metrics("2026-10-24", asAt: later).tally.ticketsOpened == 0)
    }

    @Test func netFCRCountsOnlyFrontDeskResolvableCategories() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 10), category: "cs.general")
        s.open(2, at: S.london("2026-11-09", 11), caller: Caller(name: "B", type: .supplier, reference: "S1"), category: "exchequer.bank-details", fcr: false)
        s.apply(2, S.london("2026-11-09", 11, 1), "agent1", .routed(queue: "exchequer", details: [:], note: nil))
        s.open(3, at: S.london("2026-11-09", 12), caller: Caller(name: "C", type: .employee, reference: "E3"), category: "payroll.payslip", fcr: false)
        let m = s.metrics("2026-11", asAt: later)
        #expect((m[.grossFCR].numerator, m[.grossFCR].denominator) == (1, 3))
        #expect((m[.netFCR].numerator, m[.netFCR].denominator) == (1, 2))
        #expect(m[.netFCR].value == 50)
    }

    @Test func firstLevelResolutionIgnoresContactCountButNotRouting() {
        var s = S()
        // Callback: two contacts, resolved by customer services later: FLR, not FCR.
        s.open(1, at: S.london("2026-11-09", 10), fcr: false)
        s.contact(1, at: S.london("2026-11-09", 14))
        s.apply(1, S.london("2026-11-09", 14, 5), "agent1", .resolved(note: nil, firstContact: false))
        // Routed to payroll and resolved there: neither.
        s.open(2, at: S.london("2026-11-09", 11), caller: Caller(name: "B", type: .employee, reference: "E2"), category: "payroll.payslip", fcr: false)
        s.apply(2, S.london("2026-11-09", 11, 1), "agent1", .routed(queue: "payroll", details: [:], note: nil))
        s.apply(2, S.london("2026-11-10", 11), "officer", .resolved(note: nil, firstContact: false))
        // Still open: neither.
        s.open(3, at: S.london("2026-11-09", 12), caller: Caller(name: "C", type: .employee, reference: "E3"), fcr: false)
        let m = s.metrics("2026-11", asAt: later)
        #expect((m[.flr].numerator, m[.flr].denominator) == (1, 3))
        #expect(m[.grossFCR].numerator == 0)
    }

    @Test func resolutionMetricsCountByResolutionDate() {
        var s = S()
        s.open(1, at: S.london("2026-10-30", 16), fcr: false)
        s.apply(1, S.london("2026-11-02", 10), "agent2", .resolved(note: nil, firstContact: false))
        s.apply(1, S.london("2026-11-02", 12), "agent2", .reopened(reason: nil))
        s.apply(1, S.london("2026-11-03", 10), "agent2", .resolved(note: nil, firstContact: false))
        s.apply(1, S.london("2026-11-04", 10), "sup", .feedback(rating: 2, source: .phone))
        s.apply(1, S.london("2026-11-05", 10), "sup", .feedback(rating: 5, source: .survey))
        let oct = s.metrics("2026-10", asAt: later)
        #expect(oct.tally.ticketsOpened == 1 && oct.tally.resolved == 0)
        #expect(oct[.reopenRate].rag == .notApplicable)
        let nov = s.metrics("2026-11", asAt: later)
        #expect(nov.tally.ticketsOpened == 0)
        #expect((nov[.reopenRate].numerator, nov[.reopenRate].denominator) == (1, 1))
        // The latest rating (5) wins.
        #expect((nov[.csat].numerator, nov[.csat].denominator) == (1, 1))
        // 30 Oct 16:00–17:00, 2 Nov 09:00–17:00, 3 Nov 09:00–10:00: 10 working hours.
        #expect(nov[.timeToResolve].numerator == 10 * 3_600_000)
        #expect(nov[.timeToResolve].value == 10)
        // Customer services target 8 h: missed.
        #expect((nov[.slaAttainment].numerator, nov[.slaAttainment].denominator) == (0, 1))
    }

    @Test func pausesAreTakenOutOfTimeToResolveAndSLA() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 9), fcr: false)
        s.apply(1, S.london("2026-11-09", 10), "agent1", .pending(reason: .customer))
        s.apply(1, S.london("2026-11-10", 10), "agent1", .resumed)
        s.apply(1, S.london("2026-11-10", 15), "agent1", .resolved(note: nil, firstContact: false))
        let m = s.metrics("2026-11", asAt: later)
        // 1 h before the pause + 5 h after it.
        #expect(m[.timeToResolve].numerator == 6 * 3_600_000)
        #expect((m[.slaAttainment].numerator, m[.slaAttainment].denominator) == (1, 1))
    }

    @Test func queuesWithoutATargetAreLeftOutOfSLA() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 9), category: "exchequer.bank-details", fcr: false)
        s.apply(1, S.london("2026-11-09", 9, 1), "agent1", .routed(queue: "exchequer", details: [:], note: nil))
        s.apply(1, S.london("2026-11-09", 12), "officer", .resolved(note: nil, firstContact: false))
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.resolved == 1)
        #expect(m[.slaAttainment].denominator == 0)
        #expect(m[.slaAttainment].rag == .notApplicable)
    }

    @Test func csatWithoutRatingsIsNotApplicable() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 9))
        let m = s.metrics("2026-11", asAt: later)
        #expect(m[.csat].denominator == 0)
        #expect(m[.csat].value == nil)
        #expect(m[.csat].text == "n/a")
        #expect(m[.csat].rag == .notApplicable)
    }

    @Test func csatCountsFoursAndFivesOfRatingsGiven() {
        var s = S()
        for (i, rating) in [5, 4, 3].enumerated() {
            s.open(i + 1, at: S.london("2026-11-09", 9 + i), caller: Caller(name: "C\(i)", type: .employee, reference: "E\(i)"))
            s.apply(i + 1, S.london("2026-11-10", 9), "sup", .feedback(rating: rating, source: .survey))
        }
        s.open(4, at: S.london("2026-11-09", 14), caller: Caller(name: "C4", type: .employee, reference: "E4"))
        let m = s.metrics("2026-11", asAt: later)
        #expect((m[.csat].numerator, m[.csat].denominator) == (2, 3))
        #expect(m[.csat].rag == .red)
    }

    @Test func anEmptyPeriodIsNotApplicableEverywhere() {
        let m = S().metrics("2026-11", asAt: later)
        for metric in m.metrics {
            #expect(metric.value == nil, "\(metric.id)")
            #expect(metric.rag == .notApplicable, "\(metric.id)")
            #expect(metric.text == "n/a")
        }
    }

    @Test func handleTimeUsesOnlyTimedContactsAndCountsTheRest() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 9), duration: 240_000, fcr: false)
        s.contact(1, at: S.london("2026-11-09", 10), duration: 480_000)
        s.open(2, at: S.london("2026-11-09", 11), caller: Caller(name: "E", type: .employee, reference: "E5"), channel: .email, duration: nil)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m.tally.contacts == 3)
        #expect(m.tally.contactsWithoutDuration == 1)
        #expect((m[.averageHandleTime].numerator, m[.averageHandleTime].denominator) == (720_000, 2))
        #expect(m[.averageHandleTime].value == 6)
        #expect(m[.averageHandleTime].rag == .green)  // target 6 min, lower is better
    }

    @Test func agentBreakdownUsesOpenerForFirstContactAndResolverForResolution() {
        var s = S()
        s.open(1, at: S.london("2026-11-09", 9), by: "alice", fcr: false)
        s.apply(1, S.london("2026-11-09", 12), "bob", .resolved(note: nil, firstContact: false))
        let b = s.engine.breakdown(.agent, period: try! ReportingPeriod.parse("2026-11"), asAt: later)
        #expect(b.rows.map(\.key) == ["alice", "bob"])
        #expect(b.rows[0].metrics.tally.ticketsOpened == 1 && b.rows[0].metrics.tally.resolved == 0)
        #expect(b.rows[1].metrics.tally.ticketsOpened == 0 && b.rows[1].metrics.tally.resolved == 1)
    }

    @Test func seriesBucketsAreCutToThePeriodAndAddUp() {
        var s = S()
        s.open(1, at: S.london("2026-11-02", 10))
        s.open(2, at: S.london("2026-11-30", 10), caller: Caller(name: "X", type: .employee, reference: "E7"))
        let period = try! ReportingPeriod.parse("2026-11")
        let points = s.engine.series(.week, covering: period, asAt: later)
        #expect(points.first?.firstDay == S.date("2026-11-01"))  // the week of Mon 26 Oct, cut
        #expect(points.last?.lastDay == S.date("2026-11-30"))
        #expect(points.reduce(0) { $0 + $1.metrics.tally.ticketsOpened } == 2)
        let dash = s.engine.fcrDashboard(asAt: S.london("2026-11-30", 18))
        #expect(dash.trend.count == 12)
        #expect(dash.trend.last?.bucket.label == "2026-11")
        #expect(dash.currentMetrics[.grossFCR].numerator == 2)
        #expect(dash.byAgent == nil)
    }
}

@Suite("RAG edges")
struct RAGTests {
    @Test(arguments: [(90.0, RAG.green), (89.99, .amber), (85.0, .amber), (84.99, .red)])
    func higherIsBetter(value: Double, expected: RAG) {
        #expect(RAG.of(value, target: 90, margin: 5, lowerIsBetter: false, unit: .percent) == expected)
    }

    @Test(arguments: [(5.0, RAG.green), (5.01, .amber), (10.0, .amber), (10.01, .red), (0.0, .green)])
    func lowerIsBetterFlips(value: Double, expected: RAG) {
        #expect(RAG.of(value, target: 5, margin: 5, lowerIsBetter: true, unit: .percent) == expected)
    }

    @Test(arguments: [(6.0, RAG.green), (6.3, .amber), (6.31, .red)])
    func timeMarginsArePercentOfTarget(value: Double, expected: RAG) {
        #expect(RAG.of(value, target: 6, margin: 5, lowerIsBetter: true, unit: .minutes) == expected)
    }

    @Test func exactFractionsLandOnTheTarget() {
        var t = Tally()
        t.ticketsOpened = 20
        t.fcr = 18  // 90%
        t.flr = 17  // 85%: amber edge
        t.resolved = 20
        t.resolvedReopened = 1  // 5%: green for lower-is-better
        let targets = Targets()
        #expect(t.metric(.grossFCR, targets: targets).rag == .green)
        #expect(t.metric(.flr, targets: targets).rag == .amber)
        #expect(t.metric(.reopenRate, targets: targets).rag == .green)
        t.flr = 16
        #expect(t.metric(.flr, targets: targets).rag == .red)
        #expect(RAG.of(nil, target: 90, margin: 5, lowerIsBetter: false, unit: .percent).text == "n/a")
        #expect(RAG.allCases.map(\.text) == ["GREEN", "AMBER", "RED", "n/a"])
    }
}

@Suite("SLA attainment agrees with the SLA clock")
struct SLAAgreementTests {
    @Test func everyResolvedTicketIsMetExactlyWhenTheClockSaysMet() {
        var s = S()
        var expectedMet = 0
        var resolved = 0
        // Tickets of 1..30 working hours with and without a pause, in customer services (8 h) and payroll (24 h).
        for n in 1...30 {
            let start = S.london("2026-11-02", 9 + n % 8, n % 60)
            let routed = n % 2 == 0
            s.open(n, at: start, caller: Caller(name: "C\(n)", type: .employee, reference: "E\(n)"),
                   category: routed ? "payroll.payslip" : "cs.general", fcr: false)
            if routed { s.apply(n, start.adding(minutes: 1), "a", .routed(queue: "payroll", details: [:], note: nil)) }
            var pauses: [Range<Instant>] = []
            var t = WorkingCalendar.standard.addingWorkingMillis(Int64(n) * 3_600_000 / 2, to: start)
            if n % 3 == 0 {
                let resume = t.adding(hours: 20)
                s.apply(n, t, "a", .pending(reason: .thirdParty))
                s.apply(n, resume, "a", .resumed)
                pauses.append(t..<resume)
                t = WorkingCalendar.standard.addingWorkingMillis(Int64(n) * 3_600_000 / 2, to: resume)
            } else {
                t = WorkingCalendar.standard.addingWorkingMillis(Int64(n) * 3_600_000 / 2, to: t)
            }
            s.apply(n, t, "a", .resolved(note: nil, firstContact: false))
            let clock = SLAClock(startedAt: start, target: .workingHours(routed ? 24 : 8), pauses: pauses, resolvedAt: t)
            if clock.status(now: later).state == .met { expectedMet += 1 }
            resolved += 1
        }
        let m = s.metrics("2026/27", asAt: later)
        #expect(m[.slaAttainment].denominator == Int64(resolved))
        #expect(m[.slaAttainment].numerator == Int64(expectedMet))
        #expect(expectedMet > 0 && expectedMet < resolved, "the scenario should have both outcomes")
    }
}
