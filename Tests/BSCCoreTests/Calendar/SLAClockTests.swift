import Testing
@testable import BSCCore

private typealias F = CalendarFixtures

@Suite struct SLAClockTests {
    static let hour: Int64 = 3_600_000
    let monday = F.london("2026-11-23", 9)

    func clock(_ target: SLATarget = .workingDays(1), pauses: [Range<Instant>] = [], pausedSince: Instant? = nil,
               resolvedAt: Instant? = nil) -> SLAClock {
        SLAClock(startedAt: monday, target: target, pauses: pauses, pausedSince: pausedSince, resolvedAt: resolvedAt)
    }

    @Test func targets() {
        let cal = WorkingCalendar.standard
        #expect(SLATarget.workingDays(3).millis(in: cal) == 24 * Self.hour)
        #expect(SLATarget.workingHours(36).millis(in: cal) == 36 * Self.hour)
        #expect(SLATarget.workingMinutes(90).millis(in: cal) == 90 * 60_000)
        let short = WorkingCalendar(hours: WorkingHours(opensHour: 9, opensMinute: 30, closesHour: 16))
        #expect(SLATarget.workingDays(2).millis(in: short) == 13 * Self.hour)
        #expect(SLATarget.workingDays(3).description == "3 working days")
        #expect(SLATarget.workingHours(1).description == "1 working hour")
    }

    @Test func thresholdsOnAOneDayTarget() {
        let c = clock()
        let onTrack = c.status(now: F.london("2026-11-23", 15).adding(millis: -1))
        #expect(onTrack.state == .onTrack)
        #expect(onTrack.due == F.london("2026-11-23", 17))
        // 6h of 8h is exactly 75%: at risk.
        let atRisk = c.status(now: F.london("2026-11-23", 15))
        #expect(atRisk.state == .atRisk)
        #expect(atRisk.elapsedWorkingMillis == 6 * Self.hour)
        #expect(atRisk.remainingWorkingMillis == 2 * Self.hour)
        // At the due instant the target is used up but not exceeded: not yet breached.
        #expect(c.status(now: F.london("2026-11-23", 17)).state == .atRisk)
        // Overnight no working time passes, so still not breached at next opening.
        #expect(c.status(now: F.london("2026-11-24", 9)).state == .atRisk)
        let breached = c.status(now: F.london("2026-11-24", 9).adding(millis: 1))
        #expect(breached.state == .breached)
        #expect(breached.remainingWorkingMillis == -1)
    }

    @Test func customAtRiskShare() {
        let c = SLAClock(startedAt: monday, target: .workingHours(10), atRiskShare: 0.5)
        #expect(c.status(now: F.london("2026-11-23", 13, 59)).state == .onTrack)
        #expect(c.status(now: F.london("2026-11-23", 14)).state == .atRisk)
    }

    @Test func resolvedMetOrMissed() {
        let due = F.london("2026-11-23", 17)
        #expect(clock(resolvedAt: due).status(now: F.london("2026-12-01", 9)).state == .met)
        #expect(clock(resolvedAt: F.london("2026-11-24", 9)).status(now: F.london("2026-12-01", 9)).state == .met)
        let late = clock(resolvedAt: F.london("2026-11-24", 9, 1)).status(now: F.london("2026-12-01", 9))
        #expect(late.state == .missed)
        #expect(late.elapsedWorkingMillis == 8 * Self.hour + 60_000)
        let early = clock(resolvedAt: F.london("2026-11-23", 10)).status(now: F.london("2026-12-01", 9))
        #expect(early.state == .met)
        #expect(early.elapsedWorkingMillis == Self.hour)  // the clock stops at resolution, not at now
    }

