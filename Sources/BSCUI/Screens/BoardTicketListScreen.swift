import BSCApp
import BSCCore

/// The active tickets behind one board row (a queue or a person), most
/// urgent first, where a team leader selects several and reassigns or
/// re-routes them in one action. Re-routing asks, ticket by ticket, for
/// hand-off details the target queue requires and the ticket lacks. Each
/// ticket's outcome is listed, so one refusal never hides in a batch.
public struct BoardTicketListScreen: Screen {
    public enum Scope: Sendable, Hashable {
        case queue(String, String)
        case agent(String, String)
    }

    enum Action: Sendable { case toggle, all, assign, route, refresh }

    /// The one-line question being asked at the bottom, if any.
    enum Prompt {
        case assignee(TextFieldState, TypeAheadState)
        case queue(TextFieldState, TypeAheadState)
        /// Hand-off details still to ask for (`asks[index]`), and the answers so far.
        case detail(queue: String, asks: [(TicketRef, HandoffField)], index: Int, field: TextFieldState, answers: [TicketRef: [String: String]])
    }

    let bindings = KeyBindingTable<Action>([
        KeyBinding([.char(" ")], bar: "Select", help: "Select or unselect this ticket", action: .toggle),
        KeyBinding([.char("*")], help: "Select all / none", action: .all),
        KeyBinding([.function(7), .char("a")], bar: "Assign", help: "Reassign the selected tickets (or this one)", action: .assign),
        KeyBinding([.function(8), .char("m")], bar: "Route", help: "Re-route the selected tickets (or this one) to a queue", action: .route),
        KeyBinding([.function(5), .char("r")], bar: "Read", help: "Re-read the journal now", action: .refresh),
    ])

    public let feed: BoardFeed
    public let scope: Scope
    var table = TableState()
    public private(set) var selection: Set<TicketRef> = []
    var prompt: Prompt?
    /// Per-ticket outcomes of the last action.
    public private(set) var results: [(ok: Bool, text: String)] = []
    private var rows: [Ticket] = []
    private var rowsEventCount = -1
    private var rowsMinute: Int64 = -1

    public init(feed: BoardFeed, scope: Scope, now: Instant) {
        self.feed = feed
        self.scope = scope
        reload(now: now)
    }

    var desk: Desk { feed.desk }

    public var title: String {
        switch scope {
        case .queue(_, let name): return name
        case .agent(let login, let name): return name == login ? login : name
        }
    }
    public var minimumSize: Size { Size(width: 40, height: 8) }
    public var keyHelp: KeyHelp { bindings.help }
    public var statusText: String { "\(rows.count) active" + (selection.isEmpty ? "" : " · \(selection.count) selected") }

    /// The tickets listed, most urgent first: breached, at risk, then oldest.
    public var tickets: [Ticket] { rows }

    mutating func reload(now: Instant) {
        let store = desk.store
        var list: [(Ticket, Int, Instant)] = []
        store.forEach { t in
            guard t.isOpen else { return }
            switch scope {
            case .queue(let id, _): guard t.queue == id else { return }
            case .agent(let login, _): guard t.assignee == login else { return }
            }
            let rank: Int
            switch desk.slaStatus(t, now: now)?.state {
            case .breached?: rank = 0
            case .atRisk?: rank = 1
            default: rank = 2
            }
            list.append((t, rank, t.receivedAt))
        }
        list.sort { ($0.1, $0.2, $0.0.ref.number) < ($1.1, $1.2, $1.0.ref.number) }
        rows = list.map(\.0)
        rowsEventCount = store.eventCount
        rowsMinute = now.millis / 60_000
        // Tickets that left the list (resolved elsewhere) leave the selection.
        let present = Set(rows.map(\.ref))
        selection = selection.intersection(present)
    }

    public mutating func tick(now: Instant) -> Bool {
        let changed = feed.tick(now: now)
        if desk.store.eventCount != rowsEventCount || now.millis / 60_000 != rowsMinute {
            reload(now: now)
            return true
        }
        return changed
    }

    /// Selected tickets, or the one under the cursor when none are selected.
    var targets: [TicketRef] {
        if !selection.isEmpty { return rows.map(\.ref).filter { selection.contains($0) } }
        if let i = table.selected, rows.indices.contains(i) { return [rows[i].ref] }
        return []
    }

    var canAct: Bool { desk.profile.role >= .teamLeader }

