import BSCCore
import Testing
@testable import BSCApp

/// The board's figures on a hand-built week. "Now" is Tuesday 24 Nov 2026
/// 11:00 London (GMT); the week began Monday 23rd; default SLA targets are
/// 8 working hours (customer services) and 24 (payroll), at risk from 75%.
@Suite struct BoardSnapshotTests {
    static let now = BoardFixture.london(2026, 11, 24, 11)
    typealias F = BoardFixture

    /// The week described in each ticket's comment.
    static func week() -> EventScript {
        var s = EventScript()
        // 1: payroll, received Friday 15:00, held by pat: 2h Fri + 8h Mon + 2h Tue = 12 working hours.
        s.open(1, F.london(2026, 11, 20, 15), by: "amy", category: "payroll.salary-query")
        s.apply(1, F.london(2026, 11, 20, 15, 5), "amy", .routed(queue: QueueID.payroll, details: [:], note: nil))
        s.apply(1, F.london(2026, 11, 23, 9), "lead", .assigned(to: "pat"))
        // 2: payroll, received Wednesday 09:00: 34 working hours > 24, breached.
        s.open(2, F.london(2026, 11, 18, 9), by: "amy", category: "payroll.salary-query")
        s.apply(2, F.london(2026, 11, 18, 9, 5), "amy", .routed(queue: QueueID.payroll, details: [:], note: nil))
        // 3: payroll, received Thursday 15:00: 20 working hours ≥ 18, at risk.
        s.open(3, F.london(2026, 11, 19, 15), by: "amy", category: "payroll.tax")
        s.apply(3, F.london(2026, 11, 19, 15, 5), "amy", .routed(queue: QueueID.payroll, details: [:], note: nil))
        // 8: payroll, received Monday 10:00, pending since 12:00: paused, not at risk.
        s.open(8, F.london(2026, 11, 23, 10), by: "ben", caller: "Pending Person", category: "payroll.tax")
        s.apply(8, F.london(2026, 11, 23, 10, 5), "ben", .routed(queue: QueueID.payroll, details: [:], note: nil))
        s.apply(8, F.london(2026, 11, 23, 12), "pat", .pending(reason: .customer))
        // 9: Monday, resolved at first contact by amy: counts for the week only.
        s.open(9, F.london(2026, 11, 23, 10, 30), by: "amy", caller: "Monday Caller")
        s.apply(9, F.london(2026, 11, 23, 10, 30), "amy", .resolved(note: nil, firstContact: true))
        // 10: payroll from the week before, resolved today by pat: SLA missed.
        s.open(10, F.london(2026, 11, 16, 9), by: "amy", caller: "Old", category: "payroll.tax")
        s.apply(10, F.london(2026, 11, 16, 9, 5), "amy", .routed(queue: QueueID.payroll, details: [:], note: nil))
        s.apply(10, F.london(2026, 11, 24, 10), "pat", .resolved(note: nil, firstContact: false))
        // Today, customer services:
        // 4: amy, FCR, 4 min; disqualified by 6 (same caller, same category, after 4's resolution).
        s.open(4, F.london(2026, 11, 24, 9, 30), by: "amy", caller: "Zoë Łukasik", durationSeconds: 240)
        s.apply(4, F.london(2026, 11, 24, 9, 30), "amy", .resolved(note: nil, firstContact: true))
        // 5: amy, kept open, unassigned, 6 min.
        s.open(5, F.london(2026, 11, 24, 10), by: "amy", caller: "Open Caller", durationSeconds: 360)
        // 6: ben, FCR, the same caller as 4 written differently; no timer.
        s.open(6, F.london(2026, 11, 24, 10, 15), by: "ben", caller: "zoe  lukasik")
        s.apply(6, F.london(2026, 11, 24, 10, 15), "ben", .resolved(note: nil, firstContact: true))
        // 7: ben, FCR in 2 min, then a repeat contact of 1 min: disqualified.
        s.open(7, F.london(2026, 11, 24, 10, 30), by: "ben", caller: "Seven", durationSeconds: 120)
        s.apply(7, F.london(2026, 11, 24, 10, 30), "ben", .resolved(note: nil, firstContact: true))
        s.apply(7, F.london(2026, 11, 24, 10, 45), "ben", .contactLogged(ContactRecord(channel: .phone, summary: "again", received: F.london(2026, 11, 24, 10, 45), durationMillis: 60_000)))
        return s
    }