    @Test func weekendsAndHolidays() {
        // Opened Thu 24 Dec 2026 16:00 with 1 day; Fri 25 and Mon 28 are bank holidays.
        let c = SLAClock(startedAt: F.london("2026-12-24", 16), target: .workingDays(1))
        let s = c.status(now: F.london("2026-12-28", 16))
        #expect(s.due == F.london("2026-12-29", 16))
        #expect(s.elapsedWorkingMillis == Self.hour)
        #expect(s.state == .onTrack)
        #expect(c.status(now: F.london("2026-12-29", 16, 1)).state == .breached)
        // The required example through the SLA clock.
        let easter = SLAClock(startedAt: F.london("2027-03-25", 15), target: .workingDays(1))
        #expect(easter.status(now: F.london("2027-03-29", 12)).due == F.utc("2027-03-30T14:00"))
        #expect(easter.status(now: F.london("2027-03-29", 12)).state == .onTrack)
    }

    @Test func pausesStopTheClock() {
        // Awaiting the customer Mon 11:00 → Tue 11:00.
        let pause = [F.london("2026-11-23", 11)..<F.london("2026-11-24", 11)]
        let c = clock(pauses: pause)
        let s = c.status(now: F.london("2026-11-24", 12))
        #expect(s.elapsedWorkingMillis == 3 * Self.hour)
        #expect(s.due == F.london("2026-11-24", 17))
        #expect(s.state == .onTrack)
        // Still open pause: state paused, due unknown, elapsed frozen at the pause start.
        let open = clock(pausedSince: F.london("2026-11-23", 15))
        let p = open.status(now: F.london("2026-11-30", 9))
        #expect(p.state == .paused)
        #expect(p.due == nil)
        #expect(p.elapsedWorkingMillis == 6 * Self.hour)
        // A breach is not hidden by pausing afterwards.
        let late = clock(pausedSince: F.london("2026-11-24", 10))
        let b = late.status(now: F.london("2026-11-30", 9))
        #expect(b.state == .breached)
        #expect(b.due == F.london("2026-11-23", 17))
        // Resolved while paused: the pause ends at resolution.
        let resolved = clock(pausedSince: F.london("2026-11-23", 15), resolvedAt: F.london("2026-11-25", 9))
        let r = resolved.status(now: F.london("2026-11-30", 9))
        #expect(r.state == .met)
        #expect(r.elapsedWorkingMillis == 6 * Self.hour)
    }

    @Test func acrossTheClockChanges() {
        // Opened Fri 23 Oct 2026 13:00 BST; clocks go back Sun 25 Oct; due Mon 13:00 GMT.
        let autumn = SLAClock(startedAt: F.london("2026-10-23", 13), target: .workingDays(1))
        let a = autumn.status(now: F.london("2026-10-26", 12))
        #expect(a.due == F.utc("2026-10-26T13:00"))
        #expect(a.elapsedWorkingMillis == 7 * Self.hour)
        #expect(a.state == .atRisk)
        // Opened Fri 27 Mar 2026 13:00 GMT; clocks go forward Sun 29 Mar; due Mon 13:00 BST.
        let spring = SLAClock(startedAt: F.london("2026-03-27", 13), target: .workingDays(1))
        let s = spring.status(now: F.london("2026-03-30", 10))
        #expect(s.due == F.utc("2026-03-30T12:00"))
        #expect(s.elapsedWorkingMillis == 5 * Self.hour)
        #expect(s.state == .onTrack)
    }

    @Test func statesReadWithoutColour() {
        let all = SLAState.allCases
        #expect(all.map(\.label) == ["on track", "at risk", "BREACHED", "paused", "met", "missed"])
        #expect(Set(all.map(\.label)).count == all.count)
        #expect(all.allSatisfy { !$0.symbol.isEmpty && !$0.asciiSymbol.isEmpty })
        // The live states must be told apart by symbol alone.
        let live: [SLAState] = [.onTrack, .atRisk, .breached, .paused]
        #expect(Set(live.map(\.symbol)).count == 4)
        #expect(Set(live.map(\.asciiSymbol)).count == 4)
        #expect(SLAState.met.symbol != SLAState.missed.symbol)
    }
}
