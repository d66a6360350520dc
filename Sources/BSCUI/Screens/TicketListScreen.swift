import BSCApp
import BSCCore

/// Every ticket the user may see, filtered and sorted, scrolling through
/// 100k rows without lag: the filtered, sorted index is cached and rebuilt
/// only when the filter, the sort or the data changes; rows are formatted
/// only for the lines on screen.
public struct TicketListScreen: Screen {
    enum Action: Sendable {
        case open, search, caller, queue, status, sort, mine, assigned, callbacks, reset
    }

    public enum Sort: String, CaseIterable, Sendable {
        case newest = "newest", oldest = "oldest", received = "received", slaDue = "SLA due"
    }

    /// Which statuses the list shows; cycled with one key.
    public enum StatusChoice: String, CaseIterable, Sendable {
        case all, active, open, routed, inProgress = "in progress", pending, resolved, closed
        var statuses: Set<TicketStatus>? {
            switch self {
            case .all: nil
            case .active: TicketStatus.active
            case .open: [.open]
            case .routed: [.routed]
            case .inProgress: [.inProgress]
            case .pending: [.pending]
            case .resolved: [.resolved]
            case .closed: [.closed]
            }
        }
    }

    /// Everything the cached index depends on besides the data.
    public struct Filter: Equatable, Sendable {
        public var queues: Set<String>?
        public var queueLabel = "all"
        public var status = StatusChoice.all
        public var caller = ""
        public var text = ""
        public var assignee: String?
        /// Only callbacks that have fallen due for me (tickets I logged or
        /// hold), oldest first.
        public var dueCallbacks = false
        public var sort = Sort.newest
    }

    enum Editing { case text, caller }

    let bindings = KeyBindingTable<Action>([
        KeyBinding([.enter], bar: "Open", help: "Open the selected ticket", action: .open),
        KeyBinding([.char("/")], bar: "Find", help: "Search text (caller, phone, email, summary, reference, category)", action: .search),
        KeyBinding([.char("c")], help: "Filter by caller name or reference", action: .caller),
        KeyBinding([.char("u")], help: "Next queue (all, then each queue)", action: .queue),
        KeyBinding([.char("t")], help: "Next status filter (all, active, open, …)", action: .status),
        KeyBinding([.char("s")], bar: "Sort", help: "Next sort: newest, oldest, received, SLA due", action: .sort),
        KeyBinding([.char("m")], bar: "Mine", help: "My queues (the queues I work)", action: .mine),
        KeyBinding([.char("a")], help: "Assigned to me", action: .assigned),
        KeyBinding([.char("d")], help: "Callbacks due (tickets I logged or hold)", action: .callbacks),
        KeyBinding([.char("x")], help: "Clear all filters", action: .reset),
    ])

    let session: DeskSession
    var desk: Desk { session.desk }
    public private(set) var filter = Filter()
    var table = TableState()
    var editing: Editing?
    var input = TextFieldState()
    /// Where the table's rows were drawn last (a click picks a row).
    var rowsArea: Rect?
    /// Slot indices into `desk.store.slots` matching `filter`, in order.
    public private(set) var index: [Int32] = []
    /// The filter, the data and (for callbacks due, which come due as time
    /// passes) the second the index was built for.
    var indexKey: (Filter, Int, Int64)?
    /// How many times the index was rebuilt (tests check it is cached).
    public private(set) var rebuilds = 0

    public init(session: DeskSession) { self.session = session }

    public var title: String { "Tickets" }
    public var minimumSize: Size { Size(width: 40, height: 6) }
    public var keyHelp: KeyHelp { bindings.help }

    /// Rebuilds the index if the filter, sort or data changed.
    public mutating func refreshIndex() {
        let key = (filter, desk.store.eventCount, filter.dueCallbacks ? session.now.millis / 1000 : 0)
        if let k = indexKey, k.0 == key.0, k.1 == key.1, k.2 == key.2 { return }
        indexKey = key
        rebuilds += 1
        let f = filter
        let tf = TicketFilter(statuses: f.status.statuses, caller: f.caller.isEmpty ? nil : f.caller, assignee: f.assignee, text: f.text.isEmpty ? nil : f.text)
        let needsText = tf.caller != nil || tf.text != nil
        var out: [Int32] = []
        let slots = desk.store.slots
        if f.dueCallbacks {
            // The desk knows whose callbacks they are and orders them.
            index = desk.callbacksDue(now: session.now).map { Int32($0.ref.number - 1) }
            return
        }
        out.reserveCapacity(slots.count)
        for (i, slot) in slots.enumerated() {
            guard let t = slot else { continue }
            if let qs = f.queues, !qs.contains(t.queue) { continue }
            if let s = tf.statuses, !s.contains(t.status) { continue }
            if let a = tf.assignee, t.assignee != a { continue }
            if needsText && !desk.matches(t, tf) { continue }
            out.append(Int32(i))
        }
        switch f.sort {
        case .newest: out.reverse()
        case .oldest: break
        case .received:
            out.sort { slots[Int($0)]!.receivedAt > slots[Int($1)]!.receivedAt }
        case .slaDue:
            // Tickets without a due time (no SLA, resolved) go last.
            let now = session.now
            var due: [Int32: Int64] = [:]
            for i in out { due[i] = desk.slaStatus(slots[Int(i)]!, now: now)?.due.map(\.millis) ?? Int64.max }
            out.sort { (due[$0]!, $0) < (due[$1]!, $1) }
        }
        index = out
    }

