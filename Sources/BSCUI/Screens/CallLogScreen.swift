import BSCApp
import BSCCore

/// The agent's home screen: log the call that is happening now. A timer
/// runs from when the form opens; caller and category have type-ahead;
/// one key saves with an outcome. Everything typed is kept as a draft.
public struct CallLogScreen: Screen {
    enum Action: Sendable {
        case channel, resolve, route, keepOpen, addToTicket, clear, next, previous, callerType, enter, takeSuggestion
    }
    enum Field: Int, CaseIterable { case name, reference, type, category, summary }
    enum Prompt {
        case route(FormPromptState, queue: String)
        case resolve(FormPromptState)
        case addTo(FormPromptState)
        case clear(ConfirmState)
    }

    let bindings = KeyBindingTable<Action>([
        KeyBinding(.function(4), bar: "Chan", help: "Next channel (phone, email, e-form, face to face…)", action: .channel),
        KeyBinding(.function(5), bar: "Solve", help: "Save: resolved now (first-contact resolution)", action: .resolve),
        KeyBinding(.function(6), bar: "Route", help: "Save and route to the category's queue (asks for hand-off details)", action: .route),
        KeyBinding(.function(7), bar: "Keep", help: "Save and keep open (a callback)", action: .keepOpen),
        KeyBinding(.function(8), bar: "Add", help: "Add this call to the caller's open ticket instead", action: .addToTicket),
        KeyBinding(.function(9), help: "Clear the form and restart the timer", action: .clear),
        KeyBinding(.tab, help: "Next field", action: .next),
        KeyBinding(.backTab, help: "Previous field", action: .previous),
        KeyBinding(.ctrl("t"), help: "Next caller type (also Space/←/→ on the Type field)", action: .callerType),
        KeyBinding(.ctrl("g"), help: "Take the first category suggested from the summary's words", action: .takeSuggestion),
        KeyBinding(.enter, help: "Pick the highlighted suggestion (↑/↓ move), else next field; new line in the summary", action: .enter),
    ])

    let session: DeskSession
    var desk: Desk { session.desk }

    var focus = Field.name
    var name = TextFieldState(maxLength: Limits.callerName)
    var reference = TextFieldState(maxLength: Limits.reference)
    var callerType = CallerType.employee
    var channel = Channel.phone
    var category = TextFieldState()
    var summary = TextAreaState()
    var startedAt: Instant
    /// The caller picked from history (cleared when the name is edited).
    var picked: CallerIndex.Entry?
    var callerMatches: [CallerIndex.Entry] = []
    var categoryMatches: [BSCCore.Category] = []
    var suggestionIndex = 0
    var showSuggestions = false
    var prompt: Prompt?
    /// Shown in the header after a draft was restored.
    var notice: String?
    var lastTimerText = ""
    /// `desk.loads` when the form last looked at history: the history can
    /// arrive (from the background load) while the agent types.
    var seenLoads: Int
    /// A draft was restored before the history was in: look its caller up
    /// when it arrives (unless the agent has edited the name since).
    var pickWhenLoaded = false

    public init(session: DeskSession) {
        self.session = session
        startedAt = session.desk.now()
        seenLoads = session.desk.loads
        if let d = session.drafts?.load(), !d.isBlank {
            restore(d)
            notice = "draft restored"
        }
    }

    public var title: String { "Log a call" }
    public var minimumSize: Size { Size(width: 40, height: 10) }
    public var keyHelp: KeyHelp { bindings.help }

    /// Whether the form holds anything typed.
    public var hasUnsavedText: Bool { !draft.isBlank }

    // MARK: Draft

    var draft: CallDraft {
        var d = CallDraft()
        d.callerName = name.text
        d.callerType = callerType.rawValue
        d.callerReference = reference.text
        d.channel = channel.rawValue
        d.category = category.text
        d.summary = summary.text
        d.startedAtMillis = startedAt.millis
        return d
    }

