import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// The metrics engine a desk keeps between queries.
struct MetricsCache {
    var engine: MetricsEngine
    /// `store.eventCount` when the engine was last brought up to date.
    var eventCount: Int
    /// Slots (number − 1) of the tickets touched by events folded in since,
    /// and how many events that was.
    var touched: Set<Int> = []
    var folded = 0

    init(engine: MetricsEngine, eventCount: Int) {
        self.engine = engine
        self.eventCount = eventCount
    }

    mutating func note(_ ref: TicketRef) {
        touched.insert(ref.number - 1)
        folded += 1
    }
}

/// The stats and export services: parsing the period options, the
/// supervisor-only agent breakdown, and writing export files.
extension Desk {
    /// A metrics engine over the current projection. The first call builds
    /// the per-ticket index (it reads every ticket: ~0.75 s at 1M events);
    /// the desk keeps it, and later calls bring it up to date from the
    /// tickets that events folded in since (`refresh()`, appends) touched.
    /// A new `load()` drops it. The figures are always those of a fresh
    /// engine on `store`.
    public func metricsEngine() -> MetricsEngine {
        if metricsCache != nil {
            let eventCount = metricsCache!.eventCount, folded = metricsCache!.folded
            let touched = metricsCache!.touched
            // Every change to the store goes through `fold`; if the counts
            // disagree, or so many tickets changed that a build is cheaper,
            // build afresh.
            if eventCount + folded == store.eventCount && touched.count <= max(1_000, store.count / 8) {
                if folded > 0 {
                    metricsCache!.touched = []
                    metricsCache!.folded = 0
                    metricsCache!.eventCount = store.eventCount
                    // In place: the desk holds the only copy unless a caller kept one.
                    metricsCache!.engine.update(slots: touched, store: store, configuration: config, calendar: calendar)
                }
                return metricsCache!.engine
            }
            metricsCache = nil
        }
        let engine = MetricsEngine(store: store, configuration: config, calendar: calendar)
        metricsCache = MetricsCache(engine: engine, eventCount: store.eventCount)
        return engine
    }

    /// Whether the desk holds a metrics engine, and how many events it has
    /// yet to catch up on (for tests and the bench).
    public var metricsEngineState: (cached: Bool, pendingEvents: Int) {
        (metricsCache != nil, metricsCache?.folded ?? 0)
    }

    public static let dimensionsAllowed = BreakdownDimension.allCases.map(\.rawValue).joined(separator: ", ")

    /// Builds a query from command-line style options. Default period: the
    /// current month. Errors are one line naming what is allowed.
    public func metricsQuery(period: String?, from: String?, to: String?, by: [String], series: String?, asAt: Instant? = nil) throws(DeskError) -> MetricsQuery {
        let now = asAt ?? self.now()
        let p: ReportingPeriod
        if let period {
            guard from == nil && to == nil else {
                throw .usage("give either --period or --from/--to, not both")
            }
            do { p = try ReportingPeriod.parse(period) } catch { throw .usage(error.description) }
        } else if from != nil || to != nil {
            guard let from, let to else { throw .usage("--from and --to go together: give both as dates like 2026-11-01") }
            guard let a = CivilDate.parse(from) else { throw .usage("bad --from \"\(from)\": use a date like 2026-11-01") }
            guard let b = CivilDate.parse(to) else { throw .usage("bad --to \"\(to)\": use a date like 2026-11-30") }
            guard let range = ReportingPeriod.custom(from: a, to: b) else {
                throw .usage("--from \(a) is after --to \(b): the range must run forwards")
            }
            p = range
        } else {
            p = .month(containing: zone.localDate(now))
        }
        var dims: [BreakdownDimension] = []
        for name in by {
            guard let d = BreakdownDimension(rawValue: name) else {
                throw .usage("unknown dimension \"\(name)\" for --by: use one of \(Desk.dimensionsAllowed)")
            }
            if !dims.contains(d) { dims.append(d) }
        }
        var granularity: SeriesGranularity? = nil
        if let series {
            switch series {
            case "week": granularity = .week
            case "month": granularity = .month
            default: throw .usage("unknown series \"\(series)\": use week or month")
            }
        }
        return MetricsQuery(period: p, asAt: now, dimensions: dims, series: granularity)
    }

