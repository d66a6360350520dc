import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The ticketing service that the CLI and the TUI share: who is acting,
/// what the configuration says, the journal, and the projection of tickets.
/// Commands check the rules, build events and append them; nothing here
/// prints.
public final class Desk: @unchecked Sendable {
    public let data: DataDirectory
    public let config: DeskConfiguration
    public let login: String
    public let profile: UserProfile
    public let journal: Journal
    /// The journal behind the EventStore seam: one ticket's events through
    /// its index.
    public let eventStore: FileEventStore
    /// The `loads` generation the store's index was seeded from.
    var indexedLoad = -1
    public let zone: ZoneRules
    public let calendar: WorkingCalendar
    public let clock: Clock
    private var ids: any IdGenerator

    public internal(set) var store: TicketStore
    /// nil until `load()`: a writer that never read history takes numbers
    /// from the journal's tail instead.
    public internal(set) var cursor: JournalCursor?
    public internal(set) var issues: [LoadIssue] = []
    /// True while a background load (`startLoadingHistory`) has not been
    /// adopted: the store is empty, and actions that need history refuse.
    public internal(set) var isLoadingHistory = false
    /// How many times the projection was installed (`load`, `adoptLoad`):
    /// screens caching figures from the store rebuild when it moves.
    public internal(set) var loads = 0
    /// Set on a background loader: a load that should write a snapshot
    /// only encodes it (`takePendingSnapshot`), so the history is handed
    /// over before the file is written.
    var deferSnapshotWrite = false
    var pendingSnapshot: [UInt8]?
    /// A load that replays at least this many events writes a snapshot.
    public var snapshotWriteThreshold = Desk.snapshotThreshold
    /// Notices for the person (a repaired torn tail, say).
    public internal(set) var notices: [String] = []
    /// Personal content of restricted tickets this user may read, by event id.
    var sealedContent: [String: [String: String]] = [:]
    let restrictedStore: RestrictedStore
    /// The ticket keys and the blind-index key (Protection/).
    public let keys: KeyStore
    var suggesterCache: CategorySuggester?
    var repeatIndexCache: (stamp: Int, index: [String: [TicketRef]])?
    /// The metrics engine, kept between queries and brought up to date from
    /// the tickets later events touch (Reports/DeskMetrics.swift).
    var metricsCache: MetricsCache?
    /// The board's figures, shared by every board on the projection
    /// (Board/BoardSnapshotCache.swift).
    public internal(set) var boardCache = BoardSnapshotCache()

    public var taxonomy: Taxonomy { config.taxonomy }
    /// Whose every file of the data directory must be: the user's in a
    /// single-user data directory (the service account's under the team
    /// server, which runs as it); nil in group-shared mode, where each
    /// member writes files of their own.
    public var fileOwner: uid_t? { config.sharedGroup == nil ? geteuid() : nil }
    public var customerServices: String { QueueID.customerServices }

    public init(data: DataDirectory, config: DeskConfiguration, login: String, clock: Clock, ids: any IdGenerator, fs: FileLayer? = nil) throws(DeskError) {
        // Single-user: every file of the journal must be this user's.
        let fs = fs ?? PosixFileLayer(owner: config.sharedGroup == nil ? geteuid() : nil)
        self.data = data
        self.config = config
        self.login = login
        guard let profile = config.user(login) else {
            throw .permission("user \"\(login)\" is not set up in \(data.configPath); ask a supervisor to add a [users.\(DefaultConfiguration.tomlKey(login))] table with a role (agent, team-leader or supervisor)")
        }
        self.profile = profile
        self.clock = clock
        self.ids = ids
        guard let zone = ZoneRules(identifier: config.timeZone) else { throw .config("unknown time zone \(config.timeZone)") }
        self.zone = zone
        self.calendar = Desk.makeCalendar(config, zone)
        let shared = config.sharedGroup != nil
        self.journal = Journal(directory: data.journalPath, fs: fs, clock: clock,
                               fileMode: shared ? 0o660 : 0o600, directoryMode: shared ? 0o2770 : 0o700)
        self.eventStore = FileEventStore(journal: journal)
        self.restrictedStore = RestrictedStore(data: data, fs: fs, clock: clock)
        self.keys = KeyStore(directory: data.path + "/keys", login: login, owner: shared ? nil : geteuid(),
                             fileMode: shared ? 0o660 : 0o600, directoryMode: shared ? 0o2770 : 0o700)
        self.store = TicketStore(customerServices: QueueID.customerServices, restrictedQueues: config.taxonomy.restrictedQueueIds,
                                 restrictedCategories: config.taxonomy.restrictedCategories)
    }

