import BSCCore

/// Parsing and checking of what people type, shared by the CLI and the TUI.
/// Every failure names what was wrong and what is allowed.
public enum InputParsing {
    public static let maxDurationMillis: Int64 = 8 * 3_600_000

    /// `90s`, `4m30s`, `1h5m`, `12:30` (minutes:seconds) or `1:02:03`.
    public static func duration(_ text: String) throws(DeskError) -> Int64 {
        let t = text.trimmingCharacters(in: " ")
        let help = "use a duration like 90s, 4m30s, 1h5m or 12:30 (at most 8 hours)"
        var total: Int64 = 0
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
                throw .usage("bad duration \"\(text)\": \(help)")
            }
            let nums = parts.map { Int64($0)! }
            if nums.count == 2 {
                guard nums[1] < 60 else { throw .usage("bad duration \"\(text)\": seconds must be below 60; \(help)") }
                total = (nums[0] * 60 + nums[1]) * 1000
            } else {
                guard nums[1] < 60, nums[2] < 60 else { throw .usage("bad duration \"\(text)\": \(help)") }
                total = (nums[0] * 3600 + nums[1] * 60 + nums[2]) * 1000
            }
        } else {
            var number: Int64 = 0
            var haveDigits = false
            var lastUnit = 4
            guard !t.isEmpty else { throw .usage("bad duration \"\(text)\": \(help)") }
            for ch in t {
                if let d = ch.wholeNumberValue, ch.isASCII {
                    guard number < 100_000 else { throw .usage("bad duration \"\(text)\": \(help)") }
                    number = number * 10 + Int64(d)
                    haveDigits = true
                    continue
                }
                let unit: (rank: Int, ms: Int64)
                switch ch {
                case "h": unit = (3, 3_600_000)
                case "m": unit = (2, 60_000)
                case "s": unit = (1, 1000)
                default: throw .usage("bad duration \"\(text)\": \(help)")
                }
                guard haveDigits, unit.rank < lastUnit else { throw .usage("bad duration \"\(text)\": \(help)") }
                total += number * unit.ms
                number = 0
                haveDigits = false
                lastUnit = unit.rank
            }
            guard !haveDigits else { throw .usage("bad duration \"\(text)\": a number needs a unit (h, m or s); \(help)") }
        }
        guard total > 0 else { throw .usage("bad duration \"\(text)\": must be more than zero; \(help)") }
        guard total <= maxDurationMillis else { throw .usage("bad duration \"\(text)\": at most 8 hours") }
        return total
    }

    /// ISO 8601 date and time, `2026-11-24T09:30`, `2026-11-24 09:30:15`,
    /// optionally with `Z` or an offset `+01:00`; without one it is local time
    /// in `zone`. Refuses future times and local times that do not exist or
    /// are ambiguous at a clock change.
    public static func receivedTime(_ text: String, zone: ZoneRules, now: Instant) throws(DeskError) -> Instant {
        let help = "use ISO 8601 like 2026-11-24T09:30 (local time) or 2026-11-24T09:30Z"
        let u = Array(text.trimmingCharacters(in: " ").utf8)
        guard u.count >= 16, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 32 || u[10] == 116, u[13] == 58 else {
            throw .usage("bad time \"\(text)\": \(help)")
        }
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= u.count else { return nil }
            var v = 0
            for i in a..<(a + n) {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2) else {
            throw .usage("bad time \"\(text)\": \(help)")
        }
        var i = 16
        var sec = 0
        var ms = 0
        if i < u.count, u[i] == 58 {
            guard let s = num(i + 1, 2) else { throw .usage("bad time \"\(text)\": \(help)") }
            sec = s
            i += 3
            if i < u.count, u[i] == 46 {
                var digits = 0
                i += 1
                while i < u.count, u[i] >= 48, u[i] <= 57 {
                    if digits < 3 { ms = ms * 10 + Int(u[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { throw .usage("bad time \"\(text)\": \(help)") }
                // ".5" is 500 ms; digits past the third are dropped.
                for _ in 0..<max(0, 3 - digits) { ms *= 10 }
            }
        }
        let date = CivilDate(year: y, month: mo, day: d)
        guard date.isValid, h < 24, mi < 60, sec < 60 else { throw .usage("bad time \"\(text)\": no such date or time; \(help)") }
        let local = CivilDateTime(date: date, hour: h, minute: mi, second: sec, millisecond: ms)
        let instant: Instant
        if i == u.count {
            switch zone.resolve(local) {
            case .unique(let t): instant = t
            case .nonexistent:
                throw .usage("bad time \"\(text)\": that local time does not exist in \(zone.identifier) (the clocks went forward); give an offset, e.g. \(text)+01:00")
            case .ambiguous:
                throw .usage("bad time \"\(text)\": that local time happens twice in \(zone.identifier) (the clocks went back); give an offset, e.g. \(text)+01:00 or \(text)+00:00")
            }
        } else if u[i] == 90 || u[i] == 122, i + 1 == u.count {
            instant = local.asUTC
        } else if u[i] == 43 || u[i] == 45, u.count == i + 6, u[i + 3] == 58, let oh = num(i + 1, 2), let om = num(i + 4, 2), oh < 15, om < 60 {
            let sign: Int64 = u[i] == 43 ? 1 : -1
            instant = local.asUTC.adding(millis: -sign * Int64(oh * 60 + om) * 60_000)
        } else {
            throw .usage("bad time \"\(text)\": \(help)")
        }
        // A minute of grace for clocks that disagree slightly.
        guard instant <= now.adding(minutes: 1) else {
            throw .usage("bad time \"\(text)\": it is in the future; a received time must be now or earlier")
        }
        return instant
    }

    /// `KEY=VALUE` hand-off details.
    public static func details(_ items: [String]) throws(DeskError) -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "=") else {
                throw .usage("bad detail \"\(item)\": use KEY=VALUE, e.g. --detail employee-number=123456")
            }
            let key = String(item[..<eq]).trimmingCharacters(in: " ")
            let value = String(item[item.index(after: eq)...]).trimmingCharacters(in: " ")
            guard !key.isEmpty, key.count <= 40, key.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw .usage("bad detail key \"\(key)\": use lower-case letters, digits and dashes, e.g. employee-number")
            }
            try checkText(value, field: "detail \(key)", limit: Limits.detail, multiline: false)
            guard !value.isEmpty else { throw .usage("detail \(key) is empty: give a value, e.g. \(key)=123") }
            out[key] = value
        }
        return out
    }

    /// Rejects text that is too long or holds control characters (other
    /// than newlines and tabs in multi-line fields).
    public static func checkText(_ text: String, field: String, limit: Int, multiline: Bool) throws(DeskError) {
        guard text.count <= limit else {
            throw .usage("\(field) is too long (\(text.count) characters); at most \(limit)")
        }
        for s in text.unicodeScalars {
            let v = s.value
            let allowed = multiline && (v == 10 || v == 9)
            if (v < 0x20 || (0x7F...0x9F).contains(v)) && !allowed {
                throw .usage("\(field) contains a control character (U+\(String(v, radix: 16, uppercase: true))); remove it")
            }
        }
    }
}

