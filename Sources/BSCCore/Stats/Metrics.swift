/// The figures bscdesk reports. Raw values are the ids used in JSON and CSV
/// exports; they must never change meaning.
public enum MetricID: String, CaseIterable, Sendable {
    case grossFCR = "gross_fcr"
    case netFCR = "net_fcr"
    case flr
    case reopenRate = "reopen_rate"
    case averageHandleTime = "aht"
    case timeToResolve = "time_to_resolve"
    case slaAttainment = "sla"
    case csat

    public enum Unit: String, Sendable { case percent, minutes, hours }

    public var label: String {
        switch self {
        case .grossFCR: return "Gross FCR"
        case .netFCR: return "Net FCR"
        case .flr: return "First-level resolution"
        case .reopenRate: return "Reopen rate"
        case .averageHandleTime: return "Average handle time"
        case .timeToResolve: return "Time to resolve (mean)"
        case .slaAttainment: return "SLA attainment"
        case .csat: return "CSAT"
        }
    }

    public var unit: Unit {
        switch self {
        case .averageHandleTime: return .minutes
        case .timeToResolve: return .hours
        default: return .percent
        }
    }

    /// What the numerator counts, the same in every output: tickets,
    /// contacts or ratings ("count"), or milliseconds of handle or working
    /// time ("ms") for AHT and time to resolve.
    public var numeratorUnit: String { unit == .percent ? "count" : "ms" }

    /// The numerator's column in CSV exports: `aht_numerator_ms` for the
    /// time metrics, so the header says the unit; `gross_fcr_numerator` for counts.
    public var numeratorColumn: String { rawValue + (unit == .percent ? "_numerator" : "_numerator_ms") }

    /// Handle time, time to resolve and reopen rate: RAG flips.
    public var lowerIsBetter: Bool {
        self == .reopenRate || self == .averageHandleTime || self == .timeToResolve
    }

    /// Whether the ticket counts by the date of its first contact (else of its resolution).
    public var countsByFirstContact: Bool {
        self == .grossFCR || self == .netFCR || self == .flr || self == .averageHandleTime
    }

    public func target(in t: Targets) -> Double {
        switch self {
        case .grossFCR: return t.fcr
        case .netFCR: return t.netFCR
        case .flr: return t.flr
        case .reopenRate: return t.reopenRate
        case .averageHandleTime: return t.averageHandleMinutes
        case .timeToResolve: return t.timeToResolveHours
        case .slaAttainment: return t.sla
        case .csat: return t.csat
        }
    }
}

/// Red, amber, green against a target, always with its word so that
/// meaning never rests on colour alone.
public enum RAG: String, Sendable, CaseIterable {
    case green = "GREEN"
    case amber = "AMBER"
    case red = "RED"
    /// Zero denominator: no figure, so no status.
    case notApplicable = "n/a"

    public var text: String { rawValue }
    public var label: String { rawValue }

    /// A symbol for the same meaning, for tight cells.
    public var symbol: String {
        switch self {
        case .green: return "✓"
        case .amber: return "!"
        case .red: return "✗"
        case .notApplicable: return "-"
        }
    }

    public var asciiSymbol: String {
        switch self {
        case .green: return "v"
        case .amber: return "!"
        case .red: return "X"
        case .notApplicable: return "-"
        }
    }

    /// Higher is better: green at or above `target`, amber in
    /// `[target − margin, target)`, red below. Lower is better: green at or
    /// below, amber in `(target, target + margin]`, red above. For time
    /// metrics (`unit` minutes or hours) the margin is that many percent of
    /// the target; for percentages it is in percentage points.
    public static func of(_ value: Double?, target: Double, margin: Double, lowerIsBetter: Bool, unit: MetricID.Unit) -> RAG {
        guard let value else { return .notApplicable }
        let m = unit == .percent ? margin : target * margin / 100
        if lowerIsBetter {
            if value <= target { return .green }
            return value <= target + m ? .amber : .red
        }
        if value >= target { return .green }
        return value >= target - m ? .amber : .red
    }
}

/// One figure with what it is made of.
public struct MetricValue: Sendable, Equatable {
    public var id: MetricID
    /// Percentages: the count. AHT: total handle time (ms). Time to resolve:
    /// total working time (ms).
    public var numerator: Int64
    /// Percentages: the count it is taken of. AHT: contacts with a duration.
    /// Time to resolve: tickets resolved.
    public var denominator: Int64
    /// Percent, minutes or hours; nil when the denominator is zero ("n/a").
    public var value: Double?
    public var target: Double
    public var rag: RAG
    /// Contains first-contact resolutions whose reopen window is still open.
    public var provisional: Bool

    /// `87.5%`, `5.2 min`, `18.0 h` or `n/a`.
    public var text: String {
        guard let value else { return "n/a" }
        switch id.unit {
        case .percent: return MetricValue.fixed1(value) + "%"
        case .minutes: return MetricValue.fixed1(value) + " min"
        case .hours: return MetricValue.fixed1(value) + " h"
        }
    }

    public var targetText: String {
        switch id.unit {
        case .percent: return (id.lowerIsBetter ? "≤ " : "≥ ") + MetricValue.fixed1(target) + "%"
        case .minutes: return "≤ " + MetricValue.fixed1(target) + " min"
        case .hours: return "≤ " + MetricValue.fixed1(target) + " h"
        }
    }

