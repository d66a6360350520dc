import BSCApp
import BSCCore

/// The live queue board for team leaders: per-queue depth, age and SLA,
/// per-agent load and activity, and today's/this week's FCR and SLA
/// attainment with RAG. Updates itself on each tick from `BoardFeed`;
/// changed numbers are highlighted with ↑/↓ for a few seconds.
///
/// Team leaders and supervisors drill from a queue or an agent into a
/// ticket list to reassign or re-route; agents see the queue figures and
/// only their own row, and the acting keys tell them it is for team leaders.
///
/// Layouts: `wallboard` (big headline numbers, fewer columns, for a screen
/// across the room), normal, wide (≥ 120 columns: more columns), and
/// compact (terminal below 60×16: queues only).
public struct BoardScreen: Screen {
    enum Action: Sendable { case next, previous, first, last, switchPanel, drill, team, wallboard, refresh, why }
    enum Panel { case queues, agents }

    let bindings = KeyBindingTable<Action>([
        KeyBinding([.down, .char("j")], help: "Next row", action: .next),
        KeyBinding([.up, .char("k")], help: "Previous row", action: .previous),
        KeyBinding([.home, .char("g")], help: "First row", action: .first),
        KeyBinding([.end, .char("G")], help: "Last row (a table too long for the screen scrolls)", action: .last),
        KeyBinding([.char("x")], help: "Why red or amber: every alarm on the board, in full", action: .why),
        KeyBinding([.tab, .backTab], help: "Switch between queues and agents", action: .switchPanel),
        KeyBinding([.enter], bar: "Open", help: "Tickets of this queue or agent (team leaders)", action: .drill),
        KeyBinding([.function(4), .char("t")], bar: "Team", help: "Only my team's queues / all queues", action: .team),
        KeyBinding([.function(5), .char("r")], bar: "Read", help: "Re-read the journal now", action: .refresh),
        KeyBinding([.function(6), .char("w")], bar: "Wall", help: "Wallboard (big numbers) / detailed board", action: .wallboard),
    ])

    public let feed: BoardFeed
    public var wallboard: Bool
    public private(set) var teamOnly: Bool
    var panel = Panel.queues
    var queueRow = 0
    var agentRow = 0

    /// Compact below this terminal size.
    public static let compactBelow = Size(width: 60, height: 16)
    /// Extra columns from this width.
    public static let wideFrom = 120

    public init(feed: BoardFeed, wallboard: Bool = false, teamOnly: Bool = false) {
        self.feed = feed
        self.wallboard = wallboard
        self.teamOnly = teamOnly
    }

    /// The board on a desk, watching its journal (inotify, or polling with
    /// BSCDESK_NO_INOTIFY=1). The desk should be loaded.
    public init(desk: Desk, environment: [String: String], now: Instant, wallboard: Bool = false, teamOnly: Bool = false) {
        // The team server tells its screens of appends: no watcher there.
        let watcher = desk.appendsAreAnnounced ? nil : JournalWatcher(directory: desk.data.journalPath, environment: environment)
        self.init(feed: BoardFeed(desk: desk, watcher: watcher, now: now), wallboard: wallboard, teamOnly: teamOnly)
    }

    var desk: Desk { feed.desk }
    /// Team leaders and supervisors may move work.
    public var canAct: Bool { desk.profile.role >= .teamLeader }

    public var title: String { wallboard ? "Wallboard" : "Queue board" }
    public var minimumSize: Size { Size(width: 30, height: 6) }
    public var keyHelp: KeyHelp { bindings.help }
    /// Off inside the front desk, whose status line already says who, where,
    /// when and whether it is live.
    public var showsOwnStatus = true
    /// Drawn once for `board --print`: the frame says "static" even where
    /// the desk's boards are live (the team server's).
    public var printedOnce = false

    public var statusText: String {
        guard showsOwnStatus else { return teamOnly ? "my team" : "" }
        let t = desk.zone.localDateTime(feed.snapshot.computedAt)
        let hm = (t.hour < 10 ? "0" : "") + "\(t.hour):" + (t.minute < 10 ? "0" : "") + "\(t.minute)"
        let live = printedOnce ? "static" : desk.appendsAreAnnounced ? "live" : feed.watcher.map { $0.mode == .inotify ? "live" : "live (polling)" } ?? "static"
        return (teamOnly ? "my team · " : "") + live + " · " + hm
    }

