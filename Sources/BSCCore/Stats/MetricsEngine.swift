/// What to report.
public struct MetricsQuery: Sendable, Equatable {
    public var period: ReportingPeriod
    /// Tickets whose reopen window is still open at this moment are provisional.
    public var asAt: Instant
    /// One table per dimension, in this order.
    public var dimensions: [BreakdownDimension]
    /// Buckets covering the period, each cut to the period.
    public var series: SeriesGranularity?

    public init(period: ReportingPeriod, asAt: Instant, dimensions: [BreakdownDimension] = [], series: SeriesGranularity? = nil) {
        self.period = period
        self.asAt = asAt
        self.dimensions = dimensions
        self.series = series
    }
}

public struct BreakdownRow: Sendable, Equatable {
    /// The queue id, category id, channel, agent login or caller type.
    public var key: String
    public var metrics: MetricSet
}

public struct Breakdown: Sendable, Equatable {
    public var dimension: BreakdownDimension
    /// Groups with at least one ticket opened or resolved in the period, by key.
    public var rows: [BreakdownRow]
}

public struct SeriesPoint: Sendable, Equatable {
    /// The bucket (an ISO week or a month), for its label.
    public var bucket: ReportingPeriod
    /// The days of the bucket that were counted (cut to the query's period).
    public var firstDay: CivilDate
    public var lastDay: CivilDate
    public var metrics: MetricSet
}

/// Everything one `stats` or `export` prints.
public struct MetricsReport: Sendable, Equatable {
    /// The journal's head hash and sequence when the figures were taken, so
    /// `bscdesk verify --against` can later prove the record they came from
    /// is intact. Set by the application layer.
    public var journalHead: String?
    public var journalHeadSeq: Int64?
    public var period: ReportingPeriod
    public var asAt: Instant
    public var targets: Targets
    public var reopenWindowMillis: Int64
    public var overall: MetricSet
    public var breakdowns: [Breakdown]
    public var series: [SeriesPoint]
    public var granularity: SeriesGranularity?

    /// Whether any figure in the report is provisional.
    public var provisional: Bool {
        overall.provisional || breakdowns.contains { $0.rows.contains { $0.metrics.provisional } }
            || series.contains { $0.metrics.provisional }
    }

    /// The ids of the overall figures that are provisional.
    public var provisionalMetrics: [MetricID] { overall.metrics.filter(\.provisional).map(\.id) }
}

/// For the TUI's FCR dashboard: the current period against target, the
/// last 12 buckets, and breakdowns by queue, channel and (for supervisors)
/// agent.
public struct FCRDashboardData: Sendable, Equatable {
    public var asAt: Instant
    /// The bucket (week or month) containing the as-at date.
    public var current: ReportingPeriod
    /// Every metric with value, target and RAG; `currentMetrics[.grossFCR]`.
    public var currentMetrics: MetricSet
    /// The 12 buckets ending with the current one, oldest first.
    public var trend: [SeriesPoint]
    public var byQueue: Breakdown
    public var byChannel: Breakdown
    /// nil unless asked for (supervisors only; BSCApp checks the role).
    public var byAgent: Breakdown?
}

/// The metrics engine: pure, no I/O. Build once per projection (the index
/// build reads every ticket); queries are then fast passes over the index.
/// When new events change a few tickets, `update(slots:…)` brings the
/// index up to date from those tickets alone.
public struct MetricsEngine: Sendable {
    public private(set) var index: MetricsIndex
    public let targets: Targets
    public let zone: ZoneRules

    public init(store: TicketStore, configuration: DeskConfiguration, calendar: WorkingCalendar) {
        index = MetricsIndex(store: store, taxonomy: configuration.taxonomy, calendar: calendar,
                             reopenWindowMillis: configuration.reopenWindow.millis)
        targets = configuration.targets
        zone = calendar.zone
    }

    /// Brings the index up to date after the tickets at `slots` (ticket
    /// number − 1) changed or were opened in `store`; the same figures as a
    /// new engine built on `store` with the same configuration.
    public mutating func update<S: Sequence<Int>>(slots: S, store: TicketStore, configuration: DeskConfiguration, calendar: WorkingCalendar) {
        index.update(slots: slots, store: store, taxonomy: configuration.taxonomy, calendar: calendar)
    }

    public init(index: MetricsIndex, targets: Targets) {
        self.index = index
        self.targets = targets
        self.zone = index.zone
    }