    /// A desk acting for `login` over the files another desk (the team
    /// server's engine) has open: same journal, index and restricted store.
    /// It starts with an empty projection; the engine lends it its own
    /// (Server/SharedProjection.swift), so the projection is held once.
    init(actingFor login: String, profile: UserProfile, config: DeskConfiguration, engine: Desk, ids: any IdGenerator) {
        self.data = engine.data
        self.config = config
        self.login = login
        self.profile = profile
        self.clock = engine.clock
        self.ids = ids
        self.zone = engine.zone
        self.calendar = engine.calendar
        self.journal = engine.journal
        self.eventStore = engine.eventStore
        self.restrictedStore = engine.restrictedStore
        self.keys = engine.keys
        self.store = TicketStore(customerServices: QueueID.customerServices, restrictedQueues: config.taxonomy.restrictedQueueIds,
                                 restrictedCategories: config.taxonomy.restrictedCategories)
    }

    static func makeCalendar(_ config: DeskConfiguration, _ zone: ZoneRules) -> WorkingCalendar {
        WorkingCalendar(
            zone: zone, workingWeekdays: config.workingWeekdays,
            hours: WorkingHours(opensHour: config.workingStartMinute / 60, opensMinute: config.workingStartMinute % 60,
                                closesHour: config.workingEndMinute / 60, closesMinute: config.workingEndMinute % 60),
            adjustments: HolidayAdjustments(added: config.extraHolidays, removed: config.cancelledHolidays))
    }