    /// The visible rows of one frame. A class so each row's SLA status is
    /// computed once per frame (the table asks for the row and its style).
    final class Rows: TableDataSource {
        let index: [Int32]
        let desk: Desk
        let now: Instant
        private var sla: [Int: SLAStatus?] = [:]
        /// "2026": a ticket received this year drops the year (more room
        /// for the time); an older one keeps it, so it cannot pass for this
        /// year's.
        let thisYear: Substring
        init(index: [Int32], desk: Desk, now: Instant) {
            self.index = index
            self.desk = desk
            self.now = now
            self.thisYear = desk.localText(now).prefix(4)
        }
        /// "11-30 10:05" this year, "2025-11-30" for any other year (both
        /// fit the 11-column Received cell).
        static func receivedText(_ local: String, today year: Substring) -> String {
            local.hasPrefix(year) ? String(local.dropFirst(5)) : String(local.prefix(10))
        }
        var count: Int { index.count }
        func raw(_ i: Int) -> Ticket { desk.store.slots[Int(index[i])]! }
        func status(_ i: Int) -> SLAStatus? {
            if let s = sla[i] { return s }
            let s = desk.slaStatus(raw(i), now: now)
            sla[i] = s
            return s
        }
        func row(at i: Int) -> [String] {
            let t = desk.visible(raw(i))
            let sla = status(i).map { "\($0.state.symbol) \($0.state.label)" } ?? "–"
            let received = Self.receivedText(desk.localText(t.receivedAt), today: thisYear)
            return [t.ref.description, t.status.label, t.queue, terminalSafe(t.caller.displayName), t.category, received, sla]
        }
        func rowStyle(at i: Int) -> Style? {
            switch status(i)?.state {
            case .breached?: return Style(.slaBreached)
            case .atRisk?: return Style(.slaAtRisk)
            default: return nil
            }
        }
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if case .click(let x, let y) = key {
            // A click selects a row; a click on the selected row opens it.
            guard editing == nil, let rows = rowsArea, rows.contains(Point(x: x, y: y)) else { return .ignored }
            refreshIndex()
            let i = table.offset + (y - rows.y)
            guard index.indices.contains(i) else { return .ignored }
            if table.selected == i { return handle(.enter, context: context) }
            table.select(i, count: index.count)
            return .handled
        }
        if let mode = editing {
            switch key {
            case .escape: editing = nil
            case .enter:
                let value = input.text.trimmingCharacters(in: .whitespaces)
                if mode == .text { filter.text = value } else { filter.caller = value }
                editing = nil
                table.select(0, count: 1)
            default:
                _ = input.handle(key)
            }
            return .handled
        }
        if let action = bindings.action(for: key) {
            switch action {
            case .open:
                refreshIndex()
                guard let s = table.selected, index.indices.contains(s), let t = desk.store.slots[Int(index[s])] else {
                    return .message(.info("no ticket selected"))
                }
                return .push(TicketDetailScreen(session: session, ref: t.ref))
            case .search:
                editing = .text
                input = TextFieldState(filter.text)
            case .caller:
                editing = .caller
                input = TextFieldState(filter.caller)
            case .queue:
                let ids = desk.taxonomy.queues.map(\.id)
                if let qs = filter.queues, qs.count == 1, let i = ids.firstIndex(of: qs.first!) {
                    if i + 1 < ids.count { setQueues([ids[i + 1]], label: ids[i + 1]) } else { setQueues(nil, label: "all") }
                } else {
                    setQueues([ids[0]], label: ids[0])
                }
            case .status:
                let all = StatusChoice.allCases
                filter.status = all[(all.firstIndex(of: filter.status)! + 1) % all.count]
            case .sort:
                let all = Sort.allCases
                filter.sort = all[(all.firstIndex(of: filter.sort)! + 1) % all.count]
            case .mine:
                setQueues(Set(desk.profile.queues), label: "mine")
                filter.status = .active
            case .assigned:
                filter.assignee = filter.assignee == nil ? desk.login : nil
            case .callbacks:
                filter.dueCallbacks.toggle()
                // Time, not data, makes callbacks fall due: rebuild now.
                indexKey = nil
            case .reset:
                filter = Filter()
            }
            table.select(0, count: 1)
            return .handled
        }
        refreshIndex()
        if table.handle(key, count: index.count) { return .handled }
        return .ignored
    }