    /// Only supervisors may see figures per agent.
    public func checkMayBreakDownByAgent(_ q: MetricsQuery) throws(DeskError) {
        if q.dimensions.contains(.agent) && profile.role != .supervisor {
            throw .permission("only supervisors may break figures down by agent (--by agent); you are \(profile.role.rawValue). Use --by queue, category, channel, caller-type or source-category")
        }
    }

    public func metricsReport(_ q: MetricsQuery) throws(DeskError) -> MetricsReport {
        try checkMayBreakDownByAgent(q)
        var r = metricsEngine().report(q)
        if let tail = try? journal.tail() {
            r.journalHead = tail.hash
            r.journalHeadSeq = tail.seq
        }
        return r
    }

    /// For the TUI's FCR dashboard; the agent breakdown only for supervisors.
    public func fcrDashboard(granularity: SeriesGranularity = .month) -> FCRDashboardData {
        metricsEngine().fcrDashboard(asAt: now(), granularity: granularity, includeAgents: profile.role == .supervisor)
    }

    /// The dashboard for a chosen period, its trend in `trend` buckets.
    public func fcrDashboard(period: ReportingPeriod, trend: SeriesGranularity) -> FCRDashboardData {
        metricsEngine().fcrDashboard(period: period, trend: trend, asAt: now(), includeAgents: profile.role == .supervisor)
    }

    public func renderMetrics(_ r: MetricsReport, format: MetricsOutput.Format) -> String {
        switch format {
        case .table: return MetricsOutput.table(r, zone: zone)
        case .csv: return MetricsOutput.csv(r)
        case .json: return MetricsOutput.json(r, zone: zone).serialized() + "\n"
        case .md: return MetricsOutput.markdown(r, zone: zone)
        }
    }

    /// The sidecar file written beside a CSV export.
    public static func sidecarPath(forCSV path: String) -> String { path + ".definitions.md" }

    /// Writes an export atomically with mode 0600. A CSV export gets its
    /// definitions in a sidecar `FILE.definitions.md`. Returns the paths
    /// written. An existing file is replaced only with `overwrite` (a
    /// committee's figures are not lost to a typo), and a failure leaves
    /// nothing behind: the export first, then its sidecar, and a new export
    /// is removed again if its sidecar cannot be written.
    @discardableResult
    public func exportMetrics(_ r: MetricsReport, format: MetricsOutput.Format, to path: String, bom: Bool,
                              overwrite: Bool = false) throws(DeskError) -> [String] {
        guard format != .table else { throw .usage("export writes csv, json or md, not table") }
        let side = format == .csv ? Desk.sidecarPath(forCSV: path) : nil
        var st = stat()
        if path.hasSuffix("/") || (stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR) {
            throw .usage("\(terminalSafe(path)) is a directory: --out takes a file name, e.g. \(terminalSafe(path.hasSuffix("/") ? path : path + "/"))fcr.csv; nothing was written")
        }
        for p in [path] + (side.map { [$0] } ?? []) where !overwrite && lstat(p, &st) == 0 {
            throw .usage("\(terminalSafe(p)) already exists: choose another file, or add --force to replace it; nothing was written")
        }
        var text = renderMetrics(r, format: format)
        if bom { text = "\u{FEFF}" + text }
        let existed = lstat(path, &st) == 0
        try data.writeAtomically(path, text, mode: 0o600)
        guard let side else { return [path] }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        do {
            try data.writeAtomically(side, MetricsOutput.csvSidecar(r, csvName: name, zone: zone), mode: 0o600)
        } catch {
            if !existed { unlink(path) }
            throw error
        }
        return [path, side]
    }
}
