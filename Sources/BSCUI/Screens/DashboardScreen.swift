import BSCApp
import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// The supervisor's FCR dashboard: this week's or month's figures against
/// target with RAG (as words and symbols, never colour alone), the gross
/// FCR trend over the last 12 periods, breakdowns by queue, channel and
/// (supervisors only) agent, and a key to export the period as CSV.
public struct DashboardScreen: Screen {
    enum Action: Sendable { case granularity, breakdown, refresh, export }

    let bindings = KeyBindingTable<Action>([
        KeyBinding([.function(4), .char("g")], bar: "Wk/Mo", help: "Switch between this week and this month", action: .granularity),
        KeyBinding([.tab, .char("b")], help: "Next breakdown: queue, channel, agent", action: .breakdown),
        KeyBinding([.function(5), .char("r")], bar: "Recalc", help: "Recalculate now", action: .refresh),
        KeyBinding([.function(6), .char("e")], bar: "Export", help: "Export this period as CSV (with its definitions file) into the data directory's exports/", action: .export),
    ])

    let session: DeskSession
    var granularity: SeriesGranularity = .month
    var breakdown = 0
    var data: FCRDashboardData?
    var computedAtEvent = -1
    var computedAt: Instant?

    /// Recalculating reads every ticket: at most this often on live data.
    static let recomputeMillis: Int64 = 30_000

    public init(session: DeskSession) { self.session = session }

    public var title: String { "FCR dashboard" }
    public var minimumSize: Size { Size(width: 40, height: 8) }
    public var keyHelp: KeyHelp { bindings.help }

    mutating func recompute(now: Instant) {
        data = session.desk.fcrDashboard(granularity: granularity)
        computedAtEvent = session.desk.store.eventCount
        computedAt = now
    }

    public mutating func tick(now: Instant) -> Bool {
        let changed = session.desk.store.eventCount != computedAtEvent
        let due = computedAt.map { now.millis - $0.millis >= Self.recomputeMillis } ?? true
        if data == nil || (changed && due) {
            recompute(now: now)
            return true
        }
        return false
    }

    var breakdowns: [(String, Breakdown)] {
        guard let d = data else { return [] }
        var out = [("queue", d.byQueue), ("channel", d.byChannel)]
        if let a = d.byAgent { out.append(("agent", a)) }
        return out
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        switch bindings.action(for: key) {
        case .granularity:
            granularity = granularity == .month ? .week : .month
            recompute(now: context.now)
            return .handled
        case .breakdown:
            breakdown = (breakdown + 1) % max(1, breakdowns.count)
            return .handled
        case .refresh:
            recompute(now: context.now)
            return .message(Message(.info, "recalculated"))
        case .export:
            return .message(export(now: context.now))
        case nil:
            return .ignored
        }
    }

    func export(now: Instant) -> Message {
        guard let d = data else { return Message(.warning, "nothing to export yet") }
        let desk = session.desk
        let dir = desk.data.path + "/exports"
        if mkdir(dir, 0o700) != 0 && errno != EEXIST {
            return Message(.error, "cannot create \(dir)")
        }
        let label = d.current.label.replacingOccurrences(of: "/", with: "-")
        let stamp = Timestamp.format(now).prefix(19).replacingOccurrences(of: ":", with: "")
        let path = "\(dir)/fcr-\(label)-\(stamp).csv"
        do {
            let by = desk.profile.role == .supervisor ? ["queue", "channel", "agent"] : ["queue", "channel"]
            let q = try desk.metricsQuery(period: d.current.label, from: nil, to: nil, by: by, series: nil)
            let report = try desk.metricsReport(q)
            try desk.exportMetrics(report, format: .csv, to: path, bom: false)
            return Message(.success, "exported \(path) (definitions beside it)")
        } catch {
            return Message(.error, error.message)
        }
    }

