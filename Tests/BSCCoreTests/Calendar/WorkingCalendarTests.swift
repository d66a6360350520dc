import BSCTestSupport
import Testing
@testable import BSCCore

private typealias F = CalendarFixtures

@Suite struct WorkingCalendarTests {
    let cal = WorkingCalendar.standard
    static let hour: Int64 = 3_600_000

    /// Working time counted 15 minutes at a time: slow, obviously right.
    func bruteForce(_ a: Instant, _ b: Instant) -> Int64 {
        let step: Int64 = 15 * 60_000
        var t = a.millis
        var total: Int64 = 0
        while t < b.millis {
            let local = cal.zone.localDateTime(Instant(millis: t))
            if cal.isWorkingDay(local.date) && local.millisOfDay >= 9 * Self.hour && local.millisOfDay < 17 * Self.hour {
                total += step
            }
            t += step
        }
        return total
    }

    @Test func workingDays() {
        #expect(cal.workingDayMillis == 28_800_000)
        #expect(cal.isWorkingDay(F.date("2026-11-24")))  // Tuesday
        #expect(!cal.isWorkingDay(F.date("2026-11-28")))  // Saturday
        #expect(!cal.isWorkingDay(F.date("2026-11-29")))  // Sunday
        #expect(!cal.isWorkingDay(F.date("2027-03-26")))  // Good Friday
        #expect(!cal.isWorkingDay(F.date("2022-06-03")))  // Platinum Jubilee (configured one-off)
        #expect(cal.isWorkingDay(F.date("2022-05-30")))  // moved Spring holiday: worked
        #expect(cal.workingDays(from: F.date("2027-03-22"), to: F.date("2027-04-05")) == 8)
        #expect(cal.nextWorkingDay(after: F.date("2027-03-25")) == F.date("2027-03-30"))
        #expect(cal.nextWorkingDay(after: F.date("2026-12-24")) == F.date("2026-12-29"))
    }

    @Test func closuresAndOtherWeekdays() {
        let custom = WorkingCalendar(workingWeekdays: [1, 2, 3, 4, 5, 6], extraClosures: [F.date("2026-11-25")])
        #expect(!custom.isWorkingDay(F.date("2026-11-25")))
        #expect(custom.isWorkingDay(F.date("2026-11-28")))  // Saturday opening
        #expect(!custom.isWorkingDay(F.date("2026-11-29")))
        #expect(custom.holidays(in: 2026).contains { $0.date == F.date("2026-11-25") })
    }

    @Test func untabulatedYearsAgreeWithTheTable() {
        // A calendar that tabulates only 2026 answers 2024–2028 on its slow path.
        let narrow = WorkingCalendar(tabulatedYears: 2026...2026)
        var day = F.date("2024-01-01")
        while day < F.date("2029-01-01") {
            #expect(narrow.isWorkingDay(day) == cal.isWorkingDay(day), "\(day)")
            day = day.adding(days: 1)
        }
        let a = F.london("2025-12-20", 10), b = F.london("2027-01-10", 12)
        #expect(narrow.workingMillis(from: a, to: b) == cal.workingMillis(from: a, to: b))
        #expect(narrow.addingWorkingMillis(400 * Self.hour, to: a) == cal.addingWorkingMillis(400 * Self.hour, to: a))
        // Beyond the table: Good Friday 2150 closed, the Thursday before open.
        let goodFriday = BankHolidays.easterSunday(year: 2150).adding(days: -2)
        #expect(!cal.isWorkingDay(goodFriday))
        #expect(cal.isWorkingDay(goodFriday.adding(days: -1)))
    }

    @Test func workingMillisSimpleCases() {
        let h = Self.hour
        #expect(cal.workingMillis(from: F.london("2026-11-24", 10), to: F.london("2026-11-24", 12)) == 2 * h)
        #expect(cal.workingMillis(from: F.london("2026-11-24", 7), to: F.london("2026-11-24", 20)) == 8 * h)
        #expect(cal.workingMillis(from: F.london("2026-11-24", 17), to: F.london("2026-11-25", 9)) == 0)
        #expect(cal.workingMillis(from: F.london("2026-11-27", 16), to: F.london("2026-11-30", 10)) == 2 * h)
        #expect(cal.workingMillis(from: F.london("2026-11-28", 10), to: F.london("2026-11-29", 16)) == 0)
        #expect(cal.workingMillis(from: F.london("2026-11-24", 12), to: F.london("2026-11-24", 10)) == 0)
        // Across Easter 2027: Thu 15:00 to Tue 15:00 is one working day.
        #expect(cal.workingMillis(from: F.london("2027-03-25", 15), to: F.london("2027-03-30", 15)) == 8 * h)
        // Across the autumn change (Sun 25 Oct 2026): Fri 09:00 BST to Mon 17:00 GMT.
        #expect(cal.workingMillis(from: F.london("2026-10-23", 9), to: F.london("2026-10-26", 17)) == 16 * h)
        // A whole year: 2026 has 261 weekdays, 8 of them bank holidays.
        #expect(cal.workingMillis(from: F.london("2026-01-01", 0), to: F.london("2027-01-01", 0)) == 253 * 8 * h)
    }

    @Test func workingMillisMatchesBruteForce() {
        var rng = SplitMix(seed: 42)
        let base = F.utc("2026-03-20T00:00").millis  // spans both clock changes of 2026 and Easter 2027
        let quarter: Int64 = 15 * 60_000
        for _ in 0..<300 {
            let a = base + Int64(rng.next(below: 400 * 96)) * quarter
            let b = a + Int64(rng.next(below: 12 * 96)) * quarter
            let from = Instant(millis: a), to = Instant(millis: b)
            #expect(cal.workingMillis(from: from, to: to) == bruteForce(from, to), "\(from) → \(to)")
        }
    }

