import BSCApp
import BSCCore

/// One ticket: header, SLA, hand-off details, summary and the full history,
/// wrapped to the screen and scrolled as one page, with the lifecycle
/// actions each behind a small prompt. Only the actions this user may take
/// on this ticket now are offered (bar, help and `:` commands): legal in
/// its status, allowed to their role, and not waiting on an identity
/// check. Closing asks first: it cannot be undone.
public struct TicketDetailScreen: Screen {
    enum Action: Sendable, CaseIterable { case note, route, assign, pending, resolve, reopen, close, verify }
    enum Prompt {
        case form(Action, FormPromptState)
        case confirmClose(ConfirmState)
    }

    /// F2, F3, F11 and F12 show the front desk's screens, as everywhere;
    /// F5 resolves and F6 routes, as on the call form; `c` and `a` list
    /// tickets, as on the list.
    let bindings = KeyBindingTable<Action>([
        KeyBinding([.function(4), .char("@")], bar: "Asgn", help: "Assign to a person", action: .assign),
        KeyBinding([.function(5), .char("v")], bar: "Solve", help: "Resolve (optional note)", action: .resolve),
        KeyBinding([.function(6), .char("r")], bar: "Route", help: "Route to a queue with hand-off details", action: .route),
        KeyBinding([.function(7), .char("p")], bar: "Pend", help: "Set pending (awaiting customer / third party), or resume", action: .pending),
        KeyBinding([.function(8), .char("n")], bar: "Note", help: "Add a note", action: .note),
        KeyBinding([.function(9), .char("o")], bar: "Reopn", help: "Reopen a resolved ticket", action: .reopen),
        KeyBinding([.char("C")], bar: "Close", help: "Close a resolved ticket (asks first: cannot be undone)", action: .close),
        KeyBinding([.char("i")], bar: "Ident", help: "Record how the caller's identity was checked (this category needs it before resolving or routing)", action: .verify),
    ])

    /// The `:` command of each action, offered with it.
    static func commandName(_ action: Action, pending: Bool, agent: Bool) -> CommandHelp {
        switch action {
        case .note: CommandHelp("note", "TEXT", help: "Add a note")
        case .route: CommandHelp("route", "QUEUE", help: "Route to a queue (asks for its hand-off details)")
        case .assign: agent ? CommandHelp("take", help: "Take this ticket (assign it to me)") : CommandHelp("assign", "USER", help: "Assign to a person")
        case .pending: pending ? CommandHelp("resume", help: "Resume: the wait is over") : CommandHelp("pending", help: "Set pending")
        case .resolve: CommandHelp("resolve", help: "Resolve (optional note)")
        case .reopen: CommandHelp("reopen", help: "Reopen")
        case .close: CommandHelp("close", help: "Close (asks first)")
        case .verify: CommandHelp("verify", "HOW", help: "Record how the caller's identity was checked")
        }
    }

    /// Keys that list tickets, meaning what they mean on the list.
    static let listKeys = KeyHelp([
        .init(keys: [.char("c")], help: "Ticket list filtered by this ticket's caller"),
        .init(keys: [.char("a")], help: "Ticket list: active tickets assigned to me"),
    ])

    let session: DeskSession
    var desk: Desk { session.desk }
    public let ref: TicketRef
    var prompt: Prompt?
    /// History entries (time and user, what happened), reloaded when the
    /// ticket changes.
    var lines: [(head: String, text: String)] = []
    var loadedSeq: Int64 = -1
    var scroll = 0
    var pageSize = 10

    public init(session: DeskSession, ref: TicketRef) {
        self.session = session
        self.ref = ref
    }

    /// Opening a restricted ticket is recorded (who and when) by the app's
    /// runner (`DeskEffects`), not by the screen.
    public var effectsOnOpen: [ScreenEffect] {
        desk.store[ref]?.restricted == true ? [.recordView(ref)] : []
    }