    /// The figures this person may see: their team's queues if filtered;
    /// agents see only their own row.
    public var shown: BoardSnapshot { desk.boardAsSeen(feed.snapshot, teamOnly: teamOnly) }

    public mutating func tick(now: Instant) -> Bool { feed.tick(now: now) }

    /// What each column means and when a figure turns red, in help.
    public var helpNotes: [String] {
        let share = Self.number(desk.config.atRiskShare * 100)
        return [
            "Open: active tickets (open, routed, in progress, pending). Unasg: active, unassigned. Pend: pending, waiting for the customer or a third party (the SLA clock is paused). New: first contact received today, now in this queue. Res'd: resolved today, in this queue. Oldest: working hours since the oldest active ticket's first contact.",
            "Risk: tickets whose SLA clock has used \(share)% of its target. Brch: tickets past their target (the category's, else the queue's). Either is red when above 0; the line under the tables says which queue and target.",
            "CBdue: call-backs promised to callers (F7 on the call form) whose time has come, on active tickets in this queue; red when above 0, and the line under the tables says since when and how many more are due later today. `d` on the ticket list shows the ones due to you.",
            "FCR and SLA: red below target less the amber margin, amber within the margin, green at or above target; * provisional (a reopen window is still open). Held: tickets assigned and active. Contacts, Resolved, AHT: logged today.",
        ]
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(format1: d)
    }

    /// A queue's alarms with its target; nil when it has none.
    func alarms(_ q: QueueFigures) -> String? {
        guard q.breached > 0 || q.atRisk > 0 || q.callbacksDue > 0 else { return nil }
        let target = q.targetHours.map { "target \(Self.number($0)) working h, or the category's" } ?? "the category's target"
        var parts: [String] = []
        if q.breached > 0 { parts.append("Brch \(q.breached): past the SLA \(target)") }
        if q.atRisk > 0 { parts.append("Risk \(q.atRisk): \(Self.number(desk.config.atRiskShare * 100))% of it used") }
        if q.callbacksDue > 0 {
            parts.append("CBdue \(q.callbacksDue): call-backs due" + (q.oldestCallbackDue.map { " since \(desk.localText($0))" } ?? "")
                         + (q.callbacksLaterToday > 0 ? ", \(q.callbacksLaterToday) more later today" : ""))
        }
        return "\(q.name): " + parts.joined(separator: "; ")
    }

    /// The rates below target, with the figure each is judged against.
    func rateAlarms(_ s: BoardSnapshot) -> [String] {
        [("FCR today", s.fcrToday), ("SLA today", s.slaToday), ("FCR week", s.fcrWeek), ("SLA week", s.slaWeek)].compactMap { name, a in
            switch a.rag {
            case .red:
                return "\(name) is red: \(a.percentText) is below \(Self.number(a.target - a.amberMargin))% (target \(Self.number(a.target))% less the \(Self.number(a.amberMargin))-point amber margin)"
            case .amber:
                return "\(name) is amber: \(a.percentText) is below its \(Self.number(a.target))% target, within the \(Self.number(a.amberMargin))-point margin"
            default: return nil
            }
        }
    }

    /// Why something on the board is red or amber, for the line under
    /// the tables: the selected queue's alarms with its target, else the
    /// first rate below target with the figure it is judged against.
    func explanation(_ s: BoardSnapshot) -> String? {
        if panel == .queues, s.queues.indices.contains(queueRow), let a = alarms(s.queues[queueRow]) { return a }
        return rateAlarms(s).first
    }

    /// Every alarm on the board in full (`x`): what the line under the
    /// tables cannot hold at 80 columns.
    func allAlarms(_ s: BoardSnapshot) -> [String] { s.queues.compactMap(alarms) + rateAlarms(s) }