    @Test func pausesAreTakenOut() {
        let h = Self.hour
        let from = F.london("2026-11-23", 9), to = F.london("2026-11-27", 17)  // Mon–Fri: 40h
        #expect(cal.workingMillis(from: from, to: to, excluding: []) == 40 * h)
        let pauses = [
            F.london("2026-11-20", 12)..<F.london("2026-11-23", 11),  // starts before the range: 2h inside
            F.london("2026-11-24", 16)..<F.london("2026-11-25", 10),  // 2h
            F.london("2026-11-27", 16)..<F.london("2026-12-01", 9),  // ends after the range: 1h inside
        ]
        #expect(cal.workingMillis(from: from, to: to, excluding: pauses) == 35 * h)
        // Unsorted and overlapping pauses are normalised first.
        let messy = [pauses[2], pauses[1], F.london("2026-11-24", 15)..<F.london("2026-11-24", 17), pauses[0]]
        #expect(cal.workingMillis(from: from, to: to, excluding: messy) == 34 * h)
    }

    @Test func requiredEasterExample() {
        // Opened Thu 25 Mar 2027 15:00 (GMT) with one working day: Good Friday and
        // Easter Monday are closed, so due Tue 30 Mar 15:00 BST = 14:00Z.
        let opened = F.london("2027-03-25", 15)
        #expect(opened == F.utc("2027-03-25T15:00"))
        let due = cal.addingWorkingMillis(cal.workingDayMillis, to: opened)
        #expect(due == F.utc("2027-03-30T14:00"))
        #expect(cal.zone.localDateTime(due).description == "2027-03-30 15:00")
    }

    @Test func addingWorkingMillisEdges() {
        let h = Self.hour
        // Exactly used up at closing: stays at closing, not next opening.
        #expect(cal.addingWorkingMillis(8 * h, to: F.london("2026-11-26", 9)) == F.london("2026-11-26", 17))
        #expect(cal.addingWorkingMillis(16 * h, to: F.london("2026-11-26", 9)) == F.london("2026-11-27", 17))
        #expect(cal.addingWorkingMillis(8 * h + 1, to: F.london("2026-11-26", 9)) == F.london("2026-11-27", 9).adding(millis: 1))
        // Outside hours the clock starts at the next opening.
        #expect(cal.addingWorkingMillis(1 * h, to: F.london("2026-11-26", 7)) == F.london("2026-11-26", 10))
        #expect(cal.addingWorkingMillis(1 * h, to: F.london("2026-11-27", 18)) == F.london("2026-11-30", 10))
        #expect(cal.addingWorkingMillis(1 * h, to: F.london("2026-11-28", 12)) == F.london("2026-11-30", 10))
        // Christmas 2026: Fri 25 and Mon 28 closed.
        #expect(cal.addingWorkingMillis(3 * 8 * h, to: F.london("2026-12-24", 12)) == F.london("2026-12-31", 12))
        // Zero and negative: unchanged.
        #expect(cal.addingWorkingMillis(0, to: F.london("2026-11-28", 12)) == F.london("2026-11-28", 12))
        #expect(cal.addingWorkingMillis(-5, to: F.london("2026-11-26", 12)) == F.london("2026-11-26", 12))
        // Spring change: Fri 27 Mar 2026 16:00 GMT + 2h → Mon 30 Mar 10:00 BST.
        #expect(cal.addingWorkingMillis(2 * h, to: F.london("2026-03-27", 16)) == F.utc("2026-03-30T09:00"))
    }

    @Test func addingIsTheInverseOfMeasuring() {
        var rng = SplitMix(seed: 7)
        let base = F.utc("2026-01-01T00:00").millis
        for _ in 0..<500 {
            let start = Instant(millis: base + Int64(rng.next(below: 730 * 24 * 60)) * 60_000)
            let ms = Int64(rng.next(below: 30 * 8 * 60) + 1) * 60_000
            let due = cal.addingWorkingMillis(ms, to: start)
            #expect(cal.workingMillis(from: start, to: due) == ms, "\(start) + \(ms)")
            // Earliest such instant: one millisecond earlier is not enough.
            #expect(cal.workingMillis(from: start, to: due.adding(millis: -1)) == ms - 1, "\(start) + \(ms)")
        }
    }

    @Test func addingWithPauses() throws {
        let h = Self.hour
        let start = F.london("2026-11-23", 9)  // Monday
        // Paused Mon 13:00 → Tue 13:00: 4 working hours lost.
        let pause = [F.london("2026-11-23", 13)..<F.london("2026-11-24", 13)]
        #expect(cal.addingWorkingMillis(8 * h, to: start, pauses: pause) == F.london("2026-11-24", 17))
        // Target reached before the pause starts: the pause is irrelevant.
        #expect(cal.addingWorkingMillis(3 * h, to: start, pauses: pause) == F.london("2026-11-23", 12))
        #expect(cal.addingWorkingMillis(4 * h, to: start, pauses: pause) == F.london("2026-11-23", 13))
        // Open pause: unknown, unless the target was used up before it began.
        #expect(cal.addingWorkingMillis(8 * h, to: start, pauses: [], pausedSince: F.london("2026-11-23", 13)) == nil)
        #expect(cal.addingWorkingMillis(2 * h, to: start, pauses: [], pausedSince: F.london("2026-11-23", 13))
            == F.london("2026-11-23", 11))
        // Pause covering the start: the clock starts when it ends.
        let early = [F.london("2026-11-20", 9)..<F.london("2026-11-23", 15)]
        #expect(cal.addingWorkingMillis(4 * h, to: start, pauses: early) == F.london("2026-11-24", 11))
    }
}