    static func ragStyle(_ r: RAG) -> Style {
        switch r {
        case .green: return Style(.ragGreen)
        case .amber: return Style(.ragAmber)
        case .red: return Style(.ragRed, bold: true)
        case .notApplicable: return Style(.dim)
        }
    }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        grid.fill(area)
        guard let d = data else {
            grid.put("calculating…", x: area.x, y: area.y, style: Style(.dim), maxWidth: area.width)
            return
        }
        let desk = session.desk
        var y = area.y
        let w = area.width
        let kind = granularity == .month ? "month" : "week"
        grid.put("This \(kind): \(d.current.label) · as at \(desk.localText(d.asAt))", x: area.x, y: y, style: Style(.title, bold: true), maxWidth: w)
        y += 1
        let header = "Metric".padded(toWidth: 24) + "Value".padded(toWidth: 10) + "Target".padded(toWidth: 12) + "RAG".padded(toWidth: 10) + "of"
        grid.put(header, x: area.x, y: y, style: Style(.header), maxWidth: w)
        y += 1
        let order: [MetricID] = [.grossFCR, .netFCR, .flr, .slaAttainment, .reopenRate, .averageHandleTime, .timeToResolve, .csat]
        let rows = area.height >= 20 ? order : [.grossFCR, .netFCR, .slaAttainment, .csat]
        for id in rows where y < area.y + area.height {
            let m = d.currentMetrics[id]
            var x = area.x
            x += grid.put(id.label.padded(toWidth: 24, ellipsis: true), x: x, y: y, style: .normal, maxWidth: max(0, area.x + w - x))
            x += grid.put((m.text + (m.provisional ? "*" : "")).padded(toWidth: 10), x: x, y: y, style: Style(.normal, bold: true), maxWidth: max(0, area.x + w - x))
            x += grid.put(m.targetText.padded(toWidth: 12), x: x, y: y, style: Style(.dim), maxWidth: max(0, area.x + w - x))
            x += grid.put((m.rag.symbol + " " + m.rag.text).padded(toWidth: 10), x: x, y: y, style: Self.ragStyle(m.rag), maxWidth: max(0, area.x + w - x))
            if m.denominator > 0, m.id.unit == .percent {
                grid.put("\(m.numerator)/\(m.denominator)", x: x, y: y, style: Style(.dim), maxWidth: max(0, area.x + w - x))
            }
            y += 1
        }
        guard y + 2 < area.y + area.height else { return }
        // The gross FCR trend; n/a periods draw as the lowest bar.
        let values = d.trend.map { $0.metrics[.grossFCR].value ?? 0 }
        let labelText = "FCR trend, last \(d.trend.count) \(kind)s: "
        let sparkWidth = min(d.trend.count, max(0, w - displayWidth(labelText) - 2))
        grid.put(labelText, x: area.x, y: y, style: Style(.header), maxWidth: w)
        Sparkline(values, role: .success, maximum: 100).render(
            in: Rect(x: area.x + displayWidth(labelText), y: y, width: sparkWidth, height: 1), grid: &grid)
        y += 1
        if let first = d.trend.first, let last = d.trend.last {
            let minV = values.min() ?? 0, maxV = values.max() ?? 0
            grid.put("  \(first.bucket.label) … \(last.bucket.label), low \(Int(minV))% high \(Int(maxV))%", x: area.x, y: y, style: Style(.dim), maxWidth: w)
            y += 1
        }
        let panels = breakdowns
        guard !panels.isEmpty, y + 1 < area.y + area.height else { return }
        let (name, b) = panels[breakdown % panels.count]
        let more = panels.count > 1 ? "  (Tab: " + panels.map(\.0).joined(separator: ", ") + ")" : ""
        grid.put("By \(name)" + more, x: area.x, y: y, style: Style(.header), maxWidth: w)
        y += 1
        for row in b.rows where y < area.y + area.height {
            let fcr = row.metrics[.grossFCR], sla = row.metrics[.slaAttainment]
            let line = terminalSafe(row.key).padded(toWidth: 22, ellipsis: true)
                + ("FCR " + fcr.text + " " + fcr.rag.symbol).padded(toWidth: 16)
                + ("SLA " + sla.text + " " + sla.rag.symbol).padded(toWidth: 16)
                + "opened \(row.metrics.tally.ticketsOpened)"
            grid.put(line, x: area.x, y: y, style: .normal, maxWidth: w)
            y += 1
        }
    }
}