    func snapshot(_ s: EventScript, fixture: BoardFixture, now: Instant = BoardSnapshotTests.now) -> BoardSnapshot {
        let engine = MetricsEngine(store: s.store, configuration: fixture.desk.config, calendar: fixture.desk.calendar)
        return BoardSnapshot.compute(tickets: s.store.tickets, eventCount: s.store.eventCount, inputs: fixture.desk.boardInputs,
                                     figures: engine, now: now)
    }

    @Test func queueCounts() throws {
        let f = try BoardFixture(now: Self.now)
        let b = snapshot(Self.week(), fixture: f)
        let payroll = try #require(b.queue(QueueID.payroll))
        #expect(payroll.open == 4)
        #expect(payroll.unassigned == 3)
        #expect(payroll.pending == 1)
        #expect(payroll.newToday == 0)
        #expect(payroll.resolvedToday == 1)
        #expect(payroll.atRisk == 1)
        #expect(payroll.breached == 1)
        #expect(payroll.oldestRef == TicketRef(2))
        #expect(payroll.oldestWorkingHours == 34)
        let cs = try #require(b.queue(QueueID.customerServices))
        #expect(cs.open == 1)
        #expect(cs.unassigned == 1)
        #expect(cs.newToday == 4)
        #expect(cs.resolvedToday == 3)
        #expect(cs.oldestWorkingHours == 1)
        #expect(cs.atRisk == 0 && cs.breached == 0)
        #expect(b.queue(QueueID.exchequer)?.open == 0)
        #expect(b.queue(QueueID.exchequer)?.oldestWorkingHours == nil)
        #expect(b.totalOpen == 5)
    }

    @Test func oldestAgeCountsWorkingHoursAcrossTheWeekend() throws {
        let f = try BoardFixture(now: Self.now)
        var s = EventScript()
        // Friday 15:00 to Tuesday 11:00 is 92 hours on the wall clock.
        s.open(1, F.london(2026, 11, 20, 15), by: "amy")
        let b = snapshot(s, fixture: f)
        #expect(b.queue(QueueID.customerServices)?.oldestWorkingMillis == Int64(12 * 3_600_000))
        // Over the 8h customer-services target: breached, though only 1.5 working days old.
        #expect(b.queue(QueueID.customerServices)?.breached == 1)
        // Saturday morning the age has not moved since Friday 17:00.
        let sat = snapshot(s, fixture: f, now: F.london(2026, 11, 21, 10))
        #expect(sat.queue(QueueID.customerServices)?.oldestWorkingMillis == Int64(2 * 3_600_000))
    }

    @Test func agentFigures() throws {
        let f = try BoardFixture(now: Self.now)
        let b = snapshot(Self.week(), fixture: f)
        let amy = try #require(b.agent("amy"))
        #expect(amy.held == 0)
        #expect(amy.contactsToday == 2)
        #expect(amy.resolutionsToday == 1)
        #expect(amy.averageHandleMillis == 300_000)
        let ben = try #require(b.agent("ben"))
        #expect(ben.contactsToday == 3)
        #expect(ben.resolutionsToday == 2)
        // Two timed contacts (2 min, 1 min); the untimed one is left out.
        #expect(ben.averageHandleMillis == 90_000)
        let pat = try #require(b.agent("pat"))
        #expect(pat.held == 1)
        #expect(pat.resolutionsToday == 1)
        #expect(pat.averageHandleMillis == nil)
        // Everyone configured is listed, in login order, even when idle.
        #expect(b.agents.map(\.login) == ["amy", "ben", "lead", "pat", "sup"])
    }

