import BSCApp
import BSCCore

/// The agent's home screen: log the call that is happening now. Between
/// calls the form is "ready"; the call timer (the handle time and the
/// ticket's received time) starts at the first key of the next call, or
/// at F9. Caller and category have type-ahead; the caller's history shows
/// as soon as the caller is certain; one key saves with an outcome.
/// Everything typed is kept as this terminal's draft.
public struct CallLogScreen: Screen {
    enum Action: Sendable {
        case channel, resolve, route, keepOpen, addToTicket, clear, next, previous, callerType, enter, takeSuggestion
    }
    /// The first five keep the order agents' hands know; the rest follow
    /// the summary.
    enum Field: Int, CaseIterable { case name, reference, type, category, summary, phone, email, priority }
    enum Prompt {
        case route(FormPromptState, queue: String)
        case resolve(FormPromptState)
        case addTo(FormPromptState)
        case clear(ConfirmState)
        /// F5 on a category marked not resolvable at the front desk.
        case confirmResolve(ConfirmState, category: String)
        case callback(FormPromptState)
    }

    let bindings = KeyBindingTable<Action>([
        KeyBinding(.function(4), bar: "Chan", help: "Next channel (phone, email, e-form, face to face…)", action: .channel),
        KeyBinding(.function(5), bar: "Solve", help: "Save: resolved now (first-contact resolution)", action: .resolve),
        KeyBinding(.function(6), bar: "Route", help: "Save and route to the category's queue (asks for hand-off details)", action: .route),
        KeyBinding(.function(7), bar: "Keep", help: "Save and keep open for a callback (asks when to call back)", action: .keepOpen),
        KeyBinding(.function(8), bar: "Add", help: "Add this call to the caller's open ticket instead", action: .addToTicket),
        KeyBinding(.function(9), help: "New call: start the timer now (a form with text is cleared first, asks)", action: .clear),
        KeyBinding(.tab, help: "Next field", action: .next),
        KeyBinding(.backTab, help: "Previous field", action: .previous),
        KeyBinding(.ctrl("t"), help: "Next caller type (also Space/←/→ on the Type field; on Priority they change the priority)", action: .callerType),
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
    var phone = TextFieldState(maxLength: Limits.phone)
    var email = TextFieldState(maxLength: Limits.email)
    /// nil: the category's default priority.
    var priority: Priority?
    /// When the call started; nil while the form is ready for the next
    /// call, so idle time and wrap-up after a save are never counted.
    var startedAt: Instant?
    /// The caller picked from the type-ahead (cleared when the name or
    /// reference is edited).
    var picked: CallerIndex.Entry?
    /// The route box's queue and details from a restored draft.
    var savedRoute: (queue: String, details: [String: String])?
    /// Unsaved drafts of crashed sessions, offered one after another.
    var orphans: [DraftStore.Orphan] = []
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
        seenLoads = session.desk.loads
        orphans = session.drafts?.adoptOrphans() ?? []
        restoreNextOrphan()
    }

    /// Puts the oldest adopted draft into the form (it becomes this
    /// terminal's draft); the others wait for the next empty form.
    mutating func restoreNextOrphan() {
        guard let drafts = session.drafts, !orphans.isEmpty else { return }
        let next = orphans.removeFirst()
        drafts.release(next, keep: true)
        restore(next.draft)
        notice = orphans.isEmpty ? "draft restored" : "draft restored, \(orphans.count) more after this call"
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
        d.phone = phone.text
        d.email = email.text
        d.priority = priority?.rawValue ?? ""
        d.startedAtMillis = startedAt?.millis ?? 0
        if case .route(let p, _)? = prompt {
            var values = typedValues(of: p)
            d.routeQueue = values.removeValue(forKey: "queue") ?? ""
            d.routeDetails = values.filter { !$0.value.isEmpty }
        } else if let savedRoute {
            d.routeQueue = savedRoute.queue
            d.routeDetails = savedRoute.details
        }
        return d
    }

    mutating func restore(_ d: CallDraft) {
        name.text = d.callerName
        reference.text = d.callerReference
        callerType = CallerType(rawValue: d.callerType) ?? .employee
        channel = Channel(rawValue: d.channel) ?? .phone
        category.text = d.category
        summary = TextAreaState(d.summary)
        phone.text = d.phone
        email.text = d.email
        priority = Priority(rawValue: d.priority)
        startedAt = d.startedAtMillis > 0 ? Instant(millis: d.startedAtMillis) : desk.now()
        if !d.routeQueue.isEmpty || !d.routeDetails.isEmpty { savedRoute = (d.routeQueue, d.routeDetails) }
        if !d.callerName.isEmpty {
            picked = session.callers.entry(for: typedCaller)
            pickWhenLoaded = session.isLoadingHistory
        }
    }

    var typedCaller: Caller {
        Caller(name: name.text, type: callerType, reference: reference.text.isEmpty ? nil : reference.text)
    }

    /// The caller whose history and repeat warning show: the one picked
    /// from the type-ahead, else the one caller the typed reference, phone
    /// or email belongs to. Look-up only: FCR's same-caller rule is apart.
    var caller: CallerIndex.Entry? {
        if let picked { return picked }
        guard !session.isLoadingHistory else { return nil }
        return session.callers.certainEntry(reference: reference.text, phone: phone.text, email: email.text)
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

    /// An empty form, ready for the next call (the timer waits for its
    /// first key), or the next crashed session's draft.
    mutating func reset() {
        let waiting = orphans
        self = CallLogScreen(session: session, fresh: ())
        orphans = waiting
        restoreNextOrphan()
    }

    private init(session: DeskSession, fresh: Void) {
        self.session = session
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
        guard let caller else { return [] }
        return desk.repeatHints(for: caller, category: selectedCategory?.id, now: session.now)
    }

    /// "Ready" between calls, else the call's minutes and seconds.
    func timerText(_ now: Instant) -> String {
        guard let startedAt else { return "Ready" }
        let s = max(0, (now.millis - startedAt.millis) / 1000)
        let m = s / 60, r = s % 60
        return "Call " + (m < 10 ? "0" : "") + "\(m):" + (r < 10 ? "0" : "") + "\(r)"
    }

    /// Categories for typed text: id or name prefix first, then those
    /// containing it (or a keyword).
    func categories(matching text: String) -> [BSCCore.Category] {
        let q = foldName(text)
        let all = desk.taxonomy.categories
        guard !q.isEmpty else { return all }
        let prefix = all.filter { $0.id.hasPrefix(q) || foldName($0.name).hasPrefix(q) }
        let inner = all.filter { c in !prefix.contains(where: { $0.id == c.id }) && (c.id.contains(q) || foldName(c.name).contains(q) || c.keywords.contains { $0.contains(q) }) }
        return prefix + inner
    }

    /// A typed but unpicked category becomes the highlighted match (the
    /// first, unless the agent moved the highlight).
    mutating func takeHighlightedCategory() {
        let typed = category.text.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty, selectedCategory == nil else { return }
        let matches = categories(matching: typed)
        let i = focus == .category && showSuggestions && matches.indices.contains(suggestionIndex) ? suggestionIndex : 0
        guard matches.indices.contains(i) else { return }
        category.text = matches[i].id
        showSuggestions = false
    }

    mutating func updateSuggestions() {
        suggestionIndex = 0
        switch focus {
        case .name:
            callerMatches = session.callers.search(name.text, limit: 20)
            showSuggestions = !callerMatches.isEmpty
        case .category:
            categoryMatches = categories(matching: category.text)
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
            if phone.text.isEmpty { phone.text = e.phone ?? "" }
            if email.text.isEmpty { email.text = e.email ?? "" }
            callerType = e.type
            picked = e
            // The next field, as Tab would: the agent's next words must
            // not land in a field they did not expect.
            focus = .reference
        case .category where categoryMatches.indices.contains(suggestionIndex):
            category.text = categoryMatches[suggestionIndex].id
            focus = .summary
        default: break
        }
        showSuggestions = false
    }

    // MARK: Keys

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        // The call starts with its first key: read the clock before it.
        let keyTime = desk.now()
        let wasReady = startedAt == nil
        let before = draft
        let outcome = prompt != nil ? handlePrompt(key, context: context) : handleForm(key, context: context)
        if wasReady && startedAt == nil && draft != before {
            startedAt = keyTime
        }
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
            // Leaving Caller ref with words in it (a summary typed in the
            // wrong field): say what a reference is; the text stays.
            if focus == .reference, [.next, .previous, .enter].contains(action), let problem = CallerReference.problem(reference.text) {
                return .message(.error(problem))
            }
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
                if hasUnsavedText {
                    prompt = .clear(ConfirmState(defaultYes: false))
                } else {
                    // An explicit new call: the timer starts now.
                    reset()
                    startedAt = desk.now()
                }
            case .resolve:
                return startResolve(confirmed: false)
            case .keepOpen:
                takeHighlightedCategory()
                // What cannot be saved is said now, not after the callback time.
                if selectedCategory == nil || summary.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    return save(.keepOpen, details: [:])
                }
                prompt = .callback(FormPromptState(title: "Keep open: call back", fields: [
                    .init(key: "at", label: "Call back at", value: suggestedCallback()),
                ], note: "local time: 14:30, +45m, +2h or 2026-11-25 10:00; empty: no time"))
            case .route:
                takeHighlightedCategory()
                guard let cat = selectedCategory else { return .message(.error("pick a category first: the route's queue comes from it")) }
                let q = savedRoute.map(\.queue).flatMap { $0.isEmpty ? nil : $0 } ?? (cat.queue == desk.customerServices ? "" : cat.queue)
                prompt = .route(routePrompt(queue: q, keep: savedRoute?.details ?? [:]), queue: q)
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
        case .phone:
            guard phone.handle(key) else { return .ignored }
            picked = nil
        case .email:
            guard email.handle(key) else { return .ignored }
            picked = nil
        case .priority:
            switch key {
            case .char(" "), .right: cyclePriority(1)
            case .left: cyclePriority(-1)
            default: return .ignored
            }
        }
        return .handled
    }

    /// nil (the category's default), then low … urgent.
    mutating func cyclePriority(_ step: Int) {
        let all: [Priority?] = [nil] + Priority.allCases.map { $0 }
        let i = all.firstIndex(of: priority) ?? 0
        priority = all[(i + all.count + step) % all.count]
    }

    var priorityLabel: String {
        if let priority { return priority.rawValue }
        return selectedCategory.map { "\($0.defaultPriority.rawValue) (category)" } ?? "category's"
    }

    /// F5: a category marked not resolvable at the front desk asks first;
    /// one that needs an identity check asks how it was checked.
    mutating func startResolve(confirmed: Bool) -> ScreenOutcome {
        takeHighlightedCategory()
        if let cat = selectedCategory, !cat.frontDeskResolvable, !confirmed {
            prompt = .confirmResolve(ConfirmState(defaultYes: false), category: cat.name)
            return .handled
        }
        if let cat = selectedCategory, cat.requiresIdentityCheck {
            prompt = .resolve(FormPromptState(title: "Resolve: identity check", fields: [
                .init(key: Desk.identityDetail, label: "Verified how", required: true),
            ], note: "\(cat.name) needs the caller's identity checked"))
            return .handled
        }
        return save(.resolved, details: [:])
    }

    /// An hour from now, on the next quarter hour.
    func suggestedCallback() -> String {
        let quarter: Int64 = 15 * 60_000
        let t = desk.now().millis + 60 * 60_000
        let at = Instant(millis: (t + quarter - 1) / quarter * quarter)
        return desk.localText(at)
    }

    /// "14:30" (today; tomorrow once that has passed), "+45m", "+2h", or a
    /// full local date and time. nil for empty; throws a message otherwise.
    func parseCallback(_ text: String) throws(DeskError) -> Instant? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        let now = desk.now()
        let help = "call back when? e.g. 14:30, +45m, +2h or 2026-11-25 10:00"
        if t.hasPrefix("+") {
            let body = t.dropFirst()
            let unit: Int64 = body.hasSuffix("h") ? 3_600_000 : 60_000
            guard let n = Int64(body.hasSuffix("h") || body.hasSuffix("m") ? body.dropLast() : body), n >= 0, n <= 100_000 else {
                throw .usage("bad call-back time \"\(t)\": \(help)")
            }
            return now.adding(millis: n * unit)
        }
        if t.count <= 5, t.contains(":") {
            let parts = t.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
                throw .usage("bad call-back time \"\(t)\": \(help)")
            }
            let today = desk.zone.localDate(now)
            func at(_ d: CivilDate) -> String { d.description + "T" + (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)" }
            let first = try InputParsing.receivedTime(at(today), zone: desk.zone, now: Instant(millis: Int64.max / 4))
            if first >= now.adding(minutes: -1) { return first }
            return try InputParsing.receivedTime(at(today.adding(days: 1)), zone: desk.zone, now: Instant(millis: Int64.max / 4))
        }
        do {
            return try InputParsing.receivedTime(t, zone: desk.zone, now: Instant(millis: Int64.max / 4))
        } catch {
            throw .usage("bad call-back time \"\(t)\": \(help)")
        }
    }

    mutating func cycleType(_ step: Int) {
        let all = CallerType.allCases
        callerType = all[(all.firstIndex(of: callerType)! + all.count + step) % all.count]
    }

    mutating func move(_ step: Int) {
        if focus == .category { takeHighlightedCategory() }
        let all = Field.allCases
        focus = all[(focus.rawValue + all.count + step) % all.count]
        showSuggestions = false
        if focus == .category && category.text.isEmpty { updateSuggestions() }
    }

    /// The hand-off detail the caller reference is, by caller type: an
    /// employee's number, a supplier's or debtor's account, a client's
    /// reference. Prefilled in the route box so it is not typed twice.
    var referenceDetail: (key: String, value: String)? {
        let ref = reference.text.trimmingCharacters(in: .whitespaces)
        guard !ref.isEmpty else { return nil }
        switch callerType {
        case .employee, .manager: return ("employee-number", ref)
        case .supplier, .debtor: return ("account-number", ref)
        case .serviceUser, .familyOrAdvocate: return ("client-reference", ref)
        default: return nil
        }
    }

    func routePrompt(queue: String, keep: [String: String]) -> FormPromptState {
        var fields = [FormPromptState.Field(key: "queue", label: "Queue", value: queue, required: true)]
        let prefill = referenceDetail
        for h in desk.taxonomy.handoff(category: selectedCategory?.id, queue: queue) {
            let fromCaller = prefill?.key == h.key ? prefill?.value : nil
            fields.append(.init(key: h.key, label: h.label, value: keep[h.key] ?? fromCaller ?? "", required: h.required))
        }
        if selectedCategory?.requiresIdentityCheck == true {
            fields.append(.init(key: Desk.identityDetail, label: "Identity verified how", value: keep[Desk.identityDetail] ?? "", required: true))
        }
        let note = desk.taxonomy.queue(queue).map { "hand-off details for \($0.name)" } ?? "queues: \(desk.taxonomy.queueIds)"
        // Opens on Queue (prefilled): what Enter will do is in sight.
        return FormPromptState(title: "Route", fields: fields, note: note)
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
        case .confirmResolve(var c, let name):
            guard let yes = c.handle(key) else { prompt = .confirmResolve(c, category: name); return .handled }
            prompt = nil
            return yes ? startResolve(confirmed: true) : .message(.info("not saved: route it with F6, or keep it open with F7"))
        case .callback(var p):
            guard let result = p.handle(key) else { prompt = .callback(p); return .handled }
            guard case .submitted(let values) = result else { prompt = nil; return .handled }
            prompt = .callback(p)
            let at: Instant?
            do {
                at = try parseCallback(values["at"] ?? "")
            } catch {
                return .message(.error(error.message))
            }
            return saveFromPrompt(.keepOpen, details: [:], callback: at)
        case .route(var p, let queue):
            guard let result = p.handle(key) else { prompt = .route(p, queue: queue); return .handled }
            guard case .submitted(let values) = result else {
                // Cancelled: what was typed stays for the next F6.
                var kept = typedValues(of: p)
                savedRoute = (kept.removeValue(forKey: "queue") ?? "", kept.filter { !$0.value.isEmpty })
                prompt = nil
                return .handled
            }
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
                try desk.logRepeatContact(ref, channel: channel, summary: summary.text, durationMillis: elapsed, received: startedAt ?? desk.now())
            } catch {
                return .message(.error(error.message))
            }
            session.drafts?.clear()
            reset()
            return .message(Message(.success, "Added this call to \(ref) as a repeat contact"))
        }
    }

    /// Keeps the prompt open when saving fails, so nothing typed is lost.
    mutating func saveFromPrompt(_ outcome: Desk.NewContact.Outcome, details: [String: String], callback: Instant? = nil) -> ScreenOutcome {
        let result = save(outcome, details: details, callback: callback)
        if case .message(let m) = result, m.kind == .success { prompt = nil }
        return result
    }

    func typedValues(of p: FormPromptState) -> [String: String] {
        p.fields.reduce(into: [String: String]()) { $0[$1.key] = $1.input.text }
    }

    /// The call's handle time so far (0 on a form still "ready").
    var elapsed: Int64 { startedAt.map { max(0, desk.now().millis - $0.millis) } ?? 0 }

    mutating func save(_ outcome: Desk.NewContact.Outcome, details: [String: String], callback: Instant? = nil) -> ScreenOutcome {
        takeHighlightedCategory()
        if let problem = CallerReference.problem(reference.text) {
            focus = .reference
            return .message(.error(problem))
        }
        let cat = category.text.trimmingCharacters(in: .whitespaces)
        guard !cat.isEmpty else { return .message(.error("the category is empty: type a few letters and pick one")) }
        func opt(_ s: String) -> String? {
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        let started = startedAt ?? desk.now()
        let contact = Desk.NewContact(
            caller: Caller(name: name.text.trimmingCharacters(in: .whitespaces), type: callerType, reference: opt(reference.text),
                           phone: opt(phone.text), email: opt(email.text)),
            channel: channel, category: cat, summary: summary.text, durationMillis: elapsed,
            received: started, details: details, outcome: outcome, priority: priority, callback: callback)
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
        case .keepOpen: what = callback.map { "kept open, call back \(desk.localText($0))" } ?? "kept open for a callback"
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
        // The repeat warning names the open ticket and what F8 does: at 80
        // columns it can need two rows, and a cut warning hides the key.
        var warning: String?
        if session.isLoadingHistory {
            warning = "◌ history still loading: caller look-up and repeat warnings follow"
        } else if let first = hints.first {
            warning = "⚠ Repeat? \(first.text)" + (desk.store[first.ref]?.isOpen == true ? " (F8 adds to it)" : "")
        }
        let warningLines = warning.map { Array($0.wrapped(toWidth: max(1, area.width)).prefix(2)) } ?? []
        let parts = area.rows([.fixed(1), .fixed(1), .fixed(1), .fixed(1), .fixed(1), .flex(1, min: 2), .fixed(1),
                               .fixed(max(1, warningLines.count)), .flex(1)])
        lastTimerText = timerText(context.now)
        var header = "\(lastTimerText) · \(channel.label)"
        if startedAt == nil { header += " · the timer starts with the call's first key (F9: now)" }
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
        TextArea(placeholder: "what the caller needs, what you did", focused: focus == .summary, wraps: true).render(in: sumRect, grid: &grid, state: &summary)

        // Phone, email and priority share a row after the summary.
        let phoneRow = label("Phone", parts[6], .phone)
        let prioText = "‹\(priorityLabel)›"
        let prioWidth = min(phoneRow.width / 3, 9 + prioText.displayWidth)
        let (contactRect, prioRect) = phoneRow.splitLeft(phoneRow.width - prioWidth)
        let (phoneRect, emailRow) = contactRect.splitLeft(max(6, contactRect.width * 2 / 5))
        TextField(focused: focus == .phone).render(in: phoneRect.inset(right: 1), grid: &grid, state: &phone)
        let emailLabelW = grid.put("Email ", in: emailRow, style: Style(focus == .email ? .title : .normal))
        TextField(focused: focus == .email).render(in: emailRow.splitLeft(emailLabelW).rest.inset(right: 1), grid: &grid, state: &email)
        let prioLabelW = grid.put(prioRect.width >= 9 + 6 ? "Priority " : "Pri ", in: prioRect, style: Style(focus == .priority ? .title : .normal))
        grid.put(prioText, in: prioRect.splitLeft(prioLabelW).rest, style: Style(focus == .priority ? .inputFocused : .input))

        let caller = self.caller
        for (i, line) in warningLines.enumerated() where i < parts[7].height {
            grid.put(line, in: parts[7].row(i), style: Style(session.isLoadingHistory ? .dim : .warning))
        }
        // A known caller with a category that has an article: both, the
        // history kept short, since the article says what to do now.
        let guidance = selectedCategory.flatMap { cat in article(for: cat.id).map { (title: cat.name, text: $0) } }
        switch (caller, guidance) {
        case (nil, let g?):
            renderArticle(g.text, title: g.title, in: parts[8], grid: &grid)
        case (let known?, let g?):
            let historyRows = min(known.refs.count + 1, max(2, parts[8].height / 3))
            let (top, rest) = parts[8].splitTop(historyRows)
            renderHistory(of: known, in: top, grid: &grid)
            renderArticle(g.text, title: g.title, in: rest, grid: &grid)
        default:
            renderHistory(of: caller, in: parts[8], grid: &grid)
        }

        if showSuggestions, let anchor = popupAnchor {
            let below = Rect(x: anchor.x, y: anchor.y + 1, width: anchor.width, height: min(6, area.maxY - anchor.y - 1))
            renderSuggestions(in: below, grid: &grid)
        }
        if prompt != nil {
            renderPrompt(in: area, grid: &grid)
        }
    }

    func renderHistory(of picked: CallerIndex.Entry?, in rect: Rect, grid: inout CellGrid) {
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
        case .confirmResolve(let c, let name):
            grid.cursor = nil
            ConfirmDialog(title: "Resolve?", message: "\(name) is marked not resolvable at the front desk (route it: F6). Save as resolved at first contact anyway?")
                .render(in: area, grid: &grid, state: c)
        case .callback(var p):
            FormPrompt().render(in: area, grid: &grid, state: &p)
            prompt = .callback(p)
        }
    }
}
