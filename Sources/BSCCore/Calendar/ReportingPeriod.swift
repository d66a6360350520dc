/// Why a period could not be parsed. `description` names the problem and the accepted forms.
public enum PeriodError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknown(String)
    case noSuchWeek(String, weeksInYear: Int)
    case financialYearMismatch(String, expected: String)
    case reversedRange(String)

    static let forms = "use a day (2026-11-24), ISO week (2026-W48), month (2026-11), "
        + "quarter (2026/27-Q3), financial year (2026/27) or date range (2026-11-01/2026-11-30)"

    public var description: String {
        switch self {
        case .unknown(let text):
            return "unknown period \"\(text)\": \(PeriodError.forms)"
        case .noSuchWeek(let text, let weeks):
            return "no such ISO week \"\(text)\": that year has \(weeks) weeks"
        case .financialYearMismatch(let text, let expected):
            return "financial year \"\(text)\" must span consecutive years, e.g. \(expected)"
        case .reversedRange(let text):
            return "date range \"\(text)\" ends before it starts: write it as first/last day"
        }
    }
}

/// A span of whole local days that figures are reported for. Councils
/// count in financial years April–March, with Q1 = Apr–Jun … Q4 = Jan–Mar.
public struct ReportingPeriod: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable { case day, isoWeek, month, quarter, financialYear, custom }

    public let kind: Kind
    public let firstDay: CivilDate
    /// Inclusive.
    public let lastDay: CivilDate

    init(kind: Kind, firstDay: CivilDate, lastDay: CivilDate) {
        self.kind = kind
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    // MARK: The period containing a date

    public static func day(of date: CivilDate) -> ReportingPeriod {
        ReportingPeriod(kind: .day, firstDay: date, lastDay: date)
    }

    public static func isoWeek(containing date: CivilDate) -> ReportingPeriod {
        let monday = date.adding(days: 1 - date.isoWeekday)
        return ReportingPeriod(kind: .isoWeek, firstDay: monday, lastDay: monday.adding(days: 6))
    }

    public static func month(containing date: CivilDate) -> ReportingPeriod {
        month(year: date.year, month: date.month)
    }

    /// The council quarter (Q1 = Apr–Jun) containing `date`.
    public static func quarter(containing date: CivilDate) -> ReportingPeriod {
        let startMonth = (date.month - 1) / 3 * 3 + 1
        let first = CivilDate(year: date.year, month: startMonth, day: 1)
        return ReportingPeriod(kind: .quarter, firstDay: first, lastDay: addingMonths(3, to: first).adding(days: -1))
    }

    public static func financialYear(containing date: CivilDate) -> ReportingPeriod {
        financialYear(startingIn: date.month >= 4 ? date.year : date.year - 1)
    }

    // MARK: Explicit periods

    public static func month(year: Int, month: Int) -> ReportingPeriod {
        let first = CivilDate(year: year, month: month, day: 1)
        return ReportingPeriod(kind: .month, firstDay: first,
                               lastDay: CivilDate(year: year, month: month, day: CivilDate.daysIn(year: year, month: month)))
    }

    /// ISO week `week` of ISO week-year `year`; nil if the year has no such week.
    public static func isoWeek(year: Int, week: Int) -> ReportingPeriod? {
        guard week >= 1 && week <= weeksInISOYear(year) else { return nil }
        let monday = mondayOfWeekOne(year).adding(days: (week - 1) * 7)
        return ReportingPeriod(kind: .isoWeek, firstDay: monday, lastDay: monday.adding(days: 6))
    }

    /// Quarter `q` (1...4) of the financial year starting in April of `startYear`.
    public static func quarter(financialYear startYear: Int, _ q: Int) -> ReportingPeriod {
        precondition((1...4).contains(q), "quarters are 1...4")
        let first = addingMonths(3 * (q - 1), to: CivilDate(year: startYear, month: 4, day: 1))
        return ReportingPeriod(kind: .quarter, firstDay: first, lastDay: addingMonths(3, to: first).adding(days: -1))
    }

    /// 1 April `startYear` to 31 March of the next year.
    public static func financialYear(startingIn startYear: Int) -> ReportingPeriod {
        ReportingPeriod(kind: .financialYear, firstDay: CivilDate(year: startYear, month: 4, day: 1),
                        lastDay: CivilDate(year: startYear + 1, month: 3, day: 31))
    }

    /// Inclusive dates; nil if `to` is before `from`.
    public static func custom(from: CivilDate, to: CivilDate) -> ReportingPeriod? {
        to < from ? nil : ReportingPeriod(kind: .custom, firstDay: from, lastDay: to)
    }

    // MARK: Parsing

    /// Parses `2026-11-24`, `2026-W48`, `2026-11`, `2026/27-Q3`, `2026/27` or
    /// `2026-11-01/2026-11-30`. Surrounding spaces and lower-case `w`/`q` are accepted.
    public static func parse(_ input: String) throws(PeriodError) -> ReportingPeriod {
        let text = input.trimmingSpaces.uppercased()
        let u = Array(text.utf8)
        let slash = UInt8(ascii: "/"), dash = UInt8(ascii: "-")
        func num(_ at: Int, _ width: Int) -> Int? { u.count >= at + width ? digits(u, at, width) : nil }

        switch u.count {
        case 10 where u[4] == dash:
            if let date = CivilDate.parse(text) { return .day(of: date) }
        case 8 where u[4] == dash && u[5] == UInt8(ascii: "W"):
            if let year = num(0, 4), let week = num(6, 2) {
                if let period = isoWeek(year: year, week: week) { return period }
                if week >= 1 { throw .noSuchWeek(input, weeksInYear: weeksInISOYear(year)) }
            }
        case 7 where u[4] == dash:
            if let year = num(0, 4), let month = num(5, 2), (1...12).contains(month) {
                return .month(year: year, month: month)
            }
        case 7 where u[4] == slash, 10 where u[4] == slash:
            guard let year = num(0, 4), let short = num(5, 2) else { break }
            var quarter: Int?
            if u.count == 10 {
                guard u[7] == dash, u[8] == UInt8(ascii: "Q"), let q = num(9, 1), (1...4).contains(q) else { break }
                quarter = q
            }
            guard short == (year + 1) % 100 else {
                throw .financialYearMismatch(input, expected: financialYearLabel(year) + (quarter.map { "-Q\($0)" } ?? ""))
            }
            if let quarter { return .quarter(financialYear: year, quarter) }
            return .financialYear(startingIn: year)
        case 21 where u[10] == slash:
            if let from = CivilDate.parse(String(text.prefix(10))), let to = CivilDate.parse(String(text.suffix(10))) {
                if let period = custom(from: from, to: to) { return period }
                throw .reversedRange(input)
            }
        default:
            break
        }
        throw .unknown(input)
    }

    // MARK: Properties

    /// The canonical text form, which `parse` reads back.
    public var label: String {
        switch kind {
        case .day: return firstDay.description
        case .isoWeek:
            let (year, week) = ReportingPeriod.isoWeekNumber(firstDay)
            return pad(year, 4) + "-W" + pad(week, 2)
        case .month: return pad(firstDay.year, 4) + "-" + pad(firstDay.month, 2)
        case .quarter:
            let startYear = firstDay.month >= 4 ? firstDay.year : firstDay.year - 1
            let q = firstDay.month >= 4 ? (firstDay.month - 4) / 3 + 1 : 4
            return ReportingPeriod.financialYearLabel(startYear) + "-Q\(q)"
        case .financialYear: return ReportingPeriod.financialYearLabel(firstDay.year)
        case .custom: return firstDay.description + "/" + lastDay.description
        }
    }

    public var description: String { label }

    public var dayCount: Int { lastDay.daysSinceEpoch - firstDay.daysSinceEpoch + 1 }

    public func contains(_ date: CivilDate) -> Bool { date >= firstDay && date <= lastDay }

    /// Local midnight at the start of `firstDay` up to (excluding) local
    /// midnight after `lastDay`. A day containing a clock change is 23 or 25 hours.
    public func instantRange(in zone: ZoneRules) -> Range<Instant> {
        zone.startOfDay(firstDay)..<zone.startOfDay(lastDay.adding(days: 1))
    }

    /// Whether `instant` falls in this period, on local dates in `zone`.
    public func contains(_ instant: Instant, in zone: ZoneRules) -> Bool { contains(zone.localDate(instant)) }

    /// The period of the same kind just after this one (a custom range moves by its length).
    public var next: ReportingPeriod { shifted(forward: true) }
    public var previous: ReportingPeriod { shifted(forward: false) }

    private func shifted(forward: Bool) -> ReportingPeriod {
        let sign = forward ? 1 : -1
        switch kind {
        case .day: return .day(of: firstDay.adding(days: sign))
        case .isoWeek: return .isoWeek(containing: firstDay.adding(days: 7 * sign))
        case .month: return .month(containing: ReportingPeriod.addingMonths(sign, to: firstDay))
        case .quarter: return .quarter(containing: ReportingPeriod.addingMonths(3 * sign, to: firstDay))
        case .financialYear: return .financialYear(startingIn: firstDay.year + sign)
        case .custom:
            let n = dayCount * sign
            return ReportingPeriod(kind: .custom, firstDay: firstDay.adding(days: n), lastDay: lastDay.adding(days: n))
        }
    }

    // MARK: Calendar arithmetic

    static func financialYearLabel(_ startYear: Int) -> String {
        pad(startYear, 4) + "/" + pad((startYear + 1) % 100, 2)
    }

    static func addingMonths(_ n: Int, to date: CivilDate) -> CivilDate {
        let index = date.year * 12 + (date.month - 1) + n
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        return CivilDate(year: year, month: month, day: min(date.day, CivilDate.daysIn(year: year, month: month)))
    }

    /// Monday of ISO week 1: the week containing 4 January (so the first Thursday).
    static func mondayOfWeekOne(_ year: Int) -> CivilDate {
        let jan4 = CivilDate(year: year, month: 1, day: 4)
        return jan4.adding(days: 1 - jan4.isoWeekday)
    }

    /// 52 or 53: 28 December is always in the last ISO week of its year.
    static func weeksInISOYear(_ year: Int) -> Int {
        isoWeekNumber(CivilDate(year: year, month: 12, day: 28)).week
    }

    /// ISO week-year and week of a date: the week belongs to the year of its Thursday.
    public static func isoWeekNumber(_ date: CivilDate) -> (year: Int, week: Int) {
        let thursday = date.adding(days: 4 - date.isoWeekday)
        let dayOfYear = thursday.daysSinceEpoch - CivilDate(year: thursday.year, month: 1, day: 1).daysSinceEpoch
        return (thursday.year, dayOfYear / 7 + 1)
    }
}