    public var title: String { ref.description }
    public var minimumSize: Size { Size(width: 40, height: 8) }
    public var keyHelp: KeyHelp {
        var offered = KeyBindingTable(bindings.entries.filter { isOffered($0.action) })
        if ticket?.status == .pending, let i = offered.entries.firstIndex(where: { $0.action == .pending }) {
            offered.entries[i].barLabel = "Resum"
            offered.entries[i].help = "Resume: the wait is over"
        }
        if isAgent, let i = offered.entries.firstIndex(where: { $0.action == .assign }) {
            offered.entries[i].barLabel = "Take"
            offered.entries[i].help = "Take this ticket (assign it to me)"
        }
        return offered.help.merged(with: Self.listKeys).merged(with: KeyHelp([
            .init(keys: [.up, .down, .char("j"), .char("k"), .pageUp, .pageDown, .home, .end], help: "Scroll the ticket and its history"),
        ]))
    }

    /// The actions' `:` commands, only those offered now.
    public var commands: [CommandHelp] {
        Action.allCases.filter(isOffered).map { Self.commandName($0, pending: ticket?.status == .pending, agent: isAgent) }
    }

    public mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome? {
        guard prompt == nil, let action = Action.allCases.first(where: {
            isOffered($0) && Self.commandName($0, pending: ticket?.status == .pending, agent: isAgent).name == command
        }) else { return nil }
        let outcome = start(action)
        // The argument fills the prompt's first field (`:note Rang back`).
        if !argument.isEmpty, case .form(let a, var f)? = prompt, !f.fields.isEmpty {
            f.fields[0].input = TextFieldState(argument)
            prompt = .form(a, f)
        }
        return outcome
    }

    /// The lifecycle rule (BSCCore's `TicketAction`) for an action here.
    func lifecycleAction(_ action: Action) -> TicketAction {
        switch action {
        case .note: .note
        case .route: .route
        case .assign: .assign
        case .pending: ticket?.status == .pending ? .resume : .pending
        case .resolve: .resolve
        case .reopen: .reopen
        case .close: .close
        case .verify: .verify
        }
    }

    var isAgent: Bool { desk.profile.role < .teamLeader }

    /// The category needs an identity check and none is recorded yet.
    var identityCheckOutstanding: Bool {
        guard let t = desk.store[ref], let cat = desk.taxonomy.category(t.category), cat.requiresIdentityCheck else { return false }
        return (t.identityVerifiedHow ?? "").isEmpty && (t.details[Desk.identityDetail] ?? "").isEmpty
    }

    /// A restricted ticket whose key this user is not given: nothing
    /// personal (a note, details, a reason) can be added to it.
    var isSealedFromMe: Bool {
        guard let t = desk.store[ref], t.restricted, let q = t.restrictedQueue else { return false }
        return !desk.mayRead(restrictedQueue: q)
    }

    /// Why `action` is not offered now; nil when it is. The same rules the
    /// desk applies when it writes (status, role, identity check,
    /// restriction), asked before a key is pressed.
    func whyNot(_ action: Action) -> String? {
        guard let t = desk.store[ref] else { return "unknown reference \(ref)" }
        let life = lifecycleAction(action)
        if !life.allowedFrom.contains(t.status) { return "\(ref) is \(t.status.label): it cannot \(life.rawValue) now" }
        if isSealedFromMe, ![.assign, .pending, .close].contains(action) {
            return "\(ref) is restricted to \(t.restrictedQueue ?? "its queue"): only its team and supervisors may add to it"
        }
        switch action {
        case .assign where isAgent:
            if let who = t.assignee { return "\(ref) is \(who == desk.login ? "already yours" : "held by \(who)"): only team leaders and supervisors move work between people" }
            if !desk.profile.queues.contains(t.queue) { return "\(ref) is in \(t.queue), which you do not work: a team leader assigns it" }
        case .verify where !identityCheckOutstanding:
            return "\(ref) needs no identity check" + (((desk.store[ref]?.identityVerifiedHow ?? "").isEmpty) ? "" : ": it is recorded")
        case .resolve, .route:
            if identityCheckOutstanding { return "\(t.category) needs the caller's identity checked first (i)" }
        default: break
        }
        return nil
    }

    func isOffered(_ action: Action) -> Bool { whyNot(action) == nil }
    public var statusText: String { session.statusText }