    /// One decimal, rounded half away from zero, no locale.
    public static func fixed1(_ v: Double) -> String {
        let tenths = (abs(v) * 10).rounded(.toNearestOrAwayFromZero)
        let whole = Int64(tenths) / 10, frac = Int64(tenths) % 10
        return (v < 0 && tenths != 0 ? "-" : "") + String(whole) + "." + String(frac)
    }
}

/// Integer counts behind the figures for one group of tickets. Everything
/// reported is derived from these, so every figure can be re-added by hand.
public struct Tally: Sendable, Equatable {
    // Counted by the date of the first contact.
    public var ticketsOpened: Int64 = 0
    public var contacts: Int64 = 0
    public var contactsWithDuration: Int64 = 0
    public var contactsWithoutDuration: Int64 = 0
    public var handleMillis: Int64 = 0
    /// Tickets flagged resolved at first contact (before disqualification).
    public var fcrFlagged: Int64 = 0
    public var fcr: Int64 = 0
    public var fcrProvisional: Int64 = 0
    public var disqualifiedReopened: Int64 = 0
    public var disqualifiedRepeatContact: Int64 = 0
    public var disqualifiedSameCaller: Int64 = 0
    public var netOpened: Int64 = 0
    public var netFCR: Int64 = 0
    public var netFCRProvisional: Int64 = 0
    public var flr: Int64 = 0
    /// Imported tickets whose first contact's outcome is unknown: left out
    /// of gross FCR (and, for front-desk categories, net FCR).
    public var fcrUnknown: Int64 = 0
    public var netFCRUnknown: Int64 = 0
    // Counted by the date of resolution.
    public var resolved: Int64 = 0
    public var resolvedReopened: Int64 = 0
    public var resolveWorkingMillis: Int64 = 0
    public var slaTargeted: Int64 = 0
    public var slaMet: Int64 = 0
    public var ratings: Int64 = 0
    public var ratingsGood: Int64 = 0

    public init() {}

    public var disqualified: Int64 { disqualifiedReopened + disqualifiedRepeatContact + disqualifiedSameCaller }
    public var isEmpty: Bool { ticketsOpened == 0 && resolved == 0 }

    public mutating func add(_ o: Tally) {
        ticketsOpened += o.ticketsOpened; contacts += o.contacts
        contactsWithDuration += o.contactsWithDuration; contactsWithoutDuration += o.contactsWithoutDuration
        handleMillis += o.handleMillis; fcrFlagged += o.fcrFlagged; fcr += o.fcr; fcrProvisional += o.fcrProvisional
        disqualifiedReopened += o.disqualifiedReopened; disqualifiedRepeatContact += o.disqualifiedRepeatContact
        disqualifiedSameCaller += o.disqualifiedSameCaller; netOpened += o.netOpened; netFCR += o.netFCR
        netFCRProvisional += o.netFCRProvisional; flr += o.flr; fcrUnknown += o.fcrUnknown; netFCRUnknown += o.netFCRUnknown; resolved += o.resolved; resolvedReopened += o.resolvedReopened
        resolveWorkingMillis += o.resolveWorkingMillis; slaTargeted += o.slaTargeted; slaMet += o.slaMet
        ratings += o.ratings; ratingsGood += o.ratingsGood
    }

    public func numeratorAndDenominator(_ id: MetricID) -> (Int64, Int64) {
        switch id {
        case .grossFCR: return (fcr, ticketsOpened - fcrUnknown)
        case .netFCR: return (netFCR, netOpened - netFCRUnknown)
        case .flr: return (flr, ticketsOpened)
        case .reopenRate: return (resolvedReopened, resolved)
        case .averageHandleTime: return (handleMillis, contactsWithDuration)
        case .timeToResolve: return (resolveWorkingMillis, resolved)
        case .slaAttainment: return (slaMet, slaTargeted)
        case .csat: return (ratingsGood, ratings)
        }
    }

    public func metric(_ id: MetricID, targets: Targets) -> MetricValue {
        let (n, d) = numeratorAndDenominator(id)
        var value: Double? = nil
        if d > 0 {
            switch id.unit {
            case .percent: value = Double(n) * 100 / Double(d)
            case .minutes: value = Double(n) / Double(d) / 60_000
            case .hours: value = Double(n) / Double(d) / 3_600_000
            }
        }
        let target = id.target(in: targets)
        let provisional = (id == .grossFCR && fcrProvisional > 0) || (id == .netFCR && netFCRProvisional > 0)
        return MetricValue(id: id, numerator: n, denominator: d, value: value, target: target,
                           rag: RAG.of(value, target: target, margin: targets.amberMargin, lowerIsBetter: id.lowerIsBetter, unit: id.unit),
                           provisional: provisional)
    }
}

/// The figures of one group of tickets for one period.
public struct MetricSet: Sendable, Equatable {
    public var tally: Tally
    /// In `MetricID.allCases` order.
    public var metrics: [MetricValue]

    public init(tally: Tally, targets: Targets) {
        self.tally = tally
        self.metrics = MetricID.allCases.map { tally.metric($0, targets: targets) }
    }

    public subscript(id: MetricID) -> MetricValue { metrics.first { $0.id == id }! }

    public var provisional: Bool { metrics.contains { $0.provisional } }
}
