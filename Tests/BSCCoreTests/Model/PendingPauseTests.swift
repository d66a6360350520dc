import Testing
@testable import BSCCore

private typealias S = MetricsScenario

/// Issue 12: routing a pending ticket did not end its pause, and a later
/// `pending` overwrote when the pause began.
@Suite("Pending: the pause ends when the ticket leaves pending")
struct PendingPauseTests {
    static let monday = "2026-11-09"

    /// log Mon 09:00, pending 10:00, route 11:00: paused 10:00–11:00.
    fileprivate func routedWhilePending() -> S {
        var s = S()
        s.open(1, at: S.london(Self.monday, 9), category: "payroll.payslip", fcr: false)
        s.apply(1, S.london(Self.monday, 10), "agent1", .pending(reason: .customer))
        s.apply(1, S.london(Self.monday, 11), "agent1", .routed(queue: "payroll", details: [:], note: nil))
        return s
    }

    @Test func routeWhilePendingEndsThePause() throws {
        var s = routedWhilePending()
        let open = try #require(s.store[TicketRef(1)])
        #expect(open.status == .routed)
        #expect(open.pendingSince == nil)
        #expect(open.pauses.map { [$0.start, $0.end] } == [[S.london(Self.monday, 10), S.london(Self.monday, 11)]])

        // Resolved 15:00: 1 h before the pause and 4 h after it.
        s.apply(1, S.london(Self.monday, 15), "agent2", .resolved(note: nil, firstContact: false))
        let t = try #require(s.store[TicketRef(1)])
        let policy = SLAPolicy(taxonomy: S.taxonomy)
        #expect(policy.resolutionStatus(t, now: later, calendar: .standard)?.elapsedWorkingMillis == 18_000_000)
        let m = s.metrics("2026-11", asAt: later)
        #expect(m[.timeToResolve].numerator == 18_000_000 && m[.timeToResolve].denominator == 1)
    }

    /// Without the resolve the clock runs again from 11:00: payroll's
    /// 24 working hours are used up on Thursday at 10:00, and the ticket
    /// breaches then (it used to show "paused" for ever).
    @Test func routedWhilePendingBreachesWhenItShould() throws {
        let s = routedWhilePending()
        let t = try #require(s.store[TicketRef(1)])
        let policy = SLAPolicy(taxonomy: S.taxonomy)
        let tuesday = try #require(policy.resolutionStatus(t, now: S.london("2026-11-10", 12), calendar: .standard))
        #expect(tuesday.state == .onTrack)
        #expect(tuesday.elapsedWorkingMillis == 36_000_000)
        #expect(policy.resolutionStatus(t, now: S.london("2026-11-12", 10), calendar: .standard)?.state == .atRisk)
        let thursday = try #require(policy.resolutionStatus(t, now: S.london("2026-11-12", 10, 30), calendar: .standard))
        #expect(thursday.state == .breached)
        #expect(thursday.due == S.london("2026-11-12", 10))
    }

    @Test func secondPendingKeepsTheFirstStartAndTheStatusToReturnTo() throws {
        var s = S()
        s.open(1, at: S.london(Self.monday, 9), fcr: false)
        s.apply(1, S.london(Self.monday, 10), "agent1", .pending(reason: .customer))
        s.apply(1, S.london(Self.monday, 12), "agent1", .pending(reason: .thirdParty))
        s.apply(1, S.london(Self.monday, 14), "agent1", .resumed)
        let t = try #require(s.store[TicketRef(1)])
        #expect(t.status == .open)
        #expect(t.pauses.map { [$0.start, $0.end] } == [[S.london(Self.monday, 10), S.london(Self.monday, 14)]])
    }

    @Test func eventsThatKeepTheTicketPendingKeepThePause() throws {
        var s = S()
        s.open(1, at: S.london(Self.monday, 9), fcr: false)
        s.apply(1, S.london(Self.monday, 10), "agent1", .pending(reason: .customer))
        s.apply(1, S.london(Self.monday, 11), "agent1", .noted(text: "chased"))
        s.apply(1, S.london(Self.monday, 12), "agent1", .assigned(to: "agent1"))
        let t = try #require(s.store[TicketRef(1)])
        #expect(t.status == .pending)
        #expect(t.pendingSince == S.london(Self.monday, 10))
        #expect(t.pauses.isEmpty)
    }
}
