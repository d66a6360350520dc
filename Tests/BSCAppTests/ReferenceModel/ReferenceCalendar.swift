import Foundation

/// The reference model's own working-time clock, written from the rules and
/// sharing nothing with `WorkingCalendar`, `ZoneRules` or `BankHolidays`:
/// Europe/London is UTC+1 from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October; working time is Monday–Friday
/// 09:00–17:00 local, except England & Wales bank holidays (hard-coded for
/// the years the generator uses). Deliberately simple: one day at a time.
enum ReferenceCalendar {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    static let opensHour = 9, closesHour = 17
    static let workingDay: Int64 = Int64(closesHour - opensHour) * hour

    /// The years whose holidays are listed below; histories stay inside them.
    static let years = 2024...2027

    /// England & Wales bank holidays (gov.uk), as (year, month, day).
    static let bankHolidays: Set<Int> = {
        let list: [(Int, Int, Int)] = [
            (2024, 1, 1), (2024, 3, 29), (2024, 4, 1), (2024, 5, 6), (2024, 5, 27), (2024, 8, 26), (2024, 12, 25), (2024, 12, 26),
            (2025, 1, 1), (2025, 4, 18), (2025, 4, 21), (2025, 5, 5), (2025, 5, 26), (2025, 8, 25), (2025, 12, 25), (2025, 12, 26),
            (2026, 1, 1), (2026, 4, 3), (2026, 4, 6), (2026, 5, 4), (2026, 5, 25), (2026, 8, 31), (2026, 12, 25), (2026, 12, 28),
            (2027, 1, 1), (2027, 3, 26), (2027, 3, 29), (2027, 5, 3), (2027, 5, 31), (2027, 8, 30), (2027, 12, 27), (2027, 12, 28),
        ]
        return Set(list.map { dayNumber($0.0, $0.1, $0.2) })
    }()

    // MARK: Civil dates (day numbers: days since 1970-01-01)

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Counts days month by month from 1970: slow and obviously right.
    static func dayNumber(_ y: Int, _ m: Int, _ d: Int) -> Int {
        var n = 0
        for year in 1970..<y { n += isLeap(year) ? 366 : 365 }
        for month in 1..<m { n += daysIn(y, month) }
        return n + d - 1
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func civil(_ n: Int) -> (year: Int, month: Int, day: Int) {
        var rest = n, y = 1970
        while rest >= (isLeap(y) ? 366 : 365) { rest -= isLeap(y) ? 366 : 365; y += 1 }
        var m = 1
        while rest >= daysIn(y, m) { rest -= daysIn(y, m); m += 1 }
        return (y, m, rest + 1)
    }

    /// ISO weekday, Monday = 1. 1970-01-01 was a Thursday.
    static func weekday(_ n: Int) -> Int { ((n % 7) + 7 + 3) % 7 + 1 }

    static func lastSunday(_ y: Int, _ m: Int) -> Int {
        var d = dayNumber(y, m, daysIn(y, m))
        while weekday(d) != 7 { d -= 1 }
        return d
    }

    // MARK: Europe/London

    /// Summer time (UTC+1) of each year, computed once.
    static let summers: [(Int64, Int64)] = (2020...2030).map { y in
        (Int64(lastSunday(y, 3)) * day + hour, Int64(lastSunday(y, 10)) * day + hour)
    }

    static func offset(atUTC t: Int64) -> Int64 {
        for (start, end) in summers where t >= start && t < end { return hour }
        return 0
    }

    static func localDay(_ t: Int64) -> Int { Int(floorDiv(t + offset(atUTC: t), day)) }

    /// The UTC instant of a local wall-clock time (not for the hour the
    /// clocks skip or repeat, which the generator avoids).
    static func instant(localDay d: Int, hour h: Int, minute mi: Int = 0) -> Int64 {
        let local = Int64(d) * day + Int64(h) * hour + Int64(mi) * minute
        let summer = local - hour
        return offset(atUTC: summer) == hour ? summer : local
    }

    static func isWorkingDay(_ d: Int) -> Bool { weekday(d) <= 5 && !bankHolidays.contains(d) }

    /// The working hours of local day `d` as UTC instants.
    static func hours(of d: Int) -> (Int64, Int64) {
        (instant(localDay: d, hour: opensHour), instant(localDay: d, hour: closesHour))
    }

    // MARK: Working time

    /// Union of intervals, sorted.
    static func merged(_ intervals: [(Int64, Int64)]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for (a, b) in intervals.filter({ $0.0 < $0.1 }).sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, a <= last.1 { out[out.count - 1].1 = max(last.1, b) } else { out.append((a, b)) }
        }
        return out
    }

    /// Working time in [from, to) with `pauses` taken out.
    static func workingMillis(from: Int64, to: Int64, excluding pauses: [(Int64, Int64)] = []) -> Int64 {
        guard to > from else { return 0 }
        let gaps = merged(pauses)
        var total: Int64 = 0
        for d in localDay(from)...localDay(to) where isWorkingDay(d) {
            let (open, close) = hours(of: d)
            let a = max(open, from), b = min(close, to)
            guard a < b else { continue }
            total += b - a
            for (p, q) in gaps {
                let x = max(a, p), y = min(b, q)
                if x < y { total -= y - x }
            }
        }
        return total
    }

    /// The earliest instant at which `amount` (> 0) of working time has
    /// passed since `start`: a span used up exactly at closing time ends
    /// at that closing time.
    static func addingWorking(_ amount: Int64, to start: Int64) -> Int64 {
        var remaining = amount
        var d = localDay(start)
        while true {
            if isWorkingDay(d) {
                let (open, close) = hours(of: d)
                let a = max(open, start)
                if a < close {
                    if remaining <= close - a { return a + remaining }
                    remaining -= close - a
                }
            }
            d += 1
        }
    }
}