    /// Opens (creating on first use) the data directory and loads the
    /// configuration. Does not replay the journal.
    public static func open(dataOption: String?, environment: [String: String], clock: Clock = SystemClock(), ids: (any IdGenerator)? = nil) throws(DeskError) -> Desk {
        let dir = try DataDirectory.resolve(option: dataOption, environment: environment)
        guard let login = Identity.actingLogin(environment: environment), !login.isEmpty else {
            throw .permission("cannot tell who you are: the OS has no login name for this user")
        }
        guard login.count <= Limits.login, !login.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw .permission("login \"\(login)\" is not usable as a bscdesk user name")
        }
        if !dir.exists { try dir.create(firstSupervisor: login) }
        let config = try loadConfiguration(dir)
        return try Desk(data: dir, config: config, login: login, clock: clock, ids: ids ?? RandomIds())
    }

    public static func loadConfiguration(_ dir: DataDirectory) throws(DeskError) -> DeskConfiguration {
        let (text, mode, owner) = try dir.readConfigurationFile()
        if mode & 0o002 != 0 {
            throw .config("\(dir.configPath) is writable by everyone; refusing to load it. Fix with: chmod o-w \(dir.configPath)")
        }
        let config = try ConfigurationLoader.parse(text, file: dir.configPath)
        if config.sharedGroup == nil && owner != geteuid() {
            throw .config("\(dir.configPath) is owned by user id \(owner), not by you (\(geteuid())); a single-user data directory must be yours; refusing to load it")
        }
        // Only supervisors change the configuration: in group-shared mode
        // the group is the whole team, so group write is refused too.
        if mode & 0o020 != 0 {
            throw .config("\(dir.configPath) is writable by its group; only its owner (a supervisor) may change it; refusing to load it. Fix with: chmod g-w \(dir.configPath)")
        }
        return config
    }

    // MARK: - Reading

    /// Loads the projection: the snapshot cache if it still matches, then
    /// what was appended since (see Loading/SnapshotLoading.swift).
    public func load() throws(DeskError) {
        metricsCache = nil
        var c = JournalCursor()
        var s = TicketStore(customerServices: store.customerServices, restrictedQueues: taxonomy.restrictedQueueIds,
                            restrictedCategories: taxonomy.restrictedCategories)
        var found: [LoadIssue] = []
        // About 1.1 kB of journal per ticket: reserve once instead of
        // regrowing a large array while loading.
        s.reserveCapacity(Int(journalBytes() / 1000) + 1024)
        reloadSealedContent()
        keys.loadAll(restrictedQueues: restrictedQueueList)
        // The snapshot cache holds only what every reader may see: it is
        // used (and written) only by a reader with no sealed content to
        // merge back and no restricted key, so restricted personal data
        // never lands in it.
        if sealedContent.isEmpty && !keys.readsRestricted(restrictedQueueList) {
            let loaded = try loadState(writeThreshold: snapshotWriteThreshold)
            (store, cursor, issues) = (loaded.store, loaded.cursor, loaded.issues)
            loads += 1
            return
        }
        // Sealed events are matched to their content by event id; ids are
        // kept only when there is content to match.
        let needIds = !sealedContent.isEmpty
        let decryption = foldDecryption(everyone: false)
        do {
            try journal.read(from: &c, keepIdsAndHashes: needIds, parallel: true, prepare: { decryption.prepare(&$0) }) { [self] d in
                if d.prepared {
                    decryption.fold(d, into: &s)
                } else {
                    s.apply(unsealed(d.event, forFold: true))
                }
            } issue: { found.append($0) }
        } catch {
            throw DeskError.from(error)
        }
        store = s
        cursor = c
        issues = ((try? journal.skippedEntries()) ?? []) + found
        loads += 1
    }

    /// Loads history on first use (a command-line desk), or refuses while
    /// a background load is still running (the front desk's first seconds).
    func needHistory() throws(DeskError) {
        if isLoadingHistory { throw historyLoadingError }
        if cursor == nil { try load() }
    }

    func journalBytes() -> Int64 {
        var total: Int64 = 0
        for seg in (try? journal.segments()) ?? [] {
            var st = stat()
            if stat(data.journalPath + "/" + seg, &st) == 0 { total += Int64(st.st_size) }
        }
        return total
    }

    /// Folds in what other processes appended since the last read. Returns
    /// whether anything changed.
    @discardableResult
    public func refresh() throws(DeskError) -> Bool {
        // Not a full load on the caller's thread while one runs in the background.
        if isLoadingHistory { return false }
        guard var c = cursor else { try load(); return true }
        var changed = false
        var reloaded = false
        do {
            try journal.read(from: &c, keepIdsAndHashes: true) { [self] d in
                if d.event.sealed != nil && sealedContent[d.event.id] == nil && !reloaded {
                    reloadSealedContent()
                    reloaded = true
                }
                fold(unsealed(d.event, forFold: true))
                changed = true
            } issue: { issues.append($0) }
        } catch {
            throw DeskError.from(error)
        }
        cursor = c
        return changed
    }

    /// Folds one event into the loaded projection. Every change to `store`
    /// after a load goes through here, so the metrics engine can catch up
    /// from the tickets touched instead of being rebuilt.
    private func fold(_ e: Event) {
        store.apply(e)
        metricsCache?.note(e.ref)
        // A voided import batch takes many tickets out at once: rebuild.
        if case .importVoided = e.body { metricsCache = nil }
        if indexedLoad == loads { eventStore.observe(e) }
    }

    public func ticket(_ ref: TicketRef) throws(DeskError) -> Ticket {
        if isLoadingHistory { throw historyLoadingError }
        guard let t = store[ref] else {
            if store.slots.isEmpty { throw .refused("unknown reference \(ref): there are no tickets yet") }
            throw .refused("unknown reference \(ref): no such ticket (the newest is \(TicketRef(store.slots.count)))")
        }
        return t
    }

    /// Every event of one ticket, oldest first, read back from the journal.
    public func history(_ ref: TicketRef) throws(DeskError) -> [Event] {
        // The index learns each ticket's newest event from the projection
        // once per load, then from every event folded after it.
        if indexedLoad != loads {
            eventStore.learn(from: store)
            indexedLoad = loads
        }
        do {
            return try eventStore.events(of: ref).map { unsealed($0) }
        } catch {
            throw DeskError.from(error)
        }
    }

    // MARK: - Writing

    /// Appends events built from the true journal state. `make` runs under
    /// the journal lock after catching up, so checks inside it see every
    /// other process's writes.
    @discardableResult
    func append(_ make: (JournalTail, inout any IdGenerator) throws -> [Event]) throws(DeskError) -> [Event] {
        do {
            var c = cursor
            var applied: [Event] = []
            var originals: [String: Event] = [:]
            // The ids of the last try's events, in order: on a shared store
            // a try that lost the race is built again, and the journal gives
            // the new events the first try's ids (AppendReport.events).
            var lastIds: [String] = []
            var reloaded = false
            let report = try journal.append(cursor: &c, follow: { [self] e in
                if e.sealed != nil && sealedContent[e.id] == nil && !reloaded {
                    reloadSealedContent()
                    reloaded = true
                }
                fold(unsealed(e, forFold: true))
            }, issues: { [self] i in issues.append(i) }) { [self] tail in
                var events = try make(tail, &ids)
                // Every writer's personal content is encrypted here, with
                // its ticket's key (Protection/DeskProtection.swift).
                let main = try protect(&events)
                // Only this try's events: an earlier try's have stale refs.
                originals = [:]
                for e in events { originals[e.id] = e }
                lastIds = main.map(\.id)
                return main
            }
            for (i, e) in report.events.enumerated() {
                var full = originals[e.id] ?? (i < lastIds.count ? originals[lastIds[i]] : nil) ?? e
                full.id = e.id
                full.seq = e.seq
                full.at = e.at
                full.sealed = e.sealed
                if full.sealed != nil, let sealedNow = Sealing.seal(full.body) { sealedContent[e.id] = sealedNow.content }
                if cursor != nil { fold(full) }
                applied.append(full)
            }
            cursor = c
            if let line = report.completedLine {
                notices.append("repaired the journal: its last line (\(line)) was a whole event that lacked only its newline; the newline was added")
            }
            if let frag = report.repairedFragment {
                notices.append("repaired the journal: a crashed writer left a partial last line; it was moved to \(data.journalPath)/\(frag)")
            }
            return applied
        } catch {
            throw DeskError.from(error)
        }
    }

    public func now() -> Instant { clock.now() }

    public struct NewContact: Sendable {
        public enum Outcome: Sendable, Equatable {
            case keepOpen
            case resolved
            case route(String)
        }
        public var caller: Caller
        public var channel: Channel
        public var category: String
        public var summary: String
        public var durationMillis: Int64?
        public var received: Instant?
        public var details: [String: String]
        public var outcome: Outcome
        public var priority: Priority?
        /// How the caller's identity was verified (recorded as an event).
        public var verifiedHow: String?
        /// A promised call back; only for a ticket kept open.
        public var callback: Instant?

        public init(caller: Caller, channel: Channel, category: String, summary: String, durationMillis: Int64? = nil,
                    received: Instant? = nil, details: [String: String] = [:], outcome: Outcome = .keepOpen, priority: Priority? = nil,
                    verifiedHow: String? = nil, callback: Instant? = nil) {
            self.verifiedHow = verifiedHow
            self.callback = callback
            self.caller = caller
            self.channel = channel
            self.category = category
            self.summary = summary
            self.durationMillis = durationMillis
            self.received = received
            self.details = details
            self.outcome = outcome
            self.priority = priority
        }
    }

    public func category(_ id: String) throws(DeskError) -> Category {
        guard let c = taxonomy.category(id) else {
            let near = taxonomy.categories.filter { $0.id.contains(id) || id.contains($0.queue) }.prefix(6).map(\.id)
            let hint = near.isEmpty ? "run 'bscdesk categories' for the list" : "did you mean: " + near.joined(separator: ", ") + "? ('bscdesk categories' lists all)"
            throw .usage("unknown category \"\(id)\": \(hint)")
        }
        return c
    }

    public func queue(_ id: String) throws(DeskError) -> QueueDefinition {
        guard let q = taxonomy.queue(id) else { throw .usage("unknown queue \"\(id)\": use one of \(taxonomy.queueIds)") }
        return q
    }

    func checkCaller(_ c: Caller) throws(DeskError) {
        try InputParsing.checkText(c.name, field: "caller name", limit: Limits.callerName, multiline: false)
        try InputParsing.checkText(c.reference ?? "", field: "caller reference", limit: Limits.reference, multiline: false)
        try InputParsing.checkText(c.phone ?? "", field: "phone", limit: Limits.phone, multiline: false)
        try InputParsing.checkText(c.email ?? "", field: "email", limit: Limits.email, multiline: false)
    }

    func checkSummary(_ s: String) throws(DeskError) {
        guard !s.trimmingCharacters(in: " \n\t").isEmpty else { throw .usage("the summary is empty: say in a few words what the contact was about") }
        try InputParsing.checkText(s, field: "summary", limit: Limits.summary, multiline: true)
    }

    /// Refuses routing when a required hand-off detail is missing (the
    /// category's own list when it has one, else the queue's).
    public func checkHandoff(queue q: QueueDefinition, category: String? = nil, details: [String: String]) throws(DeskError) {
        let missing = taxonomy.handoff(category: category, queue: q.id).filter { $0.required && (details[$0.key] ?? "").isEmpty }
        guard missing.isEmpty else {
            let list = missing.map { "\($0.key) (\($0.label))" }.joined(separator: ", ")
            let example = missing.map { "--detail \($0.key)=…" }.joined(separator: " ")
            throw .refused("cannot route to \(q.id): missing hand-off details \(list); add \(example)")
        }
    }

    public static let identityDetail = "identity-verified"

    /// The `identity-verified` hand-off detail is still accepted (older
    /// tickets); new ones record an `identity.verified` event.
    func checkIdentity(_ category: Category, details: [String: String], verified: String? = nil) throws(DeskError) {
        if category.requiresIdentityCheck && (verified ?? "").isEmpty && (details[Self.identityDetail] ?? "").isEmpty {
            throw .refused("category \(category.id) needs an identity check before it is resolved or routed: record how the caller was verified with --verified HOW on log, or 'bscdesk verify-identity REF --how HOW' (e.g. \"call-back to number on file\")")
        }
    }

    func checkHow(_ how: String) throws(DeskError) {
        guard !how.trimmingCharacters(in: " \n\t").isEmpty else {
            throw .usage("say how the caller's identity was verified, e.g. --how \"call-back to number on file\"")
        }
        try InputParsing.checkText(how, field: "identity check", limit: Limits.detail, multiline: false)
    }

    /// Logs a first contact, opening a ticket, and applies the outcome in the
    /// same atomic write.
    @discardableResult
    public func logFirstContact(_ c: NewContact) throws(DeskError) -> (ref: TicketRef, events: [Event]) {
        let cat = try category(c.category)
        try checkCaller(c.caller)
        try checkSummary(c.summary)
        let now = clock.now()
        let received = c.received ?? now
        var routeQueue: QueueDefinition? = nil
        if case .route(let q) = c.outcome {
            let def = try queue(q)
            try checkHandoff(queue: def, category: cat.id, details: c.details)
            routeQueue = def
            // Automatic assignment weighs the queue's tickets: it needs the
            // history (caught up under the lock by `append`).
            if def.assignment != .manual && !config.team(of: def.id).isEmpty {
                if isLoadingHistory {
                    throw .refused("\(def.name) assigns routed calls automatically, which needs the ticket history, still loading: try again in a moment, or keep the call open (F7) and route it later")
                }
                try needHistory()
            }
        }
        if let how = c.verifiedHow { try checkHow(how) }
        if c.outcome != .keepOpen { try checkIdentity(cat, details: c.details, verified: c.verifiedHow) }
        if let cb = c.callback {
            guard c.outcome == .keepOpen else { throw .usage("--callback is for a ticket kept open: drop --resolved or --route, or set the call back later") }
            try checkCallbackTime(cb, now: now)
        }
        let contact = ContactRecord(channel: c.channel, summary: c.summary, received: received, durationMillis: c.durationMillis)
        let user = login
        let events = try append { tail, ids in
            let ref = tail.nextRef
            var out = [Event(id: ids.next(), at: now, user: user, ref: ref, body: .opened(
                caller: c.caller, category: cat.id, queue: QueueID.customerServices,
                priority: c.priority ?? cat.defaultPriority, contact: contact, details: c.details))]
            if let how = c.verifiedHow {
                out.append(Event(id: ids.next(), at: now, user: user, ref: ref, body: .identityVerified(how: how)))
            }
            if let cb = c.callback {
                out.append(Event(id: ids.next(), at: now, user: user, ref: ref, body: .callbackSet(at: cb)))
            }
            switch c.outcome {
            case .keepOpen: break
            case .resolved:
                out.append(Event(id: ids.next(), at: now, user: user, ref: ref, body: .resolved(note: nil, firstContact: true)))
            case .route:
                out.append(Event(id: ids.next(), at: now, user: user, ref: ref, body: .routed(queue: routeQueue!.id, details: [:], note: nil)))
                if let who = self.autoAssignee(routeQueue!) {
                    out.append(Event(id: ids.next(), at: now, user: user, ref: ref, body: .assigned(to: who)))
                }
            }
            return out
        }
        return (events[0].ref, events)
    }

    /// Appends one event to an existing ticket after checking, under the
    /// lock and on up-to-date state, that the action is legal.
    @discardableResult
    func act(_ ref: TicketRef, _ action: TicketAction, check: ((Ticket) throws(DeskError) -> Void)? = nil, _ body: @escaping (Ticket) throws -> [EventBody]) throws(DeskError) -> [Event] {
        try needHistory()
        _ = try ticket(ref)
        let now = clock.now()
        let user = login
        return try append { [self] _, ids in
            guard let t = store[ref] else { throw DeskError.refused("unknown reference \(ref)") }
            do { try Lifecycle.check(action, on: t) } catch let e as IllegalTransition { throw DeskError.refused(e.description) }
            try check?(t)
            return try body(t).map { Event(id: ids.next(), at: now, user: user, ref: ref, body: $0) }
        }
    }

    public func logRepeatContact(_ ref: TicketRef, channel: Channel, summary: String, durationMillis: Int64?, received: Instant?) throws(DeskError) {
        try checkSummary(summary)
        let contact = ContactRecord(channel: channel, summary: summary, received: received ?? clock.now(), durationMillis: durationMillis)
        try act(ref, .contact) { _ in [.contactLogged(contact)] }
    }

    public func addNote(_ ref: TicketRef, _ text: String) throws(DeskError) {
        guard !text.trimmingCharacters(in: " \n\t").isEmpty else { throw .usage("the note is empty") }
        try InputParsing.checkText(text, field: "note", limit: Limits.note, multiline: true)
        try act(ref, .note) { _ in [.noted(text: text)] }
    }

    public func route(_ ref: TicketRef, to queueId: String, details: [String: String], note: String? = nil) throws(DeskError) {
        let q = try queue(queueId)
        if let note { try InputParsing.checkText(note, field: "note", limit: Limits.note, multiline: true) }
        try act(ref, .route, check: { [self] (t: Ticket) throws(DeskError) in
            guard t.queue != q.id || t.status == .open else { throw .refused("\(ref) is already in \(q.id)") }
            var merged = t.details
            for (k, v) in details { merged[k] = v }
            try checkHandoff(queue: q, category: t.category, details: merged)
            if let cat = taxonomy.category(t.category) { try checkIdentity(cat, details: merged, verified: t.identityVerifiedHow) }
        }) { [self] _ in
            var out: [EventBody] = [.routed(queue: q.id, details: details, note: note)]
            if let who = autoAssignee(q) { out.append(.assigned(to: who)) }
            return out
        }
    }

    /// The team member a ticket routed to `q` goes to, for queues with
    /// automatic assignment; nil for manual queues or an empty team. Runs
    /// under the journal lock on up-to-date state.
    func autoAssignee(_ q: QueueDefinition) -> String? {
        let team = config.team(of: q.id)
        guard !team.isEmpty else { return nil }
        switch q.assignment {
        case .manual:
            return nil
        case .roundRobin:
            // Login order, continuing after the last assignee in the queue.
            guard let last = store.lastAssignee[q.id] else { return team[0] }
            return team.first { $0 > last } ?? team[0]
        case .leastLoaded:
            var load: [String: Int] = [:]
            store.forEach { t in if t.isOpen, let a = t.assignee { load[a, default: 0] += 1 } }
            return team.min { (load[$0] ?? 0, $0) < (load[$1] ?? 0, $1) }
        }
    }

    /// A back-office officer hands a ticket back to customer services; the
    /// note (what the front desk should do) is required.
    public func returnToFrontDesk(_ ref: TicketRef, note: String) throws(DeskError) {
        guard !note.trimmingCharacters(in: " \n\t").isEmpty else {
            throw .usage("returning a ticket needs --note TEXT: tell customer services what to do next")
        }
        try InputParsing.checkText(note, field: "note", limit: Limits.note, multiline: true)
        try act(ref, .route, check: { [self] (t: Ticket) throws(DeskError) in
            guard t.queue != customerServices else { throw .refused("\(ref) is already with \(customerServices); return is for tickets in a back-office queue") }
        }) { [self] _ in [.routed(queue: customerServices, details: [:], note: note)] }
    }

    public func verifyIdentity(_ ref: TicketRef, how: String) throws(DeskError) {
        try checkHow(how)
        try act(ref, .verify) { _ in [.identityVerified(how: how)] }
    }

    func checkCallbackTime(_ at: Instant, now: Instant) throws(DeskError) {
        guard at >= now.adding(minutes: -1) else {
            throw .usage("the call-back time \(localText(at)) is in the past: give a time from now on, e.g. 2026-11-24T14:00")
        }
    }

    /// Sets (or, with nil, clears) the call back promised on a ticket.
    public func setCallback(_ ref: TicketRef, at: Instant?) throws(DeskError) {
        if let at { try checkCallbackTime(at, now: clock.now()) }
        try act(ref, .callback) { _ in [.callbackSet(at: at)] }
    }

    /// Merges a duplicate into the ticket that survives: the survivor takes
    /// over its contacts and notes, the duplicate closes pointing to it. Both
    /// events go in one atomic append.
    public func merge(_ dup: TicketRef, into survivor: TicketRef) throws(DeskError) {
        guard dup != survivor else { throw .usage("cannot merge \(dup) into itself: give two different tickets") }
        try needHistory()
        _ = try ticket(dup)
        _ = try ticket(survivor)
        let now = clock.now()
        let user = login
        try append { [self] _, ids in
            guard let d = store[dup], let s = store[survivor] else { throw DeskError.refused("unknown reference") }
            do { try Lifecycle.check(.merge, on: d) } catch let e as IllegalTransition { throw DeskError.refused(e.description) }
            guard s.status != .closed else {
                throw DeskError.refused("cannot merge into \(survivor): it is closed\(s.mergedInto.map { " (merged into \($0))" } ?? ""); merge into an open or resolved ticket")
            }
            return [Event(id: ids.next(), at: now, user: user, ref: dup, body: .merged(into: survivor)),
                    Event(id: ids.next(), at: now, user: user, ref: survivor, body: .absorbed(from: dup))]
        }
    }

    /// Links two related tickets; both show the link.
    public func link(_ a: TicketRef, _ b: TicketRef) throws(DeskError) {
        guard a != b else { throw .usage("cannot link \(a) to itself: give two different tickets") }
        try needHistory()
        _ = try ticket(a)
        _ = try ticket(b)
        let now = clock.now()
        let user = login
        try append { [self] _, ids in
            guard let ta = store[a] else { throw DeskError.refused("unknown reference \(a)") }
            guard !ta.links.contains(b) else { throw DeskError.refused("\(a) and \(b) are already linked") }
            return [Event(id: ids.next(), at: now, user: user, ref: a, body: .linked(to: b)),
                    Event(id: ids.next(), at: now, user: user, ref: b, body: .linked(to: a))]
        }
    }

    public func assign(_ ref: TicketRef, to user: String) throws(DeskError) {
        guard let target = config.user(user) else {
            throw .usage("unknown user \"\(user)\": assign to one of \(config.users.keys.sorted().joined(separator: ", "))")
        }
        try act(ref, .assign, check: { [self] (t: Ticket) throws(DeskError) in
            guard target.queues.contains(t.queue) || target.role == .supervisor else {
                throw .refused("\(user) does not work the \(t.queue) queue; its team: \(config.team(of: t.queue).joined(separator: ", "))")
            }
            try checkMayAssign(t, to: user)
        }) { _ in [.assigned(to: user)] }
    }

    /// Agents may take an unassigned ticket themselves; moving work between
    /// people is for team leaders and supervisors.
    func checkMayAssign(_ t: Ticket, to user: String) throws(DeskError) {
        if profile.role >= .teamLeader { return }
        guard user == login, t.assignee == nil || t.assignee == login else {
            throw .permission("only team leaders and supervisors may reassign tickets; as an agent you may take an unassigned ticket yourself (bscdesk assign \(t.ref) \(login))")
        }
    }

    public func setPending(_ ref: TicketRef, reason: PendingReason) throws(DeskError) {
        try act(ref, .pending) { _ in [.pending(reason: reason)] }
    }

    public func resume(_ ref: TicketRef) throws(DeskError) {
        try act(ref, .resume) { _ in [.resumed] }
    }

    public func resolve(_ ref: TicketRef, note: String?) throws(DeskError) {
        if let note { try InputParsing.checkText(note, field: "note", limit: Limits.note, multiline: true) }
        try act(ref, .resolve, check: { [self] (t: Ticket) throws(DeskError) in
            if let cat = taxonomy.category(t.category) { try checkIdentity(cat, details: t.details, verified: t.identityVerifiedHow) }
        }) { _ in [.resolved(note: note, firstContact: false)] }
    }

    public func reopen(_ ref: TicketRef, reason: String?) throws(DeskError) {
        if let reason { try InputParsing.checkText(reason, field: "reason", limit: Limits.note, multiline: true) }
        try act(ref, .reopen) { _ in [.reopened(reason: reason)] }
    }

    public func close(_ ref: TicketRef) throws(DeskError) {
        try act(ref, .close) { _ in [.closed] }
    }

    public func recordFeedback(_ ref: TicketRef, rating: Int, source: FeedbackSource) throws(DeskError) {
        guard (1...5).contains(rating) else { throw .usage("bad rating \(rating): use a whole number from 1 to 5") }
        try act(ref, .feedback) { _ in [.feedback(rating: rating, source: source)] }
    }

    /// Records corrections of mis-keyed fields, one event per field changed.
    public func correct(_ ref: TicketRef, _ changes: [(CorrectableField, String)]) throws(DeskError) {
        guard !changes.isEmpty else { throw .usage("nothing to correct: give at least one of --category, --caller, --ref, --caller-type, --phone, --email, --priority, --summary") }
        for (field, value) in changes {
            switch field {
            case .category: _ = try category(value)
            case .callerType:
                guard CallerType(rawValue: value) != nil else { throw .usage("unknown caller type \"\(value)\": use one of \(allowedValues(CallerType.self))") }
            case .priority:
                guard Priority(rawValue: value) != nil else { throw .usage("unknown priority \"\(value)\": use one of \(allowedValues(Priority.self))") }
            case .summary: try checkSummary(value)
            case .callerName: try InputParsing.checkText(value, field: "caller name", limit: Limits.callerName, multiline: false)
            case .callerReference: try InputParsing.checkText(value, field: "caller reference", limit: Limits.reference, multiline: false)
            case .callerPhone: try InputParsing.checkText(value, field: "phone", limit: Limits.phone, multiline: false)
            case .callerEmail: try InputParsing.checkText(value, field: "email", limit: Limits.email, multiline: false)
            }
        }
        try act(ref, .edit) { t in
            let bodies = changes.compactMap { (field, value) -> EventBody? in
                let from = TicketStore.value(of: field, in: t)
                return from == value ? nil : .corrected(field: field, from: from, to: value)
            }
            guard !bodies.isEmpty else { throw DeskError.usage("nothing changed: \(ref) already has those values") }
            return bodies
        }
    }
}

/// The real clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Instant(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

/// 128-bit random event ids, hex.
public struct RandomIds: IdGenerator {
    public init() {}
    public mutating func next() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64
        let b = g.next() as UInt64
        func hex16(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex16(a) + hex16(b)
    }
}
