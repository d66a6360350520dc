import BSCCore

/// Dates as helpdesk exports write them, read into instants.
///
/// - `dd/mm/yyyy hh:mm[:ss]` (day first, as UK exports and the ServiceNow
///   incident event log write them; one-digit days and months allowed);
/// - ISO 8601: `yyyy-mm-ddThh:mm[:ss[.fff]]` with `Z` or `±hh:mm`, or with
///   a space instead of `T` and no zone (`2016-02-29 01:16:00`, as
///   ServiceNow's list export, osTicket and Zendesk write);
/// - a date alone (`dd/mm/yyyy` or `yyyy-mm-dd`) is midnight.
///
/// Times without a zone are wall-clock times in `zone`. Around the clock
/// changes: a time that happened twice (the autumn hour) is taken as the
/// first of the two, and one that never happened (the spring gap) as the
/// moment the clocks went forward.
public struct SourceDates: Sendable {
    public let zone: ZoneRules

    public init(zone: ZoneRules) {
        self.zone = zone
    }

    /// nil when the text is not a date in one of the formats above.
    public func parse(_ raw: String) -> Instant? {
        var s = Array(raw.utf8)
        while let l = s.last, l == 0x20 || l == 0x09 { s.removeLast() }
        while let f = s.first, f == 0x20 || f == 0x09 { s.removeFirst() }
        guard s.count >= 8, s.count <= 40 else { return nil }
        var p = Cursor(s)
        let year: Int, month: Int, day: Int
        if let a = p.number(maxDigits: 4), p.digitsRead == 4, p.take(0x2D) {
            // yyyy-mm-dd
            guard let m = p.number(maxDigits: 2), p.take(0x2D), let d = p.number(maxDigits: 2) else { return nil }
            (year, month, day) = (a, m, d)
        } else {
            p = Cursor(s)
            // d/m/yyyy (also with '.' or '-' between, as some locales write)
            guard let d = p.number(maxDigits: 2), p.takeAny([0x2F, 0x2E, 0x2D]),
                  let m = p.number(maxDigits: 2), p.takeAny([0x2F, 0x2E, 0x2D]),
                  let y = p.number(maxDigits: 4), p.digitsRead == 4 else { return nil }
            (year, month, day) = (y, m, d)
        }
        guard (1900...2199).contains(year), (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(year: year, month: month) else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        var hour = 0, minute = 0, second = 0, millis = 0
        if !p.atEnd {
            guard p.takeAny([0x54, 0x20]) else { return nil }
            while p.take(0x20) {}
            guard let h = p.number(maxDigits: 2), p.take(0x3A), let mi = p.number(maxDigits: 2) else { return nil }
            (hour, minute) = (h, mi)
            if p.take(0x3A) {
                guard let sec = p.number(maxDigits: 2) else { return nil }
                second = sec
                if p.take(0x2E) || p.take(0x2C) {
                    guard let frac = p.number(maxDigits: 9) else { return nil }
                    var f = frac, digits = p.digitsRead
                    while digits > 3 { f /= 10; digits -= 1 }
                    while digits < 3 { f *= 10; digits += 1 }
                    millis = f
                }
            }
        }
        guard hour <= 23, minute <= 59, second <= 59 else { return nil }
        let local = CivilDateTime(date: date, hour: hour, minute: minute, second: second, millisecond: millis)
        if p.atEnd { return zone.firstInstant(atOrAfter: local) }
        // An explicit zone, perhaps after a space (Zendesk: `+0000`).
        while p.take(0x20) {}
        let asUTC = local.asUTC.millis
        if p.take(0x5A) { return p.atEnd ? Instant(millis: asUTC) : nil }
        let sign: Int64
        if p.take(0x2B) { sign = 1 } else if p.take(0x2D) { sign = -1 } else { return nil }
        guard let oh = p.number(maxDigits: 2), p.digitsRead == 2 else { return nil }
        _ = p.take(0x3A)
        guard let om = p.number(maxDigits: 2), p.digitsRead == 2, p.atEnd, oh <= 14, om <= 59 else { return nil }
        return Instant(millis: asUTC - sign * Int64(oh * 60 + om) * 60_000)
    }

    private struct Cursor {
        let b: [UInt8]
        var i = 0
        var digitsRead = 0
        init(_ b: [UInt8]) { self.b = b }
        var atEnd: Bool { i == b.count }
        mutating func take(_ c: UInt8) -> Bool {
            if i < b.count && b[i] == c { i += 1; return true }
            return false
        }
        mutating func takeAny(_ cs: [UInt8]) -> Bool {
            if i < b.count && cs.contains(b[i]) { i += 1; return true }
            return false
        }
        mutating func number(maxDigits: Int) -> Int? {
            var v = 0
            digitsRead = 0
            while i < b.count, digitsRead < maxDigits, b[i] >= 0x30, b[i] <= 0x39 {
                v = v * 10 + Int(b[i] - 0x30)
                i += 1
                digitsRead += 1
            }
            return digitsRead > 0 ? v : nil
        }
    }
}
