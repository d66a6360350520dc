import Testing
@testable import BSCCore

private typealias F = CalendarFixtures

@Suite struct ReportingPeriodTests {
    let london = ZoneRules.london

    func parse(_ text: String) throws -> ReportingPeriod { try ReportingPeriod.parse(text) }

    @Test func parsesEveryFormAndRoundTrips() throws {
        let cases: [(String, ReportingPeriod.Kind, String, String)] = [
            ("2026-11-24", .day, "2026-11-24", "2026-11-24"),
            ("2026-W48", .isoWeek, "2026-11-23", "2026-11-29"),
            ("2026-11", .month, "2026-11-01", "2026-11-30"),
            ("2024-02", .month, "2024-02-01", "2024-02-29"),
            ("2026/27-Q1", .quarter, "2026-04-01", "2026-06-30"),
            ("2026/27-Q2", .quarter, "2026-07-01", "2026-09-30"),
            ("2026/27-Q3", .quarter, "2026-10-01", "2026-12-31"),
            ("2026/27-Q4", .quarter, "2027-01-01", "2027-03-31"),
            ("2026/27", .financialYear, "2026-04-01", "2027-03-31"),
            ("1999/00", .financialYear, "1999-04-01", "2000-03-31"),
            ("2026-11-01/2026-11-15", .custom, "2026-11-01", "2026-11-15"),
        ]
        for (text, kind, first, last) in cases {
            let p = try parse(text)
            #expect(p.kind == kind, "\(text)")
            #expect(p.firstDay == F.date(first), "\(text)")
            #expect(p.lastDay == F.date(last), "\(text)")
            #expect(p.label == text)
            #expect(try parse(p.label) == p)
        }
        #expect(try parse(" 2026-w48 ") == parse("2026-W48"))
        #expect(try parse("2026/27-q3").label == "2026/27-Q3")
    }

