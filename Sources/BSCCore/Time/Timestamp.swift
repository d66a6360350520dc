/// The journal's one timestamp format, `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 bytes,
/// always UTC, always milliseconds). A hand-written parser and formatter:
/// `ISO8601DateFormatter` manages ~38k/s, far too slow for replay.
public enum Timestamp {
    public static let length = 24

    public static func format(_ instant: Instant) -> String {
        var bytes = [UInt8](repeating: 0, count: length)
        write(instant, into: &bytes, at: 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the 24 bytes of `instant` at `offset`.
    public static func write(_ instant: Instant, into bytes: inout [UInt8], at offset: Int) {
        let t = CivilDateTime(utc: instant)
        func put(_ v: Int, _ at: Int, _ width: Int) {
            var v = v
            var i = at + width - 1
            while i >= at {
                bytes[i] = UInt8(48 + v % 10)
                v /= 10
                i -= 1
            }
        }
        put(t.date.year, offset, 4); bytes[offset + 4] = 45
        put(t.date.month, offset + 5, 2); bytes[offset + 7] = 45
        put(t.date.day, offset + 8, 2); bytes[offset + 10] = 84  // T
        put(t.hour, offset + 11, 2); bytes[offset + 13] = 58
        put(t.minute, offset + 14, 2); bytes[offset + 16] = 58
        put(t.second, offset + 17, 2); bytes[offset + 19] = 46
        put(t.millisecond, offset + 20, 3); bytes[offset + 23] = 90  // Z
    }

    /// Parses exactly the journal format from raw bytes; nil otherwise.
    public static func parse(_ p: UnsafeBufferPointer<UInt8>) -> Instant? {
        guard p.count == length, p[4] == 45, p[7] == 45, p[10] == 84, p[13] == 58,
              p[16] == 58, p[19] == 46, p[23] == 90 else { return nil }
        var ok = true
        func num(_ at: Int, _ width: Int) -> Int {
            var v = 0
            for i in at..<(at + width) {
                let c = p[i] &- 48
                if c > 9 { ok = false }
                v = v * 10 + Int(c)
            }
            return v
        }
        let date = CivilDate(year: num(0, 4), month: num(5, 2), day: num(8, 2))
        let h = num(11, 2), mi = num(14, 2), s = num(17, 2), ms = num(20, 3)
        guard ok, date.isValid, h < 24, mi < 60, s < 60 else { return nil }
        return CivilDateTime(date: date, hour: h, minute: mi, second: s, millisecond: ms).asUTC
    }

    public static func parse(_ text: String) -> Instant? {
        var text = text
        return text.withUTF8 { parse($0) }
    }
}