    // MARK: - Keys

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        guard let action = bindings.action(for: key) else {
            if key == .char(" ") && !canAct { return .message(Self.teamLeadersOnly) }
            return .ignored
        }
        let s = shown
        switch action {
        case .next, .previous:
            let step = action == .next ? 1 : -1
            if panel == .queues { queueRow = clamp(queueRow + step, s.queues.count) } else { agentRow = clamp(agentRow + step, s.agents.count) }
        case .switchPanel:
            panel = panel == .queues ? .agents : .queues
            if panel == .agents && (s.agents.isEmpty || wallboard) { panel = .queues }
        case .drill:
            guard canAct else { return .message(Self.teamLeadersOnly) }
            if panel == .queues, s.queues.indices.contains(queueRow) {
                let q = s.queues[queueRow]
                return .push(BoardTicketListScreen(feed: feed, scope: .queue(q.id, q.name), now: context.now))
            }
            if panel == .agents, s.agents.indices.contains(agentRow) {
                let a = s.agents[agentRow]
                return .push(BoardTicketListScreen(feed: feed, scope: .agent(a.login, a.name), now: context.now))
            }
            return .message(.info("Nothing selected"))
        case .team:
            if desk.profile.queues.isEmpty { return .message(Message(.warning, "You have no queues set up in the configuration")) }
            teamOnly.toggle()
            queueRow = 0
            agentRow = 0
            return .message(.info(teamOnly ? "Showing your team: " + desk.profile.queues.joined(separator: ", ") : "Showing all queues"))
        case .first:
            if panel == .queues { queueRow = 0 } else { agentRow = 0 }
        case .last:
            if panel == .queues { queueRow = max(0, s.queues.count - 1) } else { agentRow = max(0, s.agents.count - 1) }
        case .why:
            if allAlarms(s).isEmpty { return .message(.info("Nothing on the board is red or amber")) }
            return .push(BoardAlarmsScreen(board: self))
        case .wallboard:
            wallboard.toggle()
            panel = .queues
        case .refresh:
            feed.tick(now: context.now)
            feed.recompute(now: context.now)
            return .message(.info("Refreshed: \(feed.snapshot.eventCount) events"))
        }
        return .handled
    }

    static let teamLeadersOnly = Message(.warning, "Team leaders only: you can watch the board, but moving work needs the team-leader or supervisor role")

    private func clamp(_ i: Int, _ count: Int) -> Int { max(0, min(i, count - 1)) }

    // MARK: - Drawing

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        let s = shown
        queueRow = clamp(queueRow, s.queues.count)
        agentRow = clamp(agentRow, s.agents.count)
        let term = context.terminalSize
        if term.width < Self.compactBelow.width || term.height < Self.compactBelow.height {
            renderCompact(s, into: &grid, area: area, context: context)
        } else if wallboard {
            renderWallboard(s, into: &grid, area: area, context: context)
        } else {
            renderDetailed(s, into: &grid, area: area, context: context)
        }
    }

    private func change(_ cell: BoardCell, _ now: Instant) -> BoardChanges.Direction? { feed.changes.change(cell, now: now) }

    /// The most recent change on a row, for colouring the row's name (k9s).
    private func rowChange(_ cells: [BoardCell], _ now: Instant) -> BoardChanges.Direction? {
        cells.compactMap { c in feed.changes.changes[c].flatMap { now.millis - $0.at.millis < feed.changes.holdMillis ? $0 : nil } }
            .max { ($0.at, $0.direction == .up ? 1 : 0) < ($1.at, $1.direction == .up ? 1 : 0) }?.direction  // ties: up
    }

    private func metricLine(_ label: String, fcr: Attainment, sla: Attainment, fcrCell: BoardCell.Metric, slaCell: BoardCell.Metric,
                            in rect: Rect, grid: inout CellGrid, context: RenderContext) {
        var x = rect.x
        func put(_ text: String, _ style: Style) {
            guard x < rect.maxX else { return }
            x += grid.put(text, x: x, y: rect.y, style: style, maxWidth: rect.maxX - x)
        }
        put(label.padded(toWidth: 7), Style(.title))
        for (name, a, cell) in [("FCR ", fcr, fcrCell), ("SLA ", sla, slaCell)] {
            put(name, Style(.dim))
            let d = change(.metric(cell), context.now)
            let text = BoardText.attainment(a, unicode: context.unicode) + (d.map { context.unicode ? $0.arrow : $0.asciiArrow } ?? "")
            put(text.padded(toWidth: 22), d.map(BoardText.style) ?? Style(BoardText.ragRole(a.rag), bold: a.rag == .red))
            put(" ", .normal)
        }
    }

    private func queueColumns(wide: Bool) -> [BoardColumn] {
        var c: [BoardColumn] = [.name("Queue"), BoardColumn("Open", 5), BoardColumn("Unasg", 5), BoardColumn("Pend", 5),
                                BoardColumn("New", 5), BoardColumn("Res'd", 5), BoardColumn("Oldest", 6), BoardColumn("Risk", 5), BoardColumn("Brch", 5), BoardColumn("CBdue", 5)]
        if wide { c += [BoardColumn("SLA target", 10), BoardColumn("Oldest ticket", 13, .left)] }
        return c
    }

    private func queueCells(_ q: QueueFigures, wide: Bool, context: RenderContext) -> [BoardCellText] {
        let u = context.unicode
        func n(_ v: Int, _ f: BoardCell.QueueField) -> BoardCellText { BoardText.number(v, change: change(.queue(q.id, f), context.now), unicode: u) }
        var c = [BoardCellText(wide ? "\(q.name) (\(q.id))" : q.name),
                 n(q.open, .open), n(q.unassigned, .unassigned), n(q.pending, .pending), n(q.newToday, .newToday),
                 n(q.resolvedToday, .resolvedToday),
                 BoardText.number(q.oldestWorkingHours, change: change(.queue(q.id, .oldestHours), context.now), unicode: u, suffix: "h"),
                 BoardText.alarm(q.atRisk, change: change(.queue(q.id, .atRisk), context.now), role: .slaAtRisk, unicode: u),
                 BoardText.alarm(q.breached, change: change(.queue(q.id, .breached), context.now), role: .slaBreached, unicode: u),
                 BoardText.alarm(q.callbacksDue, change: nil, role: .slaBreached, unicode: u)]
        if wide {
            c.append(BoardCellText(q.targetHours.map { "\(Int($0))wh " } ?? "none "))
            c.append(BoardCellText(q.oldestRef?.description ?? "-"))
        }
        return c
    }

    private func agentColumns(wide: Bool) -> [BoardColumn] {
        var c: [BoardColumn] = [.name("Agent"), BoardColumn("Held", 5), BoardColumn("Contacts", 8), BoardColumn("Resolved", 8), BoardColumn("AHT", 6)]
        if wide { c += [BoardColumn("Role", 11, .left), BoardColumn("Queues", 40, .left)] }
        return c
    }

    private func agentCells(_ a: AgentFigures, wide: Bool, context: RenderContext) -> [BoardCellText] {
        let u = context.unicode
        func n(_ v: Int, _ f: BoardCell.AgentField) -> BoardCellText { BoardText.number(v, change: change(.agent(a.login, f), context.now), unicode: u) }
        let ahtChange = change(.agent(a.login, .averageHandleSeconds), context.now)
        let aht = BoardCellText(BoardText.duration(a.averageHandleMillis) + (ahtChange.map { u ? $0.arrow : $0.asciiArrow } ?? " "), ahtChange.map(BoardText.style))
        let name = a.name == a.login ? a.login : "\(a.name) (\(a.login))"
        var c = [BoardCellText(name), n(a.held, .held), n(a.contactsToday, .contactsToday), n(a.resolutionsToday, .resolutionsToday), aht]
        if wide {
            c.append(BoardCellText(a.role?.rawValue ?? "(not set up)"))
            c.append(BoardCellText(a.queues.joined(separator: ", ")))
        }
        return c
    }

    private func rowStyle(selected: Bool, focused: Bool, change: BoardChanges.Direction?) -> Style {
        if selected { return Style(focused ? .selection : .selectionInactive) }
        return .normal
    }

    /// Draws a table with a marker column; returns rows used.
    @discardableResult
    private func drawTable(columns: [BoardColumn], rows: [[BoardCellText]], rowChanges: [BoardChanges.Direction?], selected: Int?, focused: Bool,
                           in rect: Rect, grid: inout CellGrid, context: RenderContext, spacing: Int = 0, empty: String) -> Int {
        guard rect.height > 0 else { return 0 }
        let marker = context.unicode ? "▸" : ">"
        let (head, body) = rect.splitTop(1)
        let inner = { (r: Rect) in r.inset(left: 2) }
        let widths = BoardTable.widths(columns, total: inner(head).width)
        BoardTable.drawHeader(columns, widths: widths, in: inner(head), grid: &grid)
        grid.setStyle(head.splitLeft(2).left, Style(.header))
        if rows.isEmpty {
            grid.put(empty, in: inner(body.row(0)), style: Style(.dim))
            return 2
        }
        let step = 1 + spacing
        let fit = max(1, (body.height + spacing) / step)
        // Keep the selected row on screen.
        let first = selected.map { max(0, $0 - fit + 1) } ?? 0
        var used = 1
        for (i, index) in (first..<min(rows.count, first + fit)).enumerated() {
            let r = body.row(i * step)
            guard r.height > 0 else { break }
            let isSel = index == selected
            let style = rowStyle(selected: isSel, focused: focused, change: rowChanges[index])
            grid.fill(r, style: style)
            if isSel { grid.put(marker, in: r, style: style) }
            var cells = rows[index]
            if !isSel, let d = rowChanges[index], cells[0].style == nil { cells[0].style = BoardText.style(d) }
            BoardTable.drawRow(cells, columns: columns, widths: widths, in: inner(r), rowStyle: style, grid: &grid)
            used = 1 + i * step + 1
        }
        if rows.count > first + fit {
            // And how to reach them: Tab to this table, then j or End.
            // In the name column's header, so no column's title is hidden.
            let more = "… \(rows.count - first - fit) more" + (selected == nil ? " (Tab, j)" : " (j, End)")
            let x = inner(head).x + columns[0].title.displayWidth + 1
            grid.put(more, x: x, y: head.y, style: Style(.header), maxWidth: max(0, inner(head).x + widths[0] - x))
        }
        return used
    }

    private func queueRowChanges(_ s: BoardSnapshot, _ now: Instant) -> [BoardChanges.Direction?] {
        s.queues.map { q in rowChange(BoardCell.QueueField.allCases.map { .queue(q.id, $0) }, now) }
    }
    private func agentRowChanges(_ s: BoardSnapshot, _ now: Instant) -> [BoardChanges.Direction?] {
        s.agents.map { a in rowChange(BoardCell.AgentField.allCases.map { .agent(a.login, $0) }, now) }
    }

    private func renderDetailed(_ s: BoardSnapshot, into grid: inout CellGrid, area: Rect, context: RenderContext) {
        let wide = area.width >= Self.wideFrom
        metricLine("Today", fcr: s.fcrToday, sla: s.slaToday, fcrCell: .fcrToday, slaCell: .slaToday, in: area.row(0), grid: &grid, context: context)
        metricLine("Week", fcr: s.fcrWeek, sla: s.slaWeek, fcrCell: .fcrWeek, slaCell: .slaWeek, in: area.row(1), grid: &grid, context: context)
        let (body, foot) = area.inset(top: 3).splitBottom(2)
        let queueHeight = min(body.height, s.queues.count + 1)
        let (qRect, rest) = body.splitTop(queueHeight)
        drawTable(columns: queueColumns(wide: wide), rows: s.queues.map { queueCells($0, wide: wide, context: context) },
                  rowChanges: queueRowChanges(s, context.now), selected: panel == .queues ? queueRow : nil, focused: true,
                  in: qRect, grid: &grid, context: context, empty: "(no queues)")
        let aRect = rest.inset(top: 1)
        drawTable(columns: agentColumns(wide: wide), rows: s.agents.map { agentCells($0, wide: wide, context: context) },
                  rowChanges: agentRowChanges(s, context.now), selected: panel == .agents ? agentRow : nil, focused: true,
                  in: aRect, grid: &grid, context: context, empty: "(nobody set up)")
        footer(s, in: foot, grid: &grid)
    }

    /// Two rows: why something is red (or the error), then the legend.
    private func footer(_ s: BoardSnapshot, in rect: Rect, grid: inout CellGrid) {
        if let e = feed.lastError {
            grid.put("Error reading the journal: " + e, in: rect.row(0), style: Style(.error, bold: true))
        } else if let why = explanation(s) {
            // Cut at the edge, it says where the rest is.
            let row = rect.row(0)
            let text = why.displayWidth <= row.width ? why : why.truncated(toWidth: max(0, row.width - 11), ellipsis: true) + " x: in full"
            grid.put(text, in: row, style: Style(.normal))
        }
        var parts: [String] = []
        if s.fcrToday.provisional || s.fcrWeek.provisional { parts.append("* provisional") }
        parts.append("Oldest in working h")
        parts.append("Risk ≥\(Self.number(desk.config.atRiskShare * 100))% of SLA")
        parts.append("Brch past SLA")
        parts.append("? help")
        if !canAct { parts.append("team leaders move work") }
        grid.put(parts.joined(separator: " · "), in: rect.row(1), style: Style(.dim))
    }

    private func renderCompact(_ s: BoardSnapshot, into grid: inout CellGrid, area: Rect, context: RenderContext) {
        let u = context.unicode
        func short(_ a: Attainment) -> String { a.rag == .notApplicable ? "n/a" : a.percentText + " " + (u ? a.rag.symbol : a.rag.asciiSymbol) + (a.provisional ? "*" : "") }
        var x = area.x
        let row0 = area.row(0)
        x += grid.put("FCR ", x: x, y: row0.y, style: Style(.dim), maxWidth: row0.maxX - x)
        x += grid.put(short(s.fcrToday) + "  ", x: x, y: row0.y, style: Style(BoardText.ragRole(s.fcrToday.rag)), maxWidth: max(0, row0.maxX - x))
        x += grid.put("SLA ", x: x, y: row0.y, style: Style(.dim), maxWidth: max(0, row0.maxX - x))
        grid.put(short(s.slaToday), x: x, y: row0.y, style: Style(BoardText.ragRole(s.slaToday.rag)), maxWidth: max(0, row0.maxX - x))
        let cols: [BoardColumn] = [.name("Queue"), BoardColumn("Open", 5), BoardColumn("Risk", 5), BoardColumn("Brch", 5)]
        let rows = s.queues.map { q -> [BoardCellText] in
            [BoardCellText(q.name),
             BoardText.number(q.open, change: change(.queue(q.id, .open), context.now), unicode: u),
             BoardText.alarm(q.atRisk, change: change(.queue(q.id, .atRisk), context.now), role: .slaAtRisk, unicode: u),
             BoardText.alarm(q.breached, change: change(.queue(q.id, .breached), context.now), role: .slaBreached, unicode: u)]
        }
        drawTable(columns: cols, rows: rows, rowChanges: queueRowChanges(s, context.now), selected: queueRow, focused: panel == .queues,
                  in: area.inset(top: 1), grid: &grid, context: context, empty: "(no queues)")
    }

    // MARK: - Wallboard

    private struct Tile {
        var label: String
        var value: String
        var role: Role
        var change: BoardChanges.Direction?
        var caption: String
    }

    private func renderWallboard(_ s: BoardSnapshot, into grid: inout CellGrid, area: Rect, context: RenderContext) {
        let u = context.unicode
        func pct(_ a: Attainment) -> String { a.percent.map { "\(Int($0.rounded()))%" } ?? "-" }
        func caption(_ a: Attainment) -> String {
            a.rag == .notApplicable ? "n/a: none yet" : (u ? a.rag.symbol : a.rag.asciiSymbol) + " " + a.rag.label + " · target \(Int(a.target))%" + (a.provisional ? "*" : "")
        }
        var tiles = [
            Tile(label: "OPEN", value: "\(s.totalOpen)", role: .title, change: nil, caption: "\(s.totalUnassigned) unassigned"),
            Tile(label: "AT RISK", value: "\(s.totalAtRisk)", role: s.totalAtRisk > 0 ? .slaAtRisk : .slaOnTrack, change: nil,
                 caption: s.totalAtRisk > 0 ? (u ? "! " : "! ") + "act soon" : "none"),
            Tile(label: "BREACHED", value: "\(s.totalBreached)", role: s.totalBreached > 0 ? .slaBreached : .slaOnTrack, change: nil,
                 caption: s.totalBreached > 0 ? (u ? "✗ " : "X ") + "over target" : "none"),
            Tile(label: "FCR TODAY", value: pct(s.fcrToday), role: BoardText.ragRole(s.fcrToday.rag), change: change(.metric(.fcrToday), context.now),
                 caption: caption(s.fcrToday)),
            Tile(label: "SLA TODAY", value: pct(s.slaToday), role: BoardText.ragRole(s.slaToday.rag), change: change(.metric(.slaToday), context.now),
                 caption: caption(s.slaToday)),
        ]
        // Totals change when any queue's does.
        func totalChange(_ f: BoardCell.QueueField) -> BoardChanges.Direction? {
            s.queues.compactMap { change(.queue($0.id, f), context.now) }.first
        }
        tiles[0].change = totalChange(.open)
        tiles[1].change = totalChange(.atRisk)
        tiles[2].change = totalChange(.breached)
        if area.width < 100 { tiles.remove(at: 1) }  // at risk stays in the table
        let tileHeight = BigDigits.height + 2
        let (tileRow, rest) = area.splitTop(tileHeight)
        let cols = tileRow.columns(Array(repeating: Constraint.flex(), count: tiles.count), spacing: 1)
        for (tile, rect) in zip(tiles, cols) {
            let arrow = tile.change.map { u ? " " + $0.arrow : " " + $0.asciiArrow } ?? ""
            grid.put((tile.label + arrow).padded(toWidth: rect.width, alignment: .center), in: rect.row(0),
                     style: tile.change.map(BoardText.style) ?? Style(.header))
            let big = BigDigits.rows(tile.value, unicode: u)
            let fits = BigDigits.width(tile.value) <= rect.width
            for r in 0..<BigDigits.height {
                let line = fits ? big[r] : (r == 2 ? tile.value : "")
                grid.put(line.padded(toWidth: rect.width, alignment: .center), in: rect.row(1 + r), style: Style(tile.role, bold: true))
            }
            grid.put(tile.caption.padded(toWidth: rect.width, alignment: .center, ellipsis: true), in: rect.row(tileHeight - 1), style: Style(tile.role))
        }
        // Fewer columns, a blank line between rows when there is room.
        let qCols: [BoardColumn] = [.name("Queue"), BoardColumn("Open", 7), BoardColumn("Unassigned", 10), BoardColumn("Oldest", 8),
                                    BoardColumn("At risk", 8), BoardColumn("Breached", 9)]
        let qRows = s.queues.map { q -> [BoardCellText] in
            [BoardCellText(q.name),
             BoardText.number(q.open, change: change(.queue(q.id, .open), context.now), unicode: u),
             BoardText.number(q.unassigned, change: change(.queue(q.id, .unassigned), context.now), unicode: u),
             BoardText.number(q.oldestWorkingHours, change: change(.queue(q.id, .oldestHours), context.now), unicode: u, suffix: "h"),
             BoardText.alarm(q.atRisk, change: change(.queue(q.id, .atRisk), context.now), role: .slaAtRisk, unicode: u),
             BoardText.alarm(q.breached, change: change(.queue(q.id, .breached), context.now), role: .slaBreached, unicode: u)]
        }
        let tableArea = rest.inset(top: 1)
        let spaced = tableArea.height >= 2 * s.queues.count + 1 + (s.agents.isEmpty ? 0 : 4)
        let qHeight = min(tableArea.height, 1 + (spaced ? 2 * s.queues.count - 1 : s.queues.count))
        let (qRect, agentsArea) = tableArea.splitTop(qHeight)
        drawTable(columns: qCols, rows: qRows, rowChanges: queueRowChanges(s, context.now), selected: queueRow, focused: true,
                  in: qRect, grid: &grid, context: context, spacing: spaced ? 1 : 0, empty: "(no queues)")
        // People, if the room allows: held and resolved only.
        let aRect = agentsArea.inset(top: 1)
        guard aRect.height >= 2, !s.agents.isEmpty else { return }
        let aCols: [BoardColumn] = [.name("Agent"), BoardColumn("Holding", 8), BoardColumn("Resolved today", 14), BoardColumn("Avg handle", 10)]
        let aRows = s.agents.map { a -> [BoardCellText] in
            [BoardCellText(a.name),
             BoardText.number(a.held, change: change(.agent(a.login, .held), context.now), unicode: u),
             BoardText.number(a.resolutionsToday, change: change(.agent(a.login, .resolutionsToday), context.now), unicode: u),
             BoardCellText(BoardText.duration(a.averageHandleMillis) + " ")]
        }
        drawTable(columns: aCols, rows: aRows, rowChanges: agentRowChanges(s, context.now), selected: nil, focused: false,
                  in: aRect, grid: &grid, context: context, empty: "")
    }
}