    static func days(_ a: CivilDate, _ b: CivilDate) -> (Int32, Int32) {
        (Int32(a.daysSinceEpoch), Int32(b.daysSinceEpoch))
    }

    /// All tickets of the period, one set of figures.
    public func metrics(for period: ReportingPeriod, asAt: Instant) -> MetricSet {
        metrics(from: period.firstDay, to: period.lastDay, asAt: asAt)
    }

    public func metrics(from first: CivilDate, to last: CivilDate, asAt: Instant) -> MetricSet {
        let (a, b) = Self.days(first, last)
        return MetricSet(tally: index.tally(firstDay: a, lastDay: b, asAt: asAt, dimension: nil)[0], targets: targets)
    }

    public func breakdown(_ dimension: BreakdownDimension, period: ReportingPeriod, asAt: Instant) -> Breakdown {
        let (a, b) = Self.days(period.firstDay, period.lastDay)
        let tallies = index.tally(firstDay: a, lastDay: b, asAt: asAt, dimension: dimension)
        let names = index.names(of: dimension)
        var rows: [BreakdownRow] = []
        for (i, t) in tallies.enumerated() where !t.isEmpty && i < names.count {
            rows.append(BreakdownRow(key: names[i].isEmpty ? "(none)" : names[i], metrics: MetricSet(tally: t, targets: targets)))
        }
        rows.sort { $0.key < $1.key }
        return Breakdown(dimension: dimension, rows: rows)
    }

    /// Buckets covering `period`, each cut to it.
    public func series(_ granularity: SeriesGranularity, covering period: ReportingPeriod, asAt: Instant) -> [SeriesPoint] {
        granularity.buckets(covering: period).map { bucket in
            let first = max(bucket.firstDay, period.firstDay), last = min(bucket.lastDay, period.lastDay)
            return SeriesPoint(bucket: bucket, firstDay: first, lastDay: last, metrics: metrics(from: first, to: last, asAt: asAt))
        }
    }

    /// The `n` whole buckets ending with the one containing `date`, oldest first.
    public func series(_ granularity: SeriesGranularity, last n: Int, endingWith date: CivilDate, asAt: Instant) -> [SeriesPoint] {
        granularity.lastN(n, endingWith: date).map { bucket in
            SeriesPoint(bucket: bucket, firstDay: bucket.firstDay, lastDay: bucket.lastDay, metrics: metrics(for: bucket, asAt: asAt))
        }
    }

    public func report(_ q: MetricsQuery) -> MetricsReport {
        MetricsReport(
            period: q.period, asAt: q.asAt, targets: targets, reopenWindowMillis: index.reopenWindowMillis,
            overall: metrics(for: q.period, asAt: q.asAt),
            breakdowns: q.dimensions.map { breakdown($0, period: q.period, asAt: q.asAt) },
            series: q.series.map { series($0, covering: q.period, asAt: q.asAt) } ?? [],
            granularity: q.series)
    }

    /// The FCR dashboard for any period: its figures, the 12 `trend`
    /// buckets ending with the one holding its last day, and its breakdowns.
    public func fcrDashboard(period: ReportingPeriod, trend: SeriesGranularity, asAt: Instant, includeAgents: Bool = false) -> FCRDashboardData {
        FCRDashboardData(
            asAt: asAt, current: period, currentMetrics: metrics(for: period, asAt: asAt),
            trend: series(trend, last: 12, endingWith: period.lastDay, asAt: asAt),
            byQueue: breakdown(.queue, period: period, asAt: asAt),
            byChannel: breakdown(.channel, period: period, asAt: asAt),
            byAgent: includeAgents ? breakdown(.agent, period: period, asAt: asAt) : nil)
    }

    /// The FCR dashboard: current week or month vs target with RAG, the
    /// last 12 buckets, and breakdowns of the current bucket.
    public func fcrDashboard(asAt: Instant, granularity: SeriesGranularity = .month, includeAgents: Bool = false) -> FCRDashboardData {
        let today = zone.localDate(asAt)
        let current = granularity.period(containing: today)
        return FCRDashboardData(
            asAt: asAt, current: current, currentMetrics: metrics(for: current, asAt: asAt),
            trend: series(granularity, last: 12, endingWith: today, asAt: asAt),
            byQueue: breakdown(.queue, period: current, asAt: asAt),
            byChannel: breakdown(.channel, period: current, asAt: asAt),
            byAgent: includeAgents ? breakdown(.agent, period: current, asAt: asAt) : nil)
    }
}
