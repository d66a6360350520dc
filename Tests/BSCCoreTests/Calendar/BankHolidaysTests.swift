import Testing
@testable import BSCCore

private typealias F = CalendarFixtures

@Suite struct BankHolidaysTests {
    /// England & Wales bank holidays as published on GOV.UK, written out by hand.
    static let published: [Int: [String]] = [
        2019: ["2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26",
               "2019-12-25", "2019-12-26"],
        2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
               "2020-12-25", "2020-12-28"],
        2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30",
               "2021-12-27", "2021-12-28"],
        2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
               "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"],
        2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
               "2023-08-28", "2023-12-25", "2023-12-26"],
        2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26",
               "2024-12-25", "2024-12-26"],
        2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
               "2025-12-25", "2025-12-26"],
        2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
               "2026-12-25", "2026-12-28"],
        2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
               "2027-12-27", "2027-12-28"],
    ]

    @Test(arguments: 2019...2027)
    func matchesThePublishedList(year: Int) throws {
        let expected = try #require(Self.published[year]).map(F.date)
        let computed = BankHolidays.englandAndWales(year: year, adjustments: .englandAndWalesOneOffs2019to2027)
        #expect(computed.map(\.date) == expected)
        for holiday in computed {
            #expect(holiday.date.isoWeekday <= 5, "\(holiday) falls at a weekend")
        }
    }

    @Test func eightRegularHolidaysEveryYear() {
        for year in 1980...2200 {
            let list = BankHolidays.englandAndWales(year: year)
            #expect(list.count == 8)
            #expect(Set(list.map(\.date)).count == 8)
            #expect(list.allSatisfy { $0.date.isoWeekday <= 5 && $0.date.year == year })
            #expect(list.map(\.date) == list.map(\.date).sorted())
        }
    }

    @Test func easterComputus() {
        let known = [
            2000: "2000-04-23", 2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21",
            2024: "2024-03-31", 2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22",
        ]
        for (year, day) in known {
            #expect(BankHolidays.easterSunday(year: year) == F.date(day), "Easter \(year)")
        }
    }

    @Test func substituteDayNames() {
        let y2021 = BankHolidays.englandAndWales(year: 2021)
        #expect(y2021.first { $0.date == F.date("2021-12-27") }?.name == "Christmas Day (substitute day)")
        #expect(y2021.first { $0.date == F.date("2021-12-28") }?.name == "Boxing Day (substitute day)")
        let y2022 = BankHolidays.englandAndWales(year: 2022)
        #expect(y2022.first { $0.date == F.date("2022-01-03") }?.name == "New Year's Day (substitute day)")
        #expect(y2022.first { $0.date == F.date("2022-12-26") }?.name == "Boxing Day")
        #expect(y2022.first { $0.date == F.date("2022-12-27") }?.name == "Christmas Day (substitute day)")
        let y2026 = BankHolidays.englandAndWales(year: 2026)
        #expect(y2026.first { $0.date == F.date("2026-12-28") }?.name == "Boxing Day (substitute day)")
    }

    @Test func ruleAloneIgnoresProclamations() {
        let dates = BankHolidays.englandAndWales(year: 2020).map(\.date)
        #expect(dates.contains(F.date("2020-05-04")))
        #expect(!dates.contains(F.date("2020-05-08")))
    }

    @Test func adjustmentsAddRemoveAndMerge() {
        let local = HolidayAdjustments(
            added: [F.date("2026-12-29"): "Council closure", F.date("2027-01-04"): "Other year"],
            removed: [F.date("2026-08-31")])
        let merged = HolidayAdjustments.englandAndWalesOneOffs2019to2027.merging(local)
        let list = BankHolidays.englandAndWales(year: 2026, adjustments: merged)
        #expect(list.map(\.date).contains(F.date("2026-12-29")))
        #expect(!list.map(\.date).contains(F.date("2026-08-31")))
        #expect(!list.map(\.date).contains(F.date("2027-01-04")))
        #expect(list.count == 8)
        #expect(merged.removed.contains(F.date("2020-05-04")))
        let renamed = HolidayAdjustments(added: [F.date("2026-12-25"): "Christmas (renamed)"])
        let christmas = BankHolidays.englandAndWales(year: 2026, adjustments: renamed).filter { $0.date.month == 12 }
        #expect(christmas.map(\.name) == ["Christmas (renamed)", "Boxing Day (substitute day)"])
    }
}