    var ticket: Ticket? { desk.store[ref].map(desk.visible) }

    mutating func reloadHistory() {
        guard let raw = desk.store[ref], raw.lastSeq != loadedSeq else { return }
        loadedSeq = raw.lastSeq
        let events = (try? desk.history(ref)) ?? []
        lines = events.map { e in
            let seen = desk.visible(e, of: raw)
            return (desk.localText(seen.at) + "  " + terminalSafe(seen.user).padded(toWidth: 10) + " ", terminalSafe(TicketViews.describe(seen.body), lineBreaks: .space))
        }
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if let p = prompt { return handlePrompt(p, key) }
        if let action = bindings.action(for: key) {
            if let why = whyNot(action) {
                let can = keyHelp.entries.filter { e in e.keys.contains { bindings.action(for: $0) != nil } }.map { $0.help.lowercased() }
                return .message(.error(why + (can.isEmpty ? "" : "; you can: " + can.joined(separator: "; "))))
            }
            return start(action)
        }
        switch key {
        case .char("c"):
            guard let t = ticket else { return .ignored }
            // The reference when there is one (it names one caller), else the name.
            let who = (t.caller.reference ?? "").isEmpty ? t.caller.name : t.caller.reference!
            return .command("caller " + who)
        case .char("a"): return .command("assigned")
        case .up, .char("k"): scroll = max(0, scroll - 1)
        case .down, .char("j"): scroll += 1
        case .pageUp: scroll = max(0, scroll - pageSize)
        case .pageDown: scroll += pageSize
        case .home, .char("g"): scroll = 0
        case .end, .char("G"): scroll = Int.max / 2
        default: return .ignored
        }
        return .handled
    }

    mutating func start(_ action: Action) -> ScreenOutcome {
        let ref = self.ref  // closures below must not capture self
        guard let t = desk.store[ref] else { return .message(.error("unknown reference \(ref)")) }
        func form(_ title: String, _ fields: [FormPromptState.Field], note: String = "") {
            prompt = .form(action, FormPromptState(title: title, fields: fields, note: note))
        }
        switch action {
        case .note: form("Note on \(ref)", [.init(key: "text", label: "Note", required: true)])
        case .route:
            let cat = desk.taxonomy.category(t.category)
            let q = cat?.queue ?? ""
            prompt = .form(.route, routePrompt(queue: q == t.queue ? "" : q, keep: [:]))
        case .assign where isAgent:
            let me = desk.login
            return act("\(ref) is yours") { try $0.assign(ref, to: me) }
        case .assign:
            form("Assign \(ref)", [.init(key: "user", label: "Assign to", value: desk.login, required: true)],
                 note: "team of \(t.queue): " + desk.config.team(of: t.queue).joined(separator: ", "))
        case .pending:
            if t.status == .pending {
                return act("Resumed \(ref)") { try $0.resume(ref) }
            }
            form("Pending \(ref)", [.init(key: "reason", label: "Waiting for", value: PendingReason.customer.rawValue, required: true)],
                 note: "customer or third-party")
        case .resolve: form("Resolve \(ref)", [.init(key: "note", label: "Note")])
        case .reopen: form("Reopen \(ref)", [.init(key: "reason", label: "Reason")])
        case .close: prompt = .confirmClose(ConfirmState(defaultYes: false))
        case .verify:
            form("Identity check on \(ref)", [.init(key: "how", label: "Verified how", required: true)],
                 note: "e.g. call-back to number on file")
        }
        return .handled
    }

    func routePrompt(queue: String, keep: [String: String]) -> FormPromptState {
        var fields = [FormPromptState.Field(key: "queue", label: "Queue", value: queue, required: true)]
        for h in desk.taxonomy.handoff(category: desk.store[ref]?.category, queue: queue) {
            fields.append(.init(key: h.key, label: h.label, value: keep[h.key] ?? desk.store[ref]?.details[h.key] ?? "", required: h.required))
        }
        var p = FormPromptState(title: "Route \(ref)", fields: fields + [.init(key: "note", label: "Note", value: keep["note"] ?? "")],
                                note: desk.taxonomy.queue(queue).map { "hand-off details for \($0.name)" } ?? "queues: \(desk.taxonomy.queueIds)")
        p.focus = fields.count > 1 ? 1 : 0
        return p
    }

