import BSCApp
import BSCCore

/// The supervisor's FCR dashboard: any period's figures against target
/// with RAG (as words and symbols, never colour alone), the gross FCR
/// trend over the 12 buckets ending with it (an empty bucket is n/a, never
/// 0%), breakdowns by queue, channel and (supervisors only) agent, and a
/// key to export the period as CSV where the user says (not for agents).
public struct DashboardScreen: Screen {
    enum Action: Sendable { case span, previous, next, pick, breakdown, refresh, export }

    /// The period shown: this day, week, month, quarter or financial year,
    /// moved with [ ], or one typed with `p`.
    public enum Span: String, CaseIterable, Sendable {
        case day, week, month, quarter, year
        var trend: SeriesGranularity {
            switch self {
            case .day: .day
            case .week: .week
            case .month, .year: .month
            case .quarter: .quarter
            }
        }
        func period(containing date: CivilDate) -> ReportingPeriod {
            self == .year ? .financialYear(containing: date) : trend.period(containing: date)
        }
        init(_ kind: ReportingPeriod.Kind) {
            switch kind {
            case .day: self = .day
            case .isoWeek: self = .week
            case .month, .custom: self = .month
            case .quarter: self = .quarter
            case .financialYear: self = .year
            }
        }
    }

    enum Editing { case period, exportPath }

    var bindings: KeyBindingTable<Action> {
        var entries = [
            KeyBinding([.function(4), .char("g")], bar: "Span", help: "Next span: day, week, month, quarter, financial year (the one holding today)", action: Action.span),
            KeyBinding([.char("["), .left], help: "Previous period", action: .previous),
            KeyBinding([.char("]"), .right], help: "Next period", action: .next),
            KeyBinding([.char("p")], bar: "Period", help: "Type a period: 2026-11-24, 2026-W48, 2026-11, 2026/27-Q3, 2026/27 or FROM/TO", action: .pick),
            KeyBinding([.tab, .char("b")], help: "Next breakdown: queue, channel, agent", action: .breakdown),
            KeyBinding([.function(5), .char("r")], bar: "Recalc", help: "Recalculate now", action: .refresh),
        ]
        if canExport {
            entries.append(KeyBinding([.function(6), .char("e")], bar: "Export", help: "Export this period as CSV (with its definitions file) to a file you name", action: .export))
        }
        return KeyBindingTable(entries)
    }

    let session: DeskSession
    public private(set) var span = Span.month
    /// The period shown; nil is the span's period holding today.
    public private(set) var chosen: ReportingPeriod?
    var breakdown = 0
    var data: FCRDashboardData?
    var computedAtEvent = -1
    var computedAt: Instant?
    var editing: Editing?
    var input = TextFieldState()

    /// Recalculating reads every ticket: at most this often on live data.
    static let recomputeMillis: Int64 = 30_000

    public init(session: DeskSession) { self.session = session }

    public var title: String { "FCR dashboard" }
    public var minimumSize: Size { Size(width: 40, height: 8) }
    public var keyHelp: KeyHelp { bindings.help }
    /// Agents see the figures but take no copies of them away.
    var canExport: Bool { session.desk.profile.role != .agent }

    func period(now: Instant) -> ReportingPeriod {
        chosen ?? span.period(containing: session.desk.zone.localDate(now))
    }

    mutating func recompute(now: Instant) {
        let p = period(now: now)
        data = session.desk.fcrDashboard(period: p, trend: Span(p.kind).trend)
        computedAtEvent = session.desk.store.eventCount
        computedAt = now
    }

    /// Shows `text` as the period (the `:period` command and `p`); nil
    /// when it is not one, with the reason.
    public mutating func choose(period text: String, now: Instant) -> Message? {
        do {
            let p = try ReportingPeriod.parse(text)
            chosen = p
            span = Span(p.kind)
            recompute(now: now)
            return nil
        } catch {
            return Message(.error, "\"\(terminalSafe(text))\" is not a period: \(error)")
        }
    }

    public var commands: [CommandHelp] {
        [CommandHelp("period", "P", help: "Show a period: 2026-11-24, 2026-W48, 2026-11, 2026/27-Q3, 2026/27")]
            + (canExport ? [CommandHelp("export", "FILE", help: "Export this period as CSV to FILE")] : [])
    }

