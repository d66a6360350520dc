/// A moment in time: milliseconds since the Unix epoch, UTC.
///
/// The journal stores times as fixed-width UTC strings with milliseconds;
/// everything in memory is this integer, which is cheap to compare, subtract
/// and store in columns.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(seconds: Int64) { self.millis = seconds * 1000 }

    public static func < (a: Instant, b: Instant) -> Bool { a.millis < b.millis }

    public func adding(millis delta: Int64) -> Instant { Instant(millis: millis + delta) }
    public func adding(seconds delta: Int64) -> Instant { Instant(millis: millis + delta * 1000) }
    public func adding(minutes delta: Int64) -> Instant { Instant(millis: millis + delta * 60_000) }
    public func adding(hours delta: Int64) -> Instant { Instant(millis: millis + delta * 3_600_000) }

    /// Whole seconds since the epoch, rounding towards minus infinity.
    public var epochSeconds: Int64 { millis >= 0 ? millis / 1000 : (millis - 999) / 1000 }

    /// The ISO 8601 UTC form used in the journal: `2026-11-24T09:05:00.000Z`.
    public var description: String { Timestamp.format(self) }
}

/// A calendar date with no time zone: proleptic Gregorian.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before). Howard Hinnant's algorithm.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// ISO weekday: Monday = 1 … Sunday = 7.
    public var isoWeekday: Int {
        let d = daysSinceEpoch  // 1970-01-01 was a Thursday (4)
        return ((d % 7) + 7 + 3) % 7 + 1
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var isValid: Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= CivilDate.daysIn(year: year, month: month)
    }

    /// `2026-11-24`
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Parses `YYYY-MM-DD`; nil if malformed or not a real date.
    public static func parse(_ text: String) -> CivilDate? {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45,
              let y = digits(u, 0, 4), let m = digits(u, 5, 2), let d = digits(u, 8, 2)
        else { return nil }
        let date = CivilDate(year: y, month: m, day: d)
        return date.isValid ? date : nil
    }
}

/// A wall-clock date and time with no zone attached.
public struct CivilDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: CivilDate
    /// Milliseconds since local midnight.
    public var millisOfDay: Int64

    public init(date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        self.date = date
        self.millisOfDay = Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
    }

    public init(date: CivilDate, millisOfDay: Int64) {
        self.date = date
        self.millisOfDay = millisOfDay
    }

    public var hour: Int { Int(millisOfDay / 3_600_000) }
    public var minute: Int { Int(millisOfDay / 60_000 % 60) }
    public var second: Int { Int(millisOfDay / 1000 % 60) }
    public var millisecond: Int { Int(millisOfDay % 1000) }

    /// Interprets this wall-clock time as UTC.
    public var asUTC: Instant { Instant(millis: Int64(date.daysSinceEpoch) * 86_400_000 + millisOfDay) }

    /// The UTC wall-clock time of an instant.
    public init(utc instant: Instant) {
        let day = instant.millis >= 0 ? instant.millis / 86_400_000 : (instant.millis - 86_399_999) / 86_400_000
        self.date = CivilDate(daysSinceEpoch: Int(day))
        self.millisOfDay = instant.millis - day * 86_400_000
    }

    public static func < (a: CivilDateTime, b: CivilDateTime) -> Bool {
        (a.date, a.millisOfDay) < (b.date, b.millisOfDay)
    }

    /// `2026-11-24 09:05`
    public var description: String { date.description + " " + pad(hour, 2) + ":" + pad(minute, 2) }
}

func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

func digits(_ u: [UInt8], _ start: Int, _ count: Int) -> Int? {
    var v = 0
    for i in start..<(start + count) {
        let c = u[i]
        guard c >= 48, c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
    }
    return v
}
