import Testing
@testable import BSCCore

private typealias F = CalendarFixtures

@Suite struct ZoneRulesTests {
    let london = ZoneRules.london

    @Test func offsetsInWinterAndSummer() {
        #expect(london.identifier == "Europe/London")
        #expect(london.offsetSeconds(at: F.utc("2026-01-15T12:00")) == 0)
        #expect(london.offsetSeconds(at: F.utc("2026-07-15T12:00")) == 3600)
    }

    @Test func springForwardAndFallBackInstants() {
        // 2027: BST starts Sun 28 Mar 01:00Z, ends Sun 31 Oct 01:00Z.
        let start = F.utc("2027-03-28T01:00")
        #expect(london.offsetSeconds(at: start.adding(millis: -1)) == 0)
        #expect(london.offsetSeconds(at: start) == 3600)
        let end = F.utc("2027-10-31T01:00")
        #expect(london.offsetSeconds(at: end.adding(millis: -1)) == 3600)
        #expect(london.offsetSeconds(at: end) == 0)
        #expect(london.localDateTime(start.adding(millis: -1)).description == "2027-03-28 00:59")
        #expect(london.localDateTime(start).description == "2027-03-28 02:00")
        #expect(london.localDateTime(end.adding(millis: -1)).description == "2027-10-31 01:59")
        #expect(london.localDateTime(end).description == "2027-10-31 01:00")
    }

    @Test func systemDataAgreesWithTheUKRuleFrom1996To2100() throws {
        let system = try #require(ZoneRules(identifier: "Europe/London"))
        let rule = ZoneRules.ukSummerTimeRule(years: 1996...2100)
        let lo = F.utc("1996-01-01T00:00").millis
        let hi = F.utc("2101-01-01T00:00").millis
        let fromSystem = system.transitions.filter { $0 >= lo && $0 < hi }
        #expect(fromSystem.count == 210)
        #expect(fromSystem == rule.transitions)
        for t in rule.transitions {
            #expect(system.offsetMillis(at: t) == rule.offsetMillis(at: t))
            #expect(system.offsetMillis(at: t - 1) == rule.offsetMillis(at: t - 1))
        }
    }

    @Test func historicalBritishStandardTime() {
        // 1968–71 the UK stayed on UTC+1 all winter: a check that history comes from the data.
        #expect(london.offsetSeconds(at: F.utc("1970-01-15T12:00")) == 3600)
        #expect(london.offsetSeconds(at: F.utc("1972-01-15T12:00")) == 0)
    }

    @Test func springGapIsNonexistent() {
        let day = F.date("2027-03-28")
        #expect(london.resolve(CivilDateTime(date: day, hour: 1, minute: 30)) == .nonexistent)
        #expect(london.resolve(CivilDateTime(date: day, hour: 1)) == .nonexistent)
        #expect(london.resolve(CivilDateTime(date: day, hour: 0, minute: 59)) == .unique(F.utc("2027-03-28T00:59")))
        #expect(london.resolve(CivilDateTime(date: day, hour: 2)) == .unique(F.utc("2027-03-28T01:00")))
        // The first instant at or after a skipped time is the jump itself.
        #expect(london.firstInstant(atOrAfter: CivilDateTime(date: day, hour: 1, minute: 30)) == F.utc("2027-03-28T01:00"))
    }

    @Test func autumnFoldIsAmbiguous() {
        let day = F.date("2026-10-25")
        #expect(london.resolve(CivilDateTime(date: day, hour: 1, minute: 30))
            == .ambiguous(earlier: F.utc("2026-10-25T00:30"), later: F.utc("2026-10-25T01:30")))
        #expect(london.resolve(CivilDateTime(date: day, hour: 0, minute: 59)) == .unique(F.utc("2026-10-24T23:59")))
        #expect(london.resolve(CivilDateTime(date: day, hour: 2)) == .unique(F.utc("2026-10-25T02:00")))
        #expect(london.firstInstant(atOrAfter: CivilDateTime(date: day, hour: 1, minute: 30)) == F.utc("2026-10-25T00:30"))
    }

    @Test func localRoundTripOverAHundredYears() {
        var t = F.utc("1990-01-01T00:00").millis
        let end = F.utc("2090-01-01T00:00").millis
        while t < end {
            let instant = Instant(millis: t)
            let local = london.localDateTime(instant)
            switch london.resolve(local) {
            case .unique(let i): #expect(i == instant)
            case .ambiguous(let a, let b): #expect(a == instant || b == instant)
            case .nonexistent: Issue.record("local time of a real instant cannot be skipped: \(instant)")
            }
            #expect(london.localDate(instant) == local.date)
            t += 7 * 3_600_000 + 1_234_567  // wanders through every time of day
        }
    }

    @Test func startOfDayIsLocalMidnight() {
        #expect(london.startOfDay(F.date("2027-03-28")) == F.utc("2027-03-28T00:00"))
        #expect(london.startOfDay(F.date("2027-03-29")) == F.utc("2027-03-28T23:00"))
        #expect(london.startOfDay(F.date("2026-10-25")) == F.utc("2026-10-24T23:00"))
        #expect(london.startOfDay(F.date("2026-10-26")) == F.utc("2026-10-26T00:00"))
    }

    @Test func otherZonesAndUnknownOnes() throws {
        #expect(ZoneRules(identifier: "Nowhere/Atlantis") == nil)
        #expect(ZoneRules(identifier: "") == nil)
        let ny = try #require(ZoneRules(identifier: "America/New_York"))
        #expect(ny.offsetSeconds(at: F.utc("2026-01-15T12:00")) == -18_000)
        #expect(ny.offsetSeconds(at: F.utc("2026-07-15T12:00")) == -14_400)
        // São Paulo skipped midnight on 4 Nov 2018: the day began at 01:00 local (03:00Z).
        let sp = try #require(ZoneRules(identifier: "America/Sao_Paulo"))
        #expect(sp.resolve(CivilDateTime(date: F.date("2018-11-04"))) == .nonexistent)
        #expect(sp.startOfDay(F.date("2018-11-04")) == F.utc("2018-11-04T03:00"))
        #expect(ZoneRules.utc.localDateTime(F.utc("2026-07-01T10:00")).hour == 10)
    }
}