    mutating func handlePrompt(_ p: Prompt, _ key: Key) -> ScreenOutcome {
        let ref = self.ref  // closures below must not capture self
        switch p {
        case .confirmClose(var c):
            guard let yes = c.handle(key) else { prompt = .confirmClose(c); return .handled }
            prompt = nil
            return yes ? act("Closed \(ref)") { try $0.close(ref) } : .handled
        case .form(let action, var form):
            guard let result = form.handle(key) else { prompt = .form(action, form); return .handled }
            guard case .submitted(let v) = result else { prompt = nil; return .handled }
            prompt = .form(action, form)  // stays open if the desk refuses
            func opt(_ k: String) -> String? { (v[k] ?? "").isEmpty ? nil : v[k] }
            switch action {
            case .note: return act("Note added to \(ref)") { try $0.addNote(ref, v["text"] ?? "") }
            case .route:
                let queue = v["queue"] ?? ""
                if form.fields.count - 2 != (desk.taxonomy.queue(queue).map { _ in desk.taxonomy.handoff(category: desk.store[ref]?.category, queue: queue).count } ?? -99) {
                    guard desk.taxonomy.queue(queue) != nil else { return .message(.error("unknown queue \"\(queue)\": use one of \(desk.taxonomy.queueIds)")) }
                    prompt = .form(.route, routePrompt(queue: queue, keep: v))
                    return .handled
                }
                var details = v.filter { !$0.value.isEmpty }
                details["queue"] = nil
                details["note"] = nil
                return act("Routed \(ref) to \(queue)") { try $0.route(ref, to: queue, details: details, note: opt("note")) }
            case .assign: return act("Assigned \(ref) to \(v["user"] ?? "")") { try $0.assign(ref, to: v["user"] ?? "") }
            case .pending:
                guard let reason = PendingReason(rawValue: v["reason"] ?? "") else {
                    return .message(.error("waiting for whom? type customer or third-party"))
                }
                return act("\(ref) is pending, \(reason.label)") { try $0.setPending(ref, reason: reason) }
            case .resolve: return act("Resolved \(ref)") { try $0.resolve(ref, note: opt("note")) }
            case .reopen: return act("Reopened \(ref)") { try $0.reopen(ref, reason: opt("reason")) }
            case .close: return .handled
            case .verify: return act("Identity check recorded on \(ref)") { try $0.verifyIdentity(ref, how: v["how"] ?? "") }
            }
        }
    }

    /// One row of the ticket page: a label (first row of a field only), the
    /// column the text starts in, and the text, already wrapped.
    struct PageLine {
        var label = ""
        var indent = 0
        var text: String
        var role = Role.normal
    }

    /// The header fields, then the history, wrapped to `width`: nothing is
    /// cut at the screen edge (a long note is read in full by scrolling).
    func document(head: [(String, String)], width: Int) -> [PageLine] {
        var out: [PageLine] = []
        let labelWidth = min(16, max(9, width / 5))
        let valueWidth = max(1, width - labelWidth)
        for (label, value) in head {
            for (i, piece) in value.wrapped(toWidth: valueWidth).enumerated() {
                out.append(PageLine(label: i == 0 ? label.truncated(toWidth: labelWidth - 1, ellipsis: true) : "", indent: labelWidth, text: piece))
            }
        }
        out.append(PageLine(text: "History (\(lines.count) events)", role: .header))
        for (stamp, text) in lines {
            // Continuation rows line up under the text; a narrow screen
            // gives the time and user a row of their own.
            if width >= 50 {
                let indent = stamp.displayWidth
                for (i, piece) in text.wrapped(toWidth: max(1, width - indent)).enumerated() {
                    out.append(i == 0 ? PageLine(text: stamp + piece) : PageLine(indent: indent, text: piece))
                }
            } else {
                out.append(PageLine(text: stamp, role: .dim))
                for piece in text.wrapped(toWidth: max(1, width - 2)) { out.append(PageLine(indent: 2, text: piece)) }
            }
        }
        return out
    }