    public mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome? {
        switch command {
        case "period":
            return choose(period: argument, now: context.now).map { .message($0) } ?? .handled
        case "export" where canExport:
            if data == nil { recompute(now: context.now) }
            return export(to: argument.isEmpty ? defaultExportPath(now: context.now) : argument)
        default:
            return nil
        }
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
        if let mode = editing {
            switch key {
            case .escape: editing = nil
            case .enter:
                let text = input.text.trimmingCharacters(in: .whitespaces)
                editing = nil
                if text.isEmpty { return .handled }
                if mode == .period {
                    if let m = choose(period: text, now: context.now) { return .message(m) }
                } else {
                    return export(to: text)
                }
            default: _ = input.handle(key)
            }
            return .handled
        }
        switch bindings.action(for: key) {
        case .span:
            let all = Span.allCases
            span = all[(all.firstIndex(of: span)! + 1) % all.count]
            chosen = nil
            recompute(now: context.now)
        case .previous:
            chosen = period(now: context.now).previous
            recompute(now: context.now)
        case .next:
            chosen = period(now: context.now).next
            recompute(now: context.now)
        case .pick:
            editing = .period
            input = TextFieldState(period(now: context.now).label)
        case .breakdown:
            breakdown = (breakdown + 1) % max(1, breakdowns.count)
        case .refresh:
            recompute(now: context.now)
            return .message(Message(.info, "recalculated"))
        case .export:
            guard data != nil else { return .message(Message(.warning, "nothing to export yet")) }
            editing = .exportPath
            input = TextFieldState(defaultExportPath(now: context.now))
        case nil:
            // Agents asking for an export are told why there is none.
            if !canExport, key == .function(6) || key == .char("e") {
                return .message(Message(.warning, "exports are for team leaders and supervisors; an agent's role has none"))
            }
            return .ignored
        }
        return .handled
    }

    /// The data directory's exports/ with the period and time in the name;
    /// offered for the agent to change.
    func defaultExportPath(now: Instant) -> String {
        let label = period(now: now).label.replacingOccurrences(of: "/", with: "-")
        let stamp = Timestamp.format(now).prefix(19).replacingOccurrences(of: ":", with: "")
        return "\(session.desk.data.path)/exports/fcr-\(label)-\(stamp).csv"
    }

    /// The export of the period shown, for the app's runner to write.
    func export(to path: String) -> ScreenOutcome {
        guard let d = data, canExport else { return .message(Message(.warning, "nothing to export")) }
        let by = session.desk.profile.role == .supervisor ? ["queue", "channel", "agent"] : ["queue", "channel"]
        return .perform(.exportMetrics(period: d.current.label, breakdowns: by, path: path))
    }

    static func bucketName(_ g: SeriesGranularity) -> String {
        switch g {
        case .day: "day"
        case .week: "week"
        case .month: "month"
        case .quarter: "quarter"
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
        let kind = Span(d.current.kind).trend
        let today = desk.zone.localDate(d.asAt)
        let heading = d.current.contains(today) && d.current.kind != .custom ? "This \(span.rawValue)" : "Period"
        if let mode = editing {
            let label = mode == .period ? "Period: " : "Export to: "
            TextField(label: label, focused: true).render(in: Rect(x: area.x, y: y, width: w, height: 1), grid: &grid, state: &input)
        } else {
            grid.put("\(heading): \(d.current.label) · as at \(desk.localText(d.asAt))", x: area.x, y: y, style: Style(.title, bold: true), maxWidth: w)
        }
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
        // The gross FCR trend; an empty bucket is n/a (a dot), not 0%.
        let values = d.trend.map { $0.metrics[.grossFCR].value }
        let labelText = "FCR trend, last \(d.trend.count) \(Self.bucketName(kind))s: "
        let sparkWidth = min(d.trend.count, max(0, w - displayWidth(labelText) - 2))
        grid.put(labelText, x: area.x, y: y, style: Style(.header), maxWidth: w)
        Sparkline(values, role: .success, maximum: 100).render(
            in: Rect(x: area.x + displayWidth(labelText), y: y, width: sparkWidth, height: 1), grid: &grid)
        y += 1
        if let first = d.trend.first, let last = d.trend.last {
            let known = values.compactMap { $0 }
            let empty = values.count - known.count
            let range = known.isEmpty ? "all n/a" : "low \(Int(known.min()!))% high \(Int(known.max()!))%" + (empty > 0 ? ", \(empty) n/a (·: no tickets)" : "")
            grid.put("  \(first.bucket.label) … \(last.bucket.label), \(range)", x: area.x, y: y, style: Style(.dim), maxWidth: w)
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