    @Test func fcrAndSlaAttainment() throws {
        let f = try BoardFixture(now: Self.now)
        let b = snapshot(Self.week(), fixture: f)
        // Today: 4 opened; 4 lost to the same caller, 7 to its repeat contact; 6 counts.
        #expect(b.fcrToday.numerator == 1 && b.fcrToday.denominator == 4)
        #expect(b.fcrToday.provisional)
        #expect(b.fcrToday.rag == .red)
        #expect(b.fcrToday.percentText == "25.0%")
        // Week: 8, 9 (Monday) and today's 4 opened; 9 and 6 count.
        #expect(b.fcrWeek.numerator == 2 && b.fcrWeek.denominator == 6)
        // SLA: today 4, 6, 7 met and 10 missed; the week adds Monday's 9.
        #expect(b.slaToday.numerator == 3 && b.slaToday.denominator == 4)
        #expect(b.slaWeek.numerator == 4 && b.slaWeek.denominator == 5)
        #expect(!b.slaToday.provisional)
    }

    @Test func fcrIsNoLongerProvisionalOnceTheWindowCloses() throws {
        let f = try BoardFixture(now: Self.now)
        var s = EventScript()
        s.open(1, F.london(2026, 11, 23, 10), by: "amy")
        s.apply(1, F.london(2026, 11, 23, 10), "amy", .resolved(note: nil, firstContact: true))
        // Window: 24 working hours from Monday 10:00 ends Thursday 10:00.
        #expect(snapshot(s, fixture: f, now: F.london(2026, 11, 26, 9)).fcrWeek.provisional)
        let fri = snapshot(s, fixture: f, now: F.london(2026, 11, 27, 9))
        #expect(!fri.fcrWeek.provisional)
        #expect(fri.fcrWeek.numerator == 1 && fri.fcrWeek.denominator == 1)
        #expect(fri.fcrWeek.rag == .green)
    }

    @Test func ragBandsAndZeroDenominator() {
        func a(_ n: Int, _ d: Int) -> Attainment { Attainment(numerator: n, denominator: d, target: 90, amberMargin: 5) }
        #expect(a(9, 10).rag == .green)       // exactly on target
        #expect(a(85, 100).rag == .amber)     // target − margin is still amber
        #expect(a(849, 1000).rag == .red)
        #expect(a(0, 0).rag == .notApplicable)
        #expect(a(0, 0).percentText == "n/a")
        #expect(a(2, 3).percentText == "66.7%")
    }

    @Test func teamFilterKeepsTheTeamsQueuesAndPeople() throws {
        let f = try BoardFixture(now: Self.now)
        let b = snapshot(Self.week(), fixture: f).filtered(toQueues: [QueueID.payroll])
        #expect(b.queues.map(\.id) == [QueueID.payroll])
        #expect(b.agents.map(\.login) == ["lead", "pat"])
        #expect(b.totalOpen == 4)
    }

    @Test func changesShowDirectionThenExpire() throws {
        let f = try BoardFixture(now: Self.now)
        var s = Self.week()
        let before = snapshot(s, fixture: f)
        s.apply(5, Self.now, "lead", .assigned(to: "amy"))
        s.open(11, Self.now, by: "ben", caller: "New")
        let after = snapshot(s, fixture: f)
        var changes = BoardChanges(holdMillis: 5_000)
        changes.record(from: nil, to: before, at: Self.now)
        #expect(changes.isEmpty)  // a board that just opened saw nothing change
        changes.record(from: before, to: after, at: Self.now)
        let cs = QueueID.customerServices
        #expect(changes.change(.queue(cs, .unassigned), now: Self.now) == nil)  // 5 assigned, 11 new: still 1
        #expect(changes.change(.queue(cs, .open), now: Self.now) == .up)
        #expect(changes.change(.queue(cs, .newToday), now: Self.now) == .up)
        #expect(changes.change(.agent("amy", .held), now: Self.now) == .up)
        #expect(changes.change(.agent("ben", .contactsToday), now: Self.now) == .up)
        // FCR today falls from 1/4 to 1/5.
        #expect(changes.change(.metric(.fcrToday), now: Self.now) == .down)
        #expect(changes.change(.queue(QueueID.payroll, .open), now: Self.now) == nil)
        let later = Self.now.adding(millis: 5_000)
        #expect(changes.change(.queue(cs, .open), now: later) == nil)
        let expired = changes.expire(now: later)
        #expect(expired)
        #expect(changes.isEmpty)
        let again = changes.expire(now: later)
        #expect(!again)
    }
}