    // MARK: - Keys

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if prompt != nil { return handlePrompt(key, context: context) }
        if table.handle(key, count: rows.count) { return .handled }
        guard let action = bindings.action(for: key) else { return .ignored }
        if action != .refresh && !canAct { return .message(BoardScreen.teamLeadersOnly) }
        switch action {
        case .toggle:
            guard let i = table.selected, rows.indices.contains(i) else { return .handled }
            let ref = rows[i].ref
            if selection.contains(ref) { selection.remove(ref) } else { selection.insert(ref) }
            _ = table.handle(.down, count: rows.count)
        case .all:
            selection = selection.count == rows.count ? [] : Set(rows.map(\.ref))
        case .assign:
            guard !targets.isEmpty else { return .message(.info("No tickets to assign")) }
            prompt = .assignee(TextFieldState(), TypeAheadState(candidates: assigneeCandidates()))
        case .route:
            guard !targets.isEmpty else { return .message(.info("No tickets to route")) }
            prompt = .queue(TextFieldState(), TypeAheadState(candidates: desk.taxonomy.queues.map(\.id)))
        case .refresh:
            _ = feed.tick(now: context.now)
            reload(now: context.now)
            return .message(.info("Refreshed"))
        }
        return .handled
    }

    /// People who work the queue (and supervisors) first, then everyone.
    func assigneeCandidates() -> [String] {
        let users = desk.config.users.values.sorted { $0.login < $1.login }
        if case .queue(let id, _) = scope {
            let team = users.filter { $0.queues.contains(id) || $0.role == .supervisor }.map(\.login)
            return team + users.map(\.login).filter { !team.contains($0) }
        }
        return users.map(\.login)
    }

    private mutating func handlePrompt(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if key == .escape {
            prompt = nil
            return .message(.info("Cancelled: nothing changed"))
        }
        switch prompt! {
        case .assignee(var field, var ahead):
            if key == .enter || key == .tab {
                // Tab takes the highlighted suggestion; Enter takes what is typed (or the suggestion if nothing is).
                if key == .tab {
                    field.text = ahead.current ?? field.text
                    ahead.update(query: field.text)
                    prompt = .assignee(field, ahead)
                    return .handled
                }
                let who = field.text.isEmpty ? (ahead.current ?? "") : field.text
                guard !who.isEmpty else { return .message(.error("Type a login to assign to")) }
                prompt = nil
                return assign(to: who, now: context.now)
            }
            if ahead.handle(key) { prompt = .assignee(field, ahead); return .handled }
            if field.handle(key) { ahead.update(query: field.text) }
            prompt = .assignee(field, ahead)
        case .queue(var field, var ahead):
            if key == .enter || key == .tab {
                let q = ahead.matches.first(where: { $0 == field.text }) ?? ahead.current ?? field.text
                if key == .tab { field.text = q; ahead.update(query: q); prompt = .queue(field, ahead); return .handled }
                guard let def = desk.taxonomy.queue(q) else { return .message(.error("Unknown queue \"\(field.text)\": use one of \(desk.taxonomy.queueIds)")) }
                return startRoute(to: def, now: context.now)
            }
            if ahead.handle(key) { prompt = .queue(field, ahead); return .handled }
            if field.handle(key) { ahead.update(query: field.text) }
            prompt = .queue(field, ahead)
        case .detail(let queue, let asks, let index, var field, var answers):
            if key == .enter {
                let (ref, f) = asks[index]
                let value = trimmed(field.text)
                guard !value.isEmpty else { return .message(.error("\(f.label) is required to route to \(queue); Esc cancels")) }
                answers[ref, default: [:]][f.key] = value
                if index + 1 < asks.count {
                    prompt = .detail(queue: queue, asks: asks, index: index + 1, field: TextFieldState(), answers: answers)
                    return .handled
                }
                prompt = nil
                return route(to: queue, details: answers, now: context.now)
            }
            _ = field.handle(key)
            prompt = .detail(queue: queue, asks: asks, index: index, field: field, answers: answers)
        }
        return .handled
    }

    private mutating func startRoute(to q: QueueDefinition, now: Instant) -> ScreenOutcome {
        var asks: [(TicketRef, HandoffField)] = []
        for ref in targets {
            guard let t = desk.store[ref] else { continue }
            for f in desk.taxonomy.handoff(category: t.category, queue: q.id) where f.required && (t.details[f.key] ?? "").isEmpty { asks.append((ref, f)) }
        }
        if asks.isEmpty {
            prompt = nil
            return route(to: q.id, details: [:], now: now)
        }
        prompt = .detail(queue: q.id, asks: asks, index: 0, field: TextFieldState(), answers: [:])
        return .handled
    }

    /// Applies `act` to each target, collecting per-ticket outcomes.
    private mutating func each(_ verb: String, now: Instant, _ act: (TicketRef) throws(DeskError) -> Void) -> ScreenOutcome {
        let refs = targets
        var ok = 0
        results = []
        for ref in refs {
            do {
                try act(ref)
                ok += 1
                results.append((true, "\(ref) \(verb)"))
            } catch {
                results.append((false, "\(ref): \(error.message)"))
            }
        }
        let failed = refs.count - ok
        selection = []
        feed.recompute(now: now)
        reload(now: now)
        if failed == 0 { return .message(Message(.success, "\(verb.prefix(1).uppercased() + verb.dropFirst()): \(ok) of \(refs.count)")) }
        return .message(.error("\(failed) of \(refs.count) not \(verb.split(separator: " ").first ?? ""): see the list below"))
    }

    private mutating func assign(to who: String, now: Instant) -> ScreenOutcome {
        let d = desk
        return each("assigned to \(who)", now: now) { (ref: TicketRef) throws(DeskError) in try d.assign(ref, to: who) }
    }

    private mutating func route(to queue: String, details: [TicketRef: [String: String]], now: Instant) -> ScreenOutcome {
        let d = desk
        return each("routed to \(queue)", now: now) { (ref: TicketRef) throws(DeskError) in try d.route(ref, to: queue, details: details[ref] ?? [:]) }
    }

    // MARK: - Drawing

    struct Rows: TableDataSource {
        var tickets: [Ticket]
        var selection: Set<TicketRef>
        var desk: Desk
        var now: Instant
        var unicode: Bool
        var count: Int { tickets.count }
        func row(at i: Int) -> [String] {
            let t = desk.visible(tickets[i])
            let sla = desk.slaStatus(t, now: now)
            let hours = desk.calendar.workingMillis(from: t.receivedAt, to: now) / 3_600_000
            return [selection.contains(t.ref) ? "[x]" : "[ ]", t.ref.description, t.status.label, t.assignee ?? "-",
                    "\(hours)h", sla.map { (unicode ? $0.state.symbol : $0.state.asciiSymbol) + " " + $0.state.label } ?? "-",
                    t.caller.displayName, t.summary]
        }
        func rowStyle(at i: Int) -> Style? {
            switch desk.slaStatus(tickets[i], now: now)?.state {
            case .breached?: return Style(.slaBreached)
            case .atRisk?: return Style(.slaAtRisk)
            default: return nil
            }
        }
    }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        let resultLines = min(results.count, max(0, area.height / 3))
        let promptLines = prompt == nil ? 0 : 2
        let (listArea, bottom) = area.splitBottom(resultLines + promptLines + (resultLines > 0 ? 1 : 0))
        TableView(columns: [.fixed("Sel", 3), .fixed("Ref", TicketRef.displayWidth(upTo: desk.store.slots.count)), .fixed("Status", 11), .fixed("Assignee", 10), .fixed("Age", 5),
                            .fixed("SLA", 11), .flex("Caller", weight: 1, min: 8), .flex("Summary", weight: 2, min: 8)],
                  focused: prompt == nil, marker: context.unicode ? "▸" : ">", emptyText: "(no active tickets)")
            .render(in: listArea, grid: &grid, state: &table,
                    data: Rows(tickets: rows, selection: selection, desk: desk, now: context.now, unicode: context.unicode))
        var y = 0
        if resultLines > 0 {
            let shownResults = results.count > resultLines ? Array(results.filter { !$0.ok }.prefix(resultLines)) : results
            grid.put("Last action:", in: bottom.row(y), style: Style(.title))
            y += 1
            for r in shownResults.prefix(resultLines) {
                let mark = r.ok ? (context.unicode ? "✓ " : "ok ") : (context.unicode ? "✗ " : "X ")
                grid.put(mark + r.text, in: bottom.row(y), style: Style(r.ok ? .success : .error))
                y += 1
            }
        }
        guard let prompt else { return }
        let line = bottom.row(y)
        let hintRow = bottom.row(y + 1)
        let n = targets.count
        switch prompt {
        case .assignee(var field, let ahead):
            TextField(label: "Assign \(n) ticket\(n == 1 ? "" : "s") to: ", placeholder: "login").render(in: line, grid: &grid, state: &field)
            grid.put("Tab completes · Enter assigns · Esc cancels · " + ahead.matches.prefix(8).joined(separator: " "), in: hintRow, style: Style(.dim))
            self.prompt = .assignee(field, ahead)
        case .queue(var field, let ahead):
            TextField(label: "Route \(n) ticket\(n == 1 ? "" : "s") to queue: ", placeholder: "queue id").render(in: line, grid: &grid, state: &field)
            grid.put("Tab completes · Enter routes · Esc cancels · " + ahead.matches.joined(separator: " "), in: hintRow, style: Style(.dim))
            self.prompt = .queue(field, ahead)
        case .detail(let queue, let asks, let index, var field, let answers):
            let (ref, f) = asks[index]
            TextField(label: "\(ref) \(f.label): ", placeholder: f.key).render(in: line, grid: &grid, state: &field)
            grid.put("Hand-off detail \(index + 1) of \(asks.count) for \(queue) · Enter next · Esc cancels", in: hintRow, style: Style(.dim))
            self.prompt = .detail(queue: queue, asks: asks, index: index, field: field, answers: answers)
        }
    }
}

/// Text without leading and trailing blanks.
func trimmed(_ s: String) -> String {
    let isBlank = { (c: Character) in c == " " || c == "\t" }
    return String(s.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
}