/// A caller reference is a code the council's systems give (docs/keys.md,
/// "Caller ref"): an employee number (E200004), a supplier or debtor
/// account (S40111), a client reference (CL-55555), a post reference.
/// Spaces are ignored when callers are matched, so `E200 004` is allowed.
public enum CallerReference {
    public static let maxCharacters = 20
    /// What a reference may be, for messages and help.
    public static let allowed = "a code such as E200004, S40111 or CL-55555: letters and digits, with - / . allowed, at least one digit, at most \(maxCharacters) characters (spaces ignored, but no word of four letters or more)"

    /// Why `text` is not a reference; nil when it is one (or is empty).
    public static func problem(_ text: String) -> String? {
        let code = text.filter { $0 != " " }
        if code.isEmpty { return nil }
        let shown = "\"" + terminalSafe(text, lineBreaks: .space).truncated(toWidth: 24, ellipsis: true) + "\""
        let badCharacter = code.unicodeScalars.contains { c in
            !(("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "/" || c == ".")
        }
        // Spaces are ignored inside a code ("E200 004"), but a group of four
        // letters or more is a word: "call back after 3" is a sentence.
        let hasWord = text.split(separator: " ").contains { group in group.count >= 4 && group.allSatisfy { $0.isLetter } }
        guard !badCharacter, !hasWord, code.count <= maxCharacters, code.contains(where: { $0.isASCII && $0.isNumber }) else {
            return "caller ref \(shown) is not a reference; a reference is \(allowed). Put other words in the summary"
        }
        return nil
    }
}

/// Field length limits: long enough for real use, short enough that one
/// paste cannot flood a screen or a journal line.
public enum Limits {
    public static let callerName = 120
    public static let reference = 40
    public static let phone = 40
    public static let email = 254
    public static let summary = 4000
    public static let note = 8000
    public static let detail = 200
    public static let login = 64
}