    @Test func errorsNameTheProblem() {
        #expect(throws: PeriodError.unknown("2026-13")) { try ReportingPeriod.parse("2026-13") }
        #expect(PeriodError.unknown("2026-13").description
            == "unknown period \"2026-13\": use a day (2026-11-24), ISO week (2026-W48), month (2026-11), "
            + "quarter (2026/27-Q3), financial year (2026/27) or date range (2026-11-01/2026-11-30)")
        #expect(throws: PeriodError.financialYearMismatch("2026/28", expected: "2026/27")) {
            try ReportingPeriod.parse("2026/28")
        }
        #expect(throws: PeriodError.financialYearMismatch("2026/26-Q2", expected: "2026/27-Q2")) {
            try ReportingPeriod.parse("2026/26-Q2")
        }
        #expect(throws: PeriodError.noSuchWeek("2027-W53", weeksInYear: 52)) { try ReportingPeriod.parse("2027-W53") }
        #expect(throws: PeriodError.reversedRange("2026-11-30/2026-11-01")) {
            try ReportingPeriod.parse("2026-11-30/2026-11-01")
        }
        for bad in ["", "2026", "2026-02-30", "2026-W00", "2026/27-Q5", "2026/27-Q0", "26/27", "last month", "2026-1-5"] {
            #expect(throws: PeriodError.unknown(bad)) { try ReportingPeriod.parse(bad) }
        }
        #expect(PeriodError.noSuchWeek("2027-W53", weeksInYear: 52).description.contains("52 weeks"))
    }

    @Test func isoWeekEdgeYears() throws {
        func week(_ day: String) -> String { ReportingPeriod.isoWeek(containing: F.date(day)).label }
        #expect(week("2026-12-31") == "2026-W53")
        #expect(week("2027-01-01") == "2026-W53")
        #expect(week("2027-01-03") == "2026-W53")
        #expect(week("2027-01-04") == "2027-W01")
        #expect(week("2021-01-03") == "2020-W53")
        #expect(week("2019-12-30") == "2020-W01")
        #expect(week("2026-11-24") == "2026-W48")
        let w53 = try parse("2020-W53")
        #expect(w53.firstDay == F.date("2020-12-28"))
        #expect(w53.lastDay == F.date("2021-01-03"))
        #expect(w53.next.label == "2021-W01")
        #expect(try parse("2027-W01").previous.label == "2026-W53")
        #expect(ReportingPeriod.weeksInISOYear(2026) == 53)
        #expect(ReportingPeriod.weeksInISOYear(2027) == 52)
        #expect(ReportingPeriod.weeksInISOYear(2015) == 53)
    }

    @Test func containingDate() {
        let d = F.date("2027-02-14")
        #expect(ReportingPeriod.day(of: d).label == "2027-02-14")
        #expect(ReportingPeriod.month(containing: d).label == "2027-02")
        #expect(ReportingPeriod.quarter(containing: d).label == "2026/27-Q4")
        #expect(ReportingPeriod.financialYear(containing: d).label == "2026/27")
        #expect(ReportingPeriod.quarter(containing: F.date("2027-03-31")).label == "2026/27-Q4")
        #expect(ReportingPeriod.quarter(containing: F.date("2027-04-01")).label == "2027/28-Q1")
        #expect(ReportingPeriod.financialYear(containing: F.date("2027-03-31")).label == "2026/27")
        #expect(ReportingPeriod.financialYear(containing: F.date("2027-04-01")).label == "2027/28")
        #expect(ReportingPeriod.quarter(containing: F.date("2026-09-30")).label == "2026/27-Q2")
        #expect(ReportingPeriod.quarter(containing: F.date("2026-10-01")).label == "2026/27-Q3")
    }

    @Test func previousAndNext() throws {
        #expect(try parse("2026-12").next.label == "2027-01")
        #expect(try parse("2027-01").previous.label == "2026-12")
        #expect(try parse("2026/27-Q4").next.label == "2027/28-Q1")
        #expect(try parse("2026/27-Q1").previous.label == "2025/26-Q4")
        #expect(try parse("2026/27").next.label == "2027/28")
        #expect(try parse("2026-12-31").next.label == "2027-01-01")
        #expect(try parse("2026-11-01/2026-11-10").next.label == "2026-11-11/2026-11-20")
        #expect(try parse("2026-11-01/2026-11-10").previous.label == "2026-10-22/2026-10-31")
    }

    @Test func financialYearBoundaryInBST() throws {
        // 31 Mar 2027 23:59 BST is 22:59Z; 1 Apr 00:00 BST is 31 Mar 23:00Z.
        let fy2026 = try parse("2026/27").instantRange(in: london)
        let q1 = try parse("2027/28-Q1").instantRange(in: london)
        let lastMinute = F.london("2027-03-31", 23, 59)
        let firstMoment = F.london("2027-04-01", 0)
        #expect(lastMinute == F.utc("2027-03-31T22:59"))
        #expect(firstMoment == F.utc("2027-03-31T23:00"))
        #expect(fy2026.contains(lastMinute))
        #expect(!fy2026.contains(firstMoment))
        #expect(q1.contains(firstMoment))
        #expect(fy2026.upperBound == q1.lowerBound)
        #expect(fy2026.lowerBound == F.utc("2026-03-31T23:00"))
        #expect(try parse("2026/27").contains(firstMoment, in: london) == false)
        #expect(try parse("2027/28").contains(firstMoment, in: london))
    }

    @Test func daysAcrossTheClockChange() throws {
        let hour: Int64 = 3_600_000
        func length(_ text: String) throws -> Int64 {
            let r = try parse(text).instantRange(in: london)
            return r.upperBound.millis - r.lowerBound.millis
        }
        #expect(try length("2027-03-28") == 23 * hour)
        #expect(try length("2026-10-25") == 25 * hour)
        #expect(try length("2026-11-24") == 24 * hour)
        #expect(try length("2027-03") == (31 * 24 - 1) * hour)
        // A ticket at 00:30 local on the last Sunday of March (still GMT) is on that date.
        let ticket = F.utc("2027-03-28T00:30")
        #expect(london.localDate(ticket) == F.date("2027-03-28"))
        #expect(try parse("2027-03-28").instantRange(in: london).contains(ticket))
        #expect(try !parse("2027-03-27").instantRange(in: london).contains(ticket))
        // 23:30Z that evening is 00:30 BST on Monday.
        #expect(london.localDate(F.utc("2027-03-28T23:30")) == F.date("2027-03-29"))
    }

    @Test func seriesBuckets() throws {
        let months = SeriesGranularity.month.buckets(covering: try parse("2026/27"))
        #expect(months.map(\.label) == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
                                        "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"])
        let weeks = SeriesGranularity.week.buckets(covering: try parse("2026-11"))
        #expect(weeks.first?.label == "2026-W44")  // Mon 26 Oct, sticks out before 1 Nov (a Sunday)
        #expect(weeks.last?.label == "2026-W49")  // contains Mon 30 Nov
        #expect(weeks.count == 6)
        #expect(SeriesGranularity.quarter.buckets(covering: try parse("2026/27")).count == 4)
        #expect(SeriesGranularity.day.buckets(covering: try parse("2026-W48")).count == 7)
        let last3 = SeriesGranularity.month.lastN(3, endingWith: F.date("2027-01-15"))
        #expect(last3.map(\.label) == ["2026-11", "2026-12", "2027-01"])
        let lastWeeks = SeriesGranularity.week.lastN(2, endingWith: F.date("2027-01-06"))
        #expect(lastWeeks.map(\.label) == ["2026-W53", "2027-W01"])
        #expect(SeriesGranularity.week.lastN(0, endingWith: F.date("2027-01-06")).isEmpty)
    }
}