    mutating func setQueues(_ qs: Set<String>?, label: String) {
        filter.queues = qs
        filter.queueLabel = label
    }

    var filterSummary: String {
        var parts = ["queue \(filter.queueLabel)", "status \(filter.status.rawValue)"]
        if filter.dueCallbacks { parts = ["callbacks due to me"] }
        if let a = filter.assignee { parts.append("assigned to \(a)") }
        if !filter.caller.isEmpty { parts.append("caller \"\(filter.caller)\"") }
        if !filter.text.isEmpty { parts.append("text \"\(filter.text)\"") }
        parts.append("sort \(filter.sort.rawValue)")
        return parts.joined(separator: " · ")
    }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        refreshIndex()
        let (top, body) = area.splitTop(1)
        if let mode = editing {
            TextField(label: mode == .text ? "Find: " : "Caller: ", focused: true).render(in: top, grid: &grid, state: &input)
        } else {
            let count = "\(index.count) shown"
            let (left, right) = top.splitRight(count.displayWidth + 1)
            grid.put(filterSummary, in: left, style: Style(.dim))
            grid.put(count, in: right.inset(left: 1), style: Style(.dim))
        }
        let rows = Rows(index: index, desk: desk, now: session.now)
        let columns: [TableColumn]
        let source: any TableDataSource
        let ref = TableColumn.fixed("Ref", TicketRef.displayWidth(upTo: desk.store.slots.count))
        if area.width >= 100 {
            columns = [ref, .fixed("Status", 11), .fixed("Queue", 12), .flex("Caller", weight: 3, min: 8), .flex("Category", weight: 2, min: 6), .fixed("Received", 11), .fixed("SLA", 11)]
            source = rows
        } else if area.width >= 70 {
            columns = [ref, .fixed("Status", 11), .fixed("Queue", 10), .flex("Caller", weight: 3, min: 8), .flex("Category", weight: 2, min: 6), .fixed("SLA", 10)]
            source = MediumRows(rows: rows)
        } else {
            columns = [ref, .flex("Caller", weight: 2, min: 6), .fixed("SLA", 10)]
            source = NarrowRows(rows: rows)
        }
        TableView(columns: columns, focused: editing == nil, emptyText: "(no tickets match: x clears the filters)")
            .render(in: body, grid: &grid, state: &table, data: AnySource(source))
        rowsArea = body.splitTop(1).rest  // below the header
    }

    public var commands: [CommandHelp] {
        [CommandHelp("caller", "TEXT", help: "Tickets of a caller: name, reference, phone or email (empty: all)"),
         CommandHelp("find", "TEXT", help: "Tickets whose text has TEXT (empty: all)"),
         CommandHelp("assigned", help: "Active tickets assigned to me")]
    }

    public mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome? {
        switch command {
        case "caller":
            filter = Filter()
            filter.caller = argument
        case "find":
            filter = Filter()
            filter.text = argument
        case "assigned":
            filter = Filter()
            filter.assignee = desk.login
            filter.status = .active
        default: return nil
        }
        editing = nil
        table.select(0, count: 1)
        return .handled
    }

    /// Callbacks fall due as time passes: that view redraws each second.
    public mutating func tick(now: Instant) -> Bool {
        filter.dueCallbacks && indexKey.map { $0.2 != now.millis / 1000 } ?? false
    }

    /// The selected ticket's reference (tests).
    public var selectedRef: TicketRef? {
        guard let s = table.selected, index.indices.contains(s) else { return nil }
        return desk.store.slots[Int(index[s])]?.ref
    }
}

/// Ref, caller and SLA only, for narrow terminals.
struct NarrowRows: TableDataSource {
    let rows: TicketListScreen.Rows
    var count: Int { rows.count }
    func row(at i: Int) -> [String] {
        let r = rows.row(at: i)
        return [r[0], r[3], r[6]]
    }
    func rowStyle(at i: Int) -> Style? { rows.rowStyle(at: i) }
}

/// Everything but the received time, for 70–99 columns.
struct MediumRows: TableDataSource {
    let rows: TicketListScreen.Rows
    var count: Int { rows.count }
    func row(at i: Int) -> [String] {
        let r = rows.row(at: i)
        return [r[0], r[1], r[2], r[3], r[4], r[6]]
    }
    func rowStyle(at i: Int) -> Style? { rows.rowStyle(at: i) }
}

struct AnySource: TableDataSource {
    let base: any TableDataSource
    init(_ base: any TableDataSource) { self.base = base }
    var count: Int { base.count }
    func row(at i: Int) -> [String] { base.row(at: i) }
    func rowStyle(at i: Int) -> Style? { base.rowStyle(at: i) }
}