    mutating func restore(_ d: CallDraft) {
        name.text = d.callerName
        reference.text = d.callerReference
        callerType = CallerType(rawValue: d.callerType) ?? .employee
        channel = Channel(rawValue: d.channel) ?? .phone
        category.text = d.category
        summary = TextAreaState(d.summary)
        if d.startedAtMillis > 0 { startedAt = Instant(millis: d.startedAtMillis) }
        if !d.callerName.isEmpty {
            picked = session.callers.entry(for: typedCaller)
            pickWhenLoaded = session.isLoadingHistory
        }
    }

    var typedCaller: Caller {
        Caller(name: name.text, type: callerType, reference: reference.text.isEmpty ? nil : reference.text)
    }

    /// When the history has just arrived: looks the caller up again, as
    /// typing would have. True when the form changed.
    mutating func catchUpWithHistory() -> Bool {
        guard seenLoads != desk.loads, !session.isLoadingHistory else { return false }
        seenLoads = desk.loads
        if pickWhenLoaded && picked == nil {
            picked = session.callers.entry(for: typedCaller)
        }
        pickWhenLoaded = false
        if focus == .name && picked == nil && !name.text.isEmpty { updateSuggestions() }
        return true
    }

    func saveDraft(now: Instant) {
        guard let drafts = session.drafts else { return }
        let d = draft
        if d.isBlank { drafts.clear() } else { drafts.update(d, now: now) }
    }

    mutating func reset() {
        self = CallLogScreen(session: session, fresh: ())
    }

    private init(session: DeskSession, fresh: Void) {
        self.session = session
        startedAt = session.desk.now()
        seenLoads = session.desk.loads
    }

    // MARK: Derived

    /// Categories suggested by the summary's words (triage guidance).
    var summarySuggestions: [CategorySuggestion] {
        summary.text.isEmpty ? [] : desk.suggestCategories(for: summary.text, limit: 3)
    }

    /// The chosen category's knowledge article, read once per category.
    var articleCache: (id: String, text: String?)?

    mutating func article(for id: String) -> String? {
        if let c = articleCache, c.id == id { return c.text }
        let text = desk.article(for: id)
        articleCache = (id, text)
        return text
    }

    var selectedCategory: BSCCore.Category? { desk.taxonomy.category(category.text.trimmingCharacters(in: .whitespaces)) }

    var hints: [Desk.RepeatHint] {
        guard let picked else { return [] }
        return desk.repeatHints(for: picked, category: selectedCategory?.id, now: session.now)
    }

    func timerText(_ now: Instant) -> String {
        let s = max(0, (now.millis - startedAt.millis) / 1000)
        let m = s / 60, r = s % 60
        return (m < 10 ? "0" : "") + "\(m):" + (r < 10 ? "0" : "") + "\(r)"
    }

    mutating func updateSuggestions() {
        suggestionIndex = 0
        switch focus {
        case .name:
            callerMatches = session.callers.search(name.text, limit: 20)
            showSuggestions = !callerMatches.isEmpty
        case .category:
            let q = foldName(category.text)
            if q.isEmpty {
                categoryMatches = desk.taxonomy.categories
            } else {
                let all = desk.taxonomy.categories
                let prefix = all.filter { $0.id.hasPrefix(q) || foldName($0.name).hasPrefix(q) }
                let inner = all.filter { c in !prefix.contains(where: { $0.id == c.id }) && (c.id.contains(q) || foldName(c.name).contains(q) || c.keywords.contains { $0.contains(q) }) }
                categoryMatches = prefix + inner
            }
            showSuggestions = !categoryMatches.isEmpty && selectedCategory == nil
        default:
            showSuggestions = false
        }
    }

    var suggestionCount: Int {
        switch focus {
        case .name: callerMatches.count
        case .category: categoryMatches.count
        default: 0
        }
    }