/// Series buckets for charts and trend tables.
public enum SeriesGranularity: Hashable, Sendable {
    case day, week, month, quarter

    public func period(containing date: CivilDate) -> ReportingPeriod {
        switch self {
        case .day: return .day(of: date)
        case .week: return .isoWeek(containing: date)
        case .month: return .month(containing: date)
        case .quarter: return .quarter(containing: date)
        }
    }

    /// Whole buckets from the one containing `period.firstDay` to the one
    /// containing `period.lastDay`. The first and last may stick out of the
    /// period (weeks over a month); count by date and filter by the period.
    public func buckets(covering period: ReportingPeriod) -> [ReportingPeriod] {
        var result: [ReportingPeriod] = []
        var bucket = self.period(containing: period.firstDay)
        while bucket.firstDay <= period.lastDay {
            result.append(bucket)
            bucket = bucket.next
        }
        return result
    }

    /// The `n` buckets ending with the one containing `date`, oldest first.
    public func lastN(_ n: Int, endingWith date: CivilDate) -> [ReportingPeriod] {
        guard n > 0 else { return [] }
        var result = [self.period(containing: date)]
        for _ in 1..<n { result.append(result[result.count - 1].previous) }
        return result.reversed()
    }
}

extension String {
    // fileprivate: a helper of this parser only
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
