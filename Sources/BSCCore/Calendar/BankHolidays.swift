/// One bank holiday (or configured closure) on a specific date.
public struct BankHoliday: Hashable, Sendable, CustomStringConvertible {
    public var date: CivilDate
    public var name: String

    public init(date: CivilDate, name: String) {
        self.date = date
        self.name = name
    }

    public var description: String { "\(date) \(name)" }
}

/// England & Wales bank holidays by rule, for any year.
///
/// The rule covers the eight regular holidays and their substitute days.
/// One-off holidays and moved holidays are not rules: they are announced by
/// proclamation and come from configuration as `HolidayAdjustments`.
public enum BankHolidays {
    /// The regular holidays of `year`, sorted by date, substitutes applied.
    public static func englandAndWales(year: Int) -> [BankHoliday] {
        var list: [BankHoliday] = []
        list.reserveCapacity(8)

        let newYear = CivilDate(year: year, month: 1, day: 1)
        switch newYear.isoWeekday {
        case 6: list.append(BankHoliday(date: newYear.adding(days: 2), name: "New Year's Day (substitute day)"))
        case 7: list.append(BankHoliday(date: newYear.adding(days: 1), name: "New Year's Day (substitute day)"))
        default: list.append(BankHoliday(date: newYear, name: "New Year's Day"))
        }

        let easter = easterSunday(year: year)
        list.append(BankHoliday(date: easter.adding(days: -2), name: "Good Friday"))
        list.append(BankHoliday(date: easter.adding(days: 1), name: "Easter Monday"))
        list.append(BankHoliday(date: firstMonday(year: year, month: 5), name: "Early May bank holiday"))
        list.append(BankHoliday(date: lastMonday(year: year, month: 5), name: "Spring bank holiday"))
        list.append(BankHoliday(date: lastMonday(year: year, month: 8), name: "Summer bank holiday"))

        let christmas = CivilDate(year: year, month: 12, day: 25)
        let boxing = CivilDate(year: year, month: 12, day: 26)
        switch christmas.isoWeekday {
        case 5:  // Friday: Boxing Day falls on Saturday, substitute Monday 28th
            list.append(BankHoliday(date: christmas, name: "Christmas Day"))
            list.append(BankHoliday(date: christmas.adding(days: 3), name: "Boxing Day (substitute day)"))
        case 6:  // Saturday: Christmas moves to Monday 27th, Boxing Day to Tuesday 28th
            list.append(BankHoliday(date: christmas.adding(days: 2), name: "Christmas Day (substitute day)"))
            list.append(BankHoliday(date: christmas.adding(days: 3), name: "Boxing Day (substitute day)"))
        case 7:  // Sunday: Boxing Day stays on Monday 26th, Christmas substitute Tuesday 27th
            list.append(BankHoliday(date: boxing, name: "Boxing Day"))
            list.append(BankHoliday(date: christmas.adding(days: 2), name: "Christmas Day (substitute day)"))
        default:
            list.append(BankHoliday(date: christmas, name: "Christmas Day"))
            list.append(BankHoliday(date: boxing, name: "Boxing Day"))
        }
        return list
    }

    /// The regular holidays with configured adjustments applied, sorted by date.
    public static func englandAndWales(year: Int, adjustments: HolidayAdjustments) -> [BankHoliday] {
        adjustments.apply(to: englandAndWales(year: year), year: year)
    }

    /// Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" computus).
    public static func easterSunday(year: Int) -> CivilDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: year, month: month, day: day)
    }

    static func firstMonday(year: Int, month: Int) -> CivilDate {
        let first = CivilDate(year: year, month: month, day: 1)
        return first.adding(days: (8 - first.isoWeekday) % 7)
    }

    static func lastMonday(year: Int, month: Int) -> CivilDate {
        let last = CivilDate(year: year, month: month, day: CivilDate.daysIn(year: year, month: month))
        return last.adding(days: -((last.isoWeekday + 6) % 7))
    }
}