    mutating func pickSuggestion() {
        switch focus {
        case .name where callerMatches.indices.contains(suggestionIndex):
            let e = callerMatches[suggestionIndex]
            name.text = e.name
            reference.text = e.reference ?? ""
            callerType = e.type
            picked = e
            focus = .category
        case .category where categoryMatches.indices.contains(suggestionIndex):
            category.text = categoryMatches[suggestionIndex].id
            focus = .summary
        default: break
        }
        showSuggestions = false
    }

    // MARK: Keys

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if prompt != nil { return handlePrompt(key, context: context) }
        let before = draft
        let outcome = handleForm(key, context: context)
        if draft != before { saveDraft(now: context.now) }
        return outcome
    }

    mutating func handleForm(_ key: Key, context: RenderContext) -> ScreenOutcome {
        // Suggestions take ↑/↓ while shown.
        if showSuggestions, suggestionCount > 0 {
            switch key {
            case .up, .ctrl("p"):
                suggestionIndex = max(0, suggestionIndex - 1)
                return .handled
            case .down, .ctrl("n"):
                suggestionIndex = min(suggestionCount - 1, suggestionIndex + 1)
                return .handled
            case .escape:
                showSuggestions = false
                return .handled
            default: break
            }
        }
        if let action = bindings.action(for: key) {
            switch action {
            case .channel:
                let all = Channel.allCases
                channel = all[(all.firstIndex(of: channel)! + 1) % all.count]
            case .callerType: cycleType(1)
            case .takeSuggestion:
                guard let top = summarySuggestions.first else { return .message(.error("no suggestion yet: type a few words of the summary")) }
                category.text = top.category
                showSuggestions = false
            case .next: move(1)
            case .previous: move(-1)
            case .enter:
                if focus == .summary {
                    _ = summary.handle(.enter)
                } else if showSuggestions && suggestionCount > 0 {
                    pickSuggestion()
                } else {
                    move(1)
                }
            case .clear:
                if hasUnsavedText { prompt = .clear(ConfirmState(defaultYes: false)) } else { reset() }
            case .resolve:
                if let cat = selectedCategory, cat.requiresIdentityCheck {
                    prompt = .resolve(FormPromptState(title: "Resolve: identity check", fields: [
                        .init(key: Desk.identityDetail, label: "Verified how", required: true),
                    ], note: "\(cat.name) needs the caller's identity checked"))
                    return .handled
                }
                return save(.resolved, details: [:])
            case .keepOpen:
                return save(.keepOpen, details: [:])
            case .route:
                guard let cat = selectedCategory else { return .message(.error("pick a category first: the route's queue comes from it")) }
                let q = cat.queue == desk.customerServices ? "" : cat.queue
                prompt = .route(routePrompt(queue: q, keep: [:]), queue: q)
            case .addToTicket:
                let open = hints.first { hint in desk.store[hint.ref]?.isOpen == true }
                prompt = .addTo(FormPromptState(title: "Add this call to a ticket", fields: [
                    .init(key: "ticket", label: "Ticket", value: open?.ref.description ?? "", required: true),
                ], note: open == nil ? "type the reference (e.g. BSC-000123)" : "the caller's open ticket is prefilled"))
            }
            return .handled
        }
        switch focus {
        case .name:
            guard name.handle(key) else { return .ignored }
            picked = nil
            pickWhenLoaded = false
            updateSuggestions()
        case .reference:
            guard reference.handle(key) else { return .ignored }
        case .type:
            switch key {
            case .char(" "), .right: cycleType(1)
            case .left: cycleType(-1)
            default: return .ignored
            }
        case .category:
            guard category.handle(key) else { return .ignored }
            updateSuggestions()
        case .summary:
            guard summary.handle(key) else { return .ignored }
        }
        return .handled
    }

    mutating func cycleType(_ step: Int) {
        let all = CallerType.allCases
        callerType = all[(all.firstIndex(of: callerType)! + all.count + step) % all.count]
    }

    mutating func move(_ step: Int) {
        let all = Field.allCases
        focus = all[(focus.rawValue + all.count + step) % all.count]
        showSuggestions = false
        if focus == .category && category.text.isEmpty { updateSuggestions() }
    }

    func routePrompt(queue: String, keep: [String: String]) -> FormPromptState {
        var fields = [FormPromptState.Field(key: "queue", label: "Queue", value: queue, required: true)]
        for h in desk.taxonomy.queue(queue)?.handoff ?? [] {
            fields.append(.init(key: h.key, label: h.label, value: keep[h.key] ?? "", required: h.required))
        }
        if selectedCategory?.requiresIdentityCheck == true {
            fields.append(.init(key: Desk.identityDetail, label: "Identity verified how", value: keep[Desk.identityDetail] ?? "", required: true))
        }
        let note = desk.taxonomy.queue(queue).map { "hand-off details for \($0.name)" } ?? "queues: \(desk.taxonomy.queueIds)"
        var p = FormPromptState(title: "Route", fields: fields, note: note)
        p.focus = fields.count > 1 ? 1 : 0
        return p
    }

    mutating func handlePrompt(_ key: Key, context: RenderContext) -> ScreenOutcome {
        switch prompt! {
        case .clear(var c):
            if let yes = c.handle(key) {
                prompt = nil
                if yes {
                    session.drafts?.clear()
                    reset()
                }
            } else {
                prompt = .clear(c)
            }
            return .handled
        case .route(var p, let queue):
            guard let result = p.handle(key) else { prompt = .route(p, queue: queue); return .handled }
            guard case .submitted(let values) = result else { prompt = nil; return .handled }
            let chosen = values["queue"] ?? ""
            if chosen != queue {
                // Another queue needs other hand-off details: ask for them.
                guard desk.taxonomy.queue(chosen) != nil else {
                    prompt = .route(p, queue: queue)
                    return .message(.error("unknown queue \"\(chosen)\": use one of \(desk.taxonomy.queueIds)"))
                }
                prompt = .route(routePrompt(queue: chosen, keep: values), queue: chosen)
                return .handled
            }
            var details = values.filter { !$0.value.isEmpty }
            details["queue"] = nil
            prompt = .route(p, queue: queue)
            return saveFromPrompt(.route(queue), details: details)
        case .resolve(var p):
            guard let result = p.handle(key) else { prompt = .resolve(p); return .handled }
            guard case .submitted(let values) = result else { prompt = nil; return .handled }
            prompt = .resolve(p)
            return saveFromPrompt(.resolved, details: values.filter { !$0.value.isEmpty })
        case .addTo(var p):
            guard let result = p.handle(key) else { prompt = .addTo(p); return .handled }
            guard case .submitted(let values) = result else { prompt = nil; return .handled }
            prompt = .addTo(p)
            guard let ref = TicketRef(parsing: values["ticket"] ?? "") else {
                return .message(.error("bad reference \"\(values["ticket"] ?? "")\": use one like BSC-000123"))
            }
            do {
                try desk.logRepeatContact(ref, channel: channel, summary: summary.text, durationMillis: elapsed, received: startedAt)
            } catch {
                return .message(.error(error.message))
            }
            session.drafts?.clear()
            reset()
            return .message(Message(.success, "Added this call to \(ref) as a repeat contact"))
        }
    }

    /// Keeps the prompt open when saving fails, so nothing typed is lost.
    mutating func saveFromPrompt(_ outcome: Desk.NewContact.Outcome, details: [String: String]) -> ScreenOutcome {
        let result = save(outcome, details: details)
        if case .message(let m) = result, m.kind == .success { prompt = nil }
        return result
    }

    var elapsed: Int64 { max(0, desk.now().millis - startedAt.millis) }

    mutating func save(_ outcome: Desk.NewContact.Outcome, details: [String: String]) -> ScreenOutcome {
        let cat = category.text.trimmingCharacters(in: .whitespaces)
        guard !cat.isEmpty else { return .message(.error("the category is empty: type a few letters and pick one")) }
        let ref = reference.text.trimmingCharacters(in: .whitespaces)
        let contact = Desk.NewContact(
            caller: Caller(name: name.text.trimmingCharacters(in: .whitespaces), type: callerType, reference: ref.isEmpty ? nil : ref),
            channel: channel, category: cat, summary: summary.text, durationMillis: elapsed,
            received: startedAt, details: details, outcome: outcome)
        let saved: TicketRef
        do {
            saved = try desk.logFirstContact(contact).ref
        } catch {
            return .message(.error(error.message))
        }
        session.drafts?.clear()
        reset()
        let what: String
        switch outcome {
        case .resolved: what = "resolved at first contact"
        case .keepOpen: what = "kept open for a callback"
        case .route(let q): what = "routed to \(q)"
        }
        return .message(Message(.success, "Saved \(saved): \(what)"))
    }

    public mutating func tick(now: Instant) -> Bool {
        let caughtUp = catchUpWithHistory()
        let t = timerText(now)
        defer { lastTimerText = t }
        return t != lastTimerText || caughtUp
    }

    // MARK: Drawing

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        _ = catchUpWithHistory()
        let labelWidth = area.width >= 60 ? 12 : 9
        let parts = area.rows([.fixed(1), .fixed(1), .fixed(1), .fixed(1), .fixed(1), .flex(1, min: 2), .fixed(1), .flex(1)])
        lastTimerText = timerText(context.now)
        var header = "Call \(lastTimerText) · \(channel.label)"
        if let notice { header += " · \(notice)" }
        grid.put(header, in: parts[0], style: Style(.title))

        func label(_ text: String, _ row: Rect, _ field: Field) -> Rect {
            let (l, rest) = row.splitLeft(labelWidth)
            grid.put(text, in: l, style: Style(focus == field ? .title : .normal))
            return rest
        }
        var popupAnchor: Rect?
        let nameRect = label(labelWidth >= 12 ? "Caller" : "Caller", parts[1], .name)
        TextField(placeholder: "name or reference", focused: focus == .name).render(in: nameRect, grid: &grid, state: &name)
        if focus == .name { popupAnchor = nameRect }

        let refRow = label(labelWidth >= 12 ? "Caller ref" : "Ref", parts[2], .reference)
        let typeText = "‹\(callerType.label)›"
        let (refRect, typeRect) = refRow.splitLeft(max(6, refRow.width - min(refRow.width / 2, typeText.displayWidth + 6)))
        TextField(focused: focus == .reference).render(in: refRect.inset(right: 1), grid: &grid, state: &reference)
        let typeLabelW = grid.put("Type ", in: typeRect, style: Style(focus == .type ? .title : .normal))
        grid.put(typeText, in: typeRect.splitLeft(typeLabelW).rest, style: Style(focus == .type ? .inputFocused : .input))

        let catRect = label("Category", parts[3], .category)
        TextField(placeholder: "type to search categories", focused: focus == .category).render(in: catRect, grid: &grid, state: &category)
        if focus == .category { popupAnchor = catRect }
        let info = parts[4].splitLeft(labelWidth).rest
        if let cat = selectedCategory {
            let queueName = desk.taxonomy.queue(cat.queue)?.name ?? cat.queue
            let res = cat.frontDeskResolvable ? "✓ front desk can resolve" : "✗ route: not resolvable here"
            grid.put("\(cat.name) · \(queueName) · \(res)", in: info, style: Style(.dim))
        } else if !summarySuggestions.isEmpty {
            let text = "^G takes: " + summarySuggestions.map { $0.category }.joined(separator: " · ")
            grid.put(text, in: info, style: Style(.warning))
        } else if !category.text.isEmpty {
            grid.put("no such category yet: pick one from the list", in: info, style: Style(.dim))
        }

        let sumRect = label("Summary", parts[5], .summary)
        TextArea(placeholder: "what the caller needs, what you did", focused: focus == .summary).render(in: sumRect, grid: &grid, state: &summary)

        let hints = self.hints
        if session.isLoadingHistory {
            grid.put("◌ history still loading: caller look-up and repeat warnings follow", in: parts[6], style: Style(.dim))
        } else if let first = hints.first {
            grid.put("⚠ Repeat? \(first.text)" + (desk.store[first.ref]?.isOpen == true ? " (F8 adds to it)" : ""), in: parts[6], style: Style(.warning))
        }
        if picked == nil, let cat = selectedCategory, let text = article(for: cat.id) {
            renderArticle(text, title: cat.name, in: parts[7], grid: &grid)
        } else {
            renderHistory(in: parts[7], grid: &grid)
        }

        if showSuggestions, let anchor = popupAnchor {
            let below = Rect(x: anchor.x, y: anchor.y + 1, width: anchor.width, height: min(6, area.maxY - anchor.y - 1))
            renderSuggestions(in: below, grid: &grid)
        }
        if prompt != nil {
            renderPrompt(in: area, grid: &grid)
        }
    }

    func renderHistory(in rect: Rect, grid: inout CellGrid) {
        guard rect.height > 0, let picked else { return }
        grid.put("History of \(picked.name): \(picked.refs.count) ticket\(picked.refs.count == 1 ? "" : "s")", in: rect.row(0), style: Style(.header))
        for (i, ref) in picked.refs.reversed().prefix(rect.height - 1).enumerated() {
            guard let t = desk.store[ref].map(desk.visible) else { continue }
            let line = "\(ref) \(t.status.label.padded(toWidth: 11)) \(desk.localText(t.receivedAt)) \(t.category)  \(terminalSafe(t.summary, lineBreaks: .space))"
            grid.put(line, in: rect.row(i + 1), style: Style(t.isOpen ? .normal : .dim))
        }
    }

    /// What to say or do, from the category's article in the data
    /// directory's kb/ (already stripped of terminal controls).
    func renderArticle(_ text: String, title: String, in rect: Rect, grid: inout CellGrid) {
        guard rect.height > 0 else { return }
        grid.put("Article: \(title)", in: rect.row(0), style: Style(.header))
        var row = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix("# ") {
            for piece in String(line).wrapped(toWidth: max(1, rect.width)) {
                guard row < rect.height else { return }
                grid.put(piece, in: rect.row(row), style: Style(.help))
                row += 1
            }
        }
    }

    func renderSuggestions(in rect: Rect, grid: inout CellGrid) {
        guard rect.height > 0 else { return }
        let labels: [String]
        switch focus {
        case .name: labels = callerMatches.map(\.label)
        case .category:
            labels = categoryMatches.map { c in "\(c.id) — \(c.name)" + (c.frontDeskResolvable ? "" : " ✗") }
        default: return
        }
        let first = max(0, suggestionIndex - rect.height + 1)
        for (row, i) in (first..<min(labels.count, first + rect.height)).enumerated() {
            let style = Style(i == suggestionIndex ? .selection : .input)
            grid.fill(rect.row(row), style: style)
            grid.put((i == suggestionIndex ? "▸" : " ") + labels[i], in: rect.row(row), style: style)
        }
    }

    mutating func renderPrompt(in area: Rect, grid: inout CellGrid) {
        switch prompt! {
        case .route(var p, let q):
            FormPrompt().render(in: area, grid: &grid, state: &p)
            prompt = .route(p, queue: q)
        case .resolve(var p):
            FormPrompt().render(in: area, grid: &grid, state: &p)
            prompt = .resolve(p)
        case .addTo(var p):
            FormPrompt().render(in: area, grid: &grid, state: &p)
            prompt = .addTo(p)
        case .clear(let c):
            grid.cursor = nil
            ConfirmDialog(title: "Clear", message: "Clear the form? What you typed is lost.").render(in: area, grid: &grid, state: c)
        }
    }
}