    /// Runs a desk action; success closes the prompt, an error keeps it.
    mutating func act(_ done: String, _ body: (Desk) throws -> Void) -> ScreenOutcome {
        do {
            try body(desk)
        } catch {
            return .message(.error(DeskSession.describe(error)))
        }
        prompt = nil
        return .message(Message(.success, done))
    }

    public mutating func tick(now: Instant) -> Bool {
        let changed = session.tick(now: now)
        return changed
    }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        guard let t = ticket else {
            grid.put("\(ref): no such ticket", in: area, style: Style(.error))
            return
        }
        reloadHistory()
        var head: [(String, String)] = []
        let cat = desk.taxonomy.category(t.category)
        head.append(("Caller", t.caller.displayName + " (\(t.caller.type.label))" + (t.caller.reference.map { ", ref \($0)" } ?? "")))
        let contactWays = [t.caller.phone, t.caller.email].compactMap { $0 }.filter { !$0.isEmpty }
        if !contactWays.isEmpty { head.append(("Contact", contactWays.joined(separator: " · "))) }
        head.append(("Category", t.category + (cat.map { " — \($0.name)" } ?? "")))
        head.append(("Queue", t.queue + (t.assignee.map { ", assigned to \($0)" } ?? ", unassigned") + " · \(t.channel.label) · \(t.priority.rawValue)"))
        head.append(("Received", desk.localText(t.receivedAt) + " · \(t.contacts.count) contact\(t.contacts.count == 1 ? "" : "s")"))
        if let sla = desk.slaStatus(t, now: session.now) {
            head.append(("SLA", "\(sla.state.symbol) \(sla.state.label)" + (sla.due.map { ", due \(desk.localText($0))" } ?? "")))
        }
        if t.status == .pending, let r = t.pendingReason { head.append(("Pending", r.label)) }
        if t.isOpen, let cb = t.callbackAt { head.append(("Call back", desk.localText(cb))) }
        let labels = desk.taxonomy.handoffLabels
        for k in t.details.keys.sorted() { head.append((labels[k] ?? k, terminalSafe(t.details[k]!, lineBreaks: .space))) }
        head.append(("Summary", terminalSafe(t.summary)))

        let status = "\(t.ref)  \(t.status.label.uppercased())" + (t.restricted ? "  [restricted]" : "") + (t.firstContactResolution ? "  ✓ first contact" : "")
        grid.put(status, in: area.row(0), style: Style(.title))
        let page = Rect(x: area.x, y: area.y + 1, width: area.width, height: max(0, area.height - 1))
        let doc = document(head: head, width: page.width)
        pageSize = max(1, page.height - 1)
        scroll = max(0, min(scroll, doc.count - page.height))
        for (i, line) in doc.dropFirst(scroll).prefix(page.height).enumerated() {
            let row = page.row(i)
            let (l, v) = row.splitLeft(line.indent)
            if !line.label.isEmpty { grid.put(line.label, in: l, style: Style(.dim)) }
            grid.put(line.text, in: v, style: Style(line.role))
        }
        // Where the page is when it does not fit ("↓ 12 more"), beside the
        // status, where it hides nothing.
        if doc.count > page.height, page.height > 0 {
            let below = doc.count - scroll - page.height
            let mark = below > 0 ? "↓ \(below) more" : "↑ Home: top"
            if status.displayWidth + 2 + mark.displayWidth <= area.width {
                grid.put(mark, x: area.maxX - mark.displayWidth, y: area.y, style: Style(.dim))
            }
        }
        switch prompt {
        case .form(let a, var f)?:
            FormPrompt().render(in: area, grid: &grid, state: &f)
            prompt = .form(a, f)
        case .confirmClose(let c)?:
            grid.cursor = nil
            ConfirmDialog(title: "Close", message: "Close \(ref)? A closed ticket cannot be reopened.").render(in: area, grid: &grid, state: c)
        case nil: break
        }
    }
}
