import Foundation

/// How a wall-clock time maps onto instants in a zone.
public enum LocalResolution: Hashable, Sendable {
    case unique(Instant)
    /// The time falls in a spring-forward gap (e.g. 01:30 on the last Sunday of March in London).
    case nonexistent
    /// The time occurs twice in an autumn fold (e.g. 01:30 on the last Sunday of October in London).
    case ambiguous(earlier: Instant, later: Instant)
}

/// UTC offsets of one IANA zone as a precomputed table of transitions.
///
/// Stats convert millions of instants, so Foundation is consulted once, at
/// init, to tabulate every offset change from 1900 to 2199; a conversion is
/// then a binary search over a few hundred integers. Outside the table the
/// nearest tabulated offset applies. Immutable, hence `Sendable`.
public struct ZoneRules: Sendable, CustomStringConvertible {
    public let identifier: String
    /// Instants (ms since epoch) at which the offset changes, ascending.
    let transitions: [Int64]
    /// `offsets[k]` (ms) applies before `transitions[k]`; the last entry after the last transition.
    let offsets: [Int64]

    static let dayMillis: Int64 = 86_400_000
    /// Wider than any real UTC offset, so every candidate offset for a wall time lies inside it.
    static let window: Int64 = 26 * 3_600_000

    init(identifier: String, transitions: [Int64], offsets: [Int64]) {
        precondition(offsets.count == transitions.count + 1, "one more offset than transitions")
        self.identifier = identifier
        self.transitions = transitions
        self.offsets = offsets
    }

    /// Europe/London. Falls back to the UK/EU rule (exact from 1996) if the
    /// host has no time-zone data.
    public static let london: ZoneRules = ZoneRules(identifier: "Europe/London") ?? .ukSummerTimeRule()

    /// A fixed offset, e.g. UTC.
    public static func fixed(identifier: String, offsetSeconds: Int) -> ZoneRules {
        ZoneRules(identifier: identifier, transitions: [], offsets: [Int64(offsetSeconds) * 1000])
    }

    public static let utc = ZoneRules.fixed(identifier: "UTC", offsetSeconds: 0)

    /// Tabulates the zone's transitions from the system time-zone data; nil for unknown zones.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let tz = TimeZone(identifier: identifier) else { return nil }
        let start = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        let end = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01
        var transitions: [Int64] = []
        var offsets: [Int64] = [Int64(tz.secondsFromGMT(for: start)) * 1000]
        var cursor = start
        while let next = tz.nextDaylightSavingTimeTransition(after: cursor), next < end, next > cursor {
            let offset = Int64(tz.secondsFromGMT(for: next)) * 1000
            if offset != offsets[offsets.count - 1] {
                transitions.append(Int64((next.timeIntervalSince1970 * 1000).rounded()))
                offsets.append(offset)
            }
            cursor = next
        }
        self.init(identifier: identifier, transitions: transitions, offsets: offsets)
    }

    /// The UK's summer-time rule since 1996 (the EU rule): BST, UTC+1, from
    /// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
    /// of October. Used as a fallback and as an independent check in tests.
    static func ukSummerTimeRule(years: ClosedRange<Int> = 1996...2199) -> ZoneRules {
        var transitions: [Int64] = []
        var offsets: [Int64] = [0]
        for year in years {
            for (month, offset) in [(3, Int64(3_600_000)), (10, Int64(0))] {
                let last = CivilDate(year: year, month: month, day: 31)
                let sunday = last.adding(days: -(last.isoWeekday % 7))
                transitions.append(Int64(sunday.daysSinceEpoch) * dayMillis + 3_600_000)
                offsets.append(offset)
            }
        }
        return ZoneRules(identifier: "Europe/London", transitions: transitions, offsets: offsets)
    }

    public var description: String { identifier }

    // MARK: Instant → local

    /// Number of transitions at or before `t`: the index of the offset in force at `t`.
    @inline(__always)
    func segment(_ t: Int64) -> Int {
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @inline(__always)
    func offsetMillis(at t: Int64) -> Int64 { offsets[segment(t)] }

    /// Local wall-clock milliseconds (as if UTC) of an instant.
    @inline(__always)
    func localMillis(_ instant: Instant) -> Int64 { instant.millis + offsetMillis(at: instant.millis) }

    public func offsetSeconds(at instant: Instant) -> Int { Int(offsetMillis(at: instant.millis) / 1000) }

    public func localDateTime(_ instant: Instant) -> CivilDateTime {
        CivilDateTime(utc: Instant(millis: localMillis(instant)))
    }

    public func localDate(_ instant: Instant) -> CivilDate {
        CivilDate(daysSinceEpoch: Int(ZoneRules.floorDiv(localMillis(instant), ZoneRules.dayMillis)))
    }

    /// Local day number (days since 1970-01-01 in local time) of an instant.
    @inline(__always)
    func localDayNumber(_ instant: Instant) -> Int {
        Int(ZoneRules.floorDiv(localMillis(instant), ZoneRules.dayMillis))
    }

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    // MARK: Local → instant

    public func resolve(_ local: CivilDateTime) -> LocalResolution {
        resolve(localMillis: local.asUTC.millis)
    }

    func resolve(localMillis t: Int64) -> LocalResolution {
        let k0 = segment(t - ZoneRules.window)
        // Fast path: no transition anywhere near, one offset applies.
        if k0 == transitions.count || transitions[k0] > t + ZoneRules.window {
            return .unique(Instant(millis: t - offsets[k0]))
        }
        let k1 = segment(t + ZoneRules.window)
        var first: Int64?
        var last: Int64 = 0
        for k in k0...k1 {
            let candidate = t - offsets[k]
            let afterStart = k == 0 || candidate >= transitions[k - 1]
            let beforeEnd = k == transitions.count || candidate < transitions[k]
            if afterStart && beforeEnd {
                if first == nil { first = candidate }
                last = candidate
            }
        }
        guard let first else { return .nonexistent }
        return first == last
            ? .unique(Instant(millis: first))
            : .ambiguous(earlier: Instant(millis: first), later: Instant(millis: last))
    }

    /// The first instant whose wall-clock time is at or after `local`: the
    /// earlier of a fold, or the end of a gap (the moment the clocks jump).
    public func firstInstant(atOrAfter local: CivilDateTime) -> Instant {
        firstInstant(localMillis: local.asUTC.millis)
    }

    @inline(__always)
    func firstInstant(localMillis t: Int64) -> Instant {
        switch resolve(localMillis: t) {
        case .unique(let i): return i
        case .ambiguous(let earlier, _): return earlier
        case .nonexistent:
            let k0 = segment(t - ZoneRules.window)
            let k1 = segment(t + ZoneRules.window)
            for k in k0..<k1 {
                let jump = transitions[k]
                if t >= jump + offsets[k] && t < jump + offsets[k + 1] { return Instant(millis: jump) }
            }
            return Instant(millis: t - offsets[k1])  // unreachable for a consistent table
        }
    }

    /// Local midnight starting `date` (if midnight is skipped, the moment the day begins).
    public func startOfDay(_ date: CivilDate) -> Instant {
        firstInstant(localMillis: Int64(date.daysSinceEpoch) * ZoneRules.dayMillis)
    }

    func startOfDay(dayNumber: Int) -> Instant {
        firstInstant(localMillis: Int64(dayNumber) * ZoneRules.dayMillis)
    }
}
