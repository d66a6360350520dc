import BSCCore

/// A rate with its counts and target, higher-is-better (FCR, SLA attainment).
public struct Attainment: Sendable, Hashable {
    public var numerator: Int
    public var denominator: Int
    /// Percent, 0–100.
    public var target: Double
    public var amberMargin: Double
    /// Some counted item may still be disqualified (FCR reopen window open).
    public var provisional: Bool

    public init(numerator: Int, denominator: Int, target: Double, amberMargin: Double, provisional: Bool = false) {
        self.numerator = numerator
        self.denominator = denominator
        self.target = target
        self.amberMargin = amberMargin
        self.provisional = provisional
    }

    /// Nil for a zero denominator: shown as "n/a", never 0% or 100%.
    public var percent: Double? { denominator == 0 ? nil : Double(numerator) * 100 / Double(denominator) }

    public var rag: RAG {
        guard let p = percent else { return .notApplicable }
        if p >= target { return .green }
        if p >= target - amberMargin { return .amber }
        return .red
    }

    /// "87.5%" or "n/a".
    public var percentText: String {
        guard let p = percent else { return "n/a" }
        let tenths = Int((p * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// One queue's figures on the board.
public struct QueueFigures: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Active tickets (open, routed, in progress, pending).
    public var open = 0
    public var unassigned = 0
    public var pending = 0
    /// Tickets whose first contact arrived today and that are now in this queue.
    public var newToday = 0
    /// Tickets resolved today (by resolution time) that sit in this queue.
    public var resolvedToday = 0
    /// Working time since the oldest active ticket's first contact.
    public var oldestWorkingMillis: Int64?
    public var oldestRef: TicketRef?
    public var atRisk = 0
    public var breached = 0
    /// From the queue definition; nil when the queue has no SLA.
    public var targetHours: Double?

    public init(id: String, name: String, targetHours: Double? = nil) {
        self.id = id
        self.name = name
        self.targetHours = targetHours
    }

    /// Whole working hours, rounded down ("0" for less than an hour).
    public var oldestWorkingHours: Int? { oldestWorkingMillis.map { Int($0 / 3_600_000) } }
}

/// One person's figures on the board.
public struct AgentFigures: Sendable, Hashable {
    public var login: String
    public var name: String
    public var role: Role?
    public var queues: [String]
    /// Active tickets assigned to them.
    public var held = 0
    /// Contacts they logged today (first and repeat).
    public var contactsToday = 0
    public var resolutionsToday = 0
    /// Sum and count of today's contact durations (the call timer).
    public var handleMillisToday: Int64 = 0
    public var timedContactsToday = 0

    public init(login: String, name: String, role: Role?, queues: [String]) {
        self.login = login
        self.name = name
        self.role = role
        self.queues = queues
    }

    /// Mean handle time today; nil when no contact had a duration.
    public var averageHandleMillis: Int64? {
        timedContactsToday == 0 ? nil : handleMillisToday / Int64(timedContactsToday)
    }
}

/// Everything the live board shows, computed in one pass over the store.
/// A plain value: the screen keeps the previous one to show what changed.
///
/// Definitions (simple, consistent with docs/domain.md; a full metrics
/// engine may replace `compute`):
/// - "today" and "this week" (ISO, Monday first) are local dates in the
///   desk's zone; volumes and FCR count by the first contact's received
///   date; resolutions and SLA attainment by the resolution date; agent
///   activity by when the contact was logged.
/// - Gross FCR = tickets resolved at first contact and not disqualified ÷
///   tickets opened. Disqualified: reopened, a repeat contact logged on it,
///   or the same caller opening a new ticket in the same (first) category
///   within the reopen window. Provisional while any window is still open.
/// - SLA attainment = resolved tickets that met their queue target ÷
///   resolved tickets whose queue has a target.
public struct BoardSnapshot: Sendable, Hashable {
    public var computedAt: Instant
    public var today: CivilDate
    public var queues: [QueueFigures]
    public var agents: [AgentFigures]
    public var fcrToday: Attainment
    public var fcrWeek: Attainment
    public var slaToday: Attainment
    public var slaWeek: Attainment
    /// Journal events folded into the store this snapshot was computed from.
    public var eventCount: Int

    public func queue(_ id: String) -> QueueFigures? { queues.first { $0.id == id } }
    public func agent(_ login: String) -> AgentFigures? { agents.first { $0.login == login } }

    /// Totals over the queues shown.
    public var totalOpen: Int { queues.reduce(0) { $0 + $1.open } }
    public var totalAtRisk: Int { queues.reduce(0) { $0 + $1.atRisk } }
    public var totalBreached: Int { queues.reduce(0) { $0 + $1.breached } }
    public var totalUnassigned: Int { queues.reduce(0) { $0 + $1.unassigned } }

    /// What the board needs besides the tickets.
    public struct Inputs: Sendable {
        public var taxonomy: Taxonomy
        public var users: [String: UserProfile]
        public var targets: Targets
        public var calendar: WorkingCalendar
        public var reopenWindowMillis: Int64
        /// The SLA clock of a ticket (`Desk.slaStatus`).
        public var sla: @Sendable (Ticket, Instant) -> SLAStatus?

        public init(taxonomy: Taxonomy, users: [String: UserProfile], targets: Targets, calendar: WorkingCalendar,
                    reopenWindowMillis: Int64, sla: @escaping @Sendable (Ticket, Instant) -> SLAStatus?) {
            self.taxonomy = taxonomy
            self.users = users
            self.targets = targets
            self.calendar = calendar
            self.reopenWindowMillis = reopenWindowMillis
            self.sla = sla
        }
    }

    public static func == (a: BoardSnapshot, b: BoardSnapshot) -> Bool {
        a.today == b.today && a.queues == b.queues && a.agents == b.agents && a.fcrToday == b.fcrToday
            && a.fcrWeek == b.fcrWeek && a.slaToday == b.slaToday && a.slaWeek == b.slaWeek
    }

    public func hash(into h: inout Hasher) {
        h.combine(today)
        h.combine(queues)
        h.combine(agents)
    }

    /// One pass over the tickets; only the few first-contact resolutions
    /// of this week are looked at again for same-caller repeats.
    public static func compute<S: Sequence>(tickets: S, eventCount: Int = 0, inputs: Inputs, now: Instant) -> BoardSnapshot where S.Element == Ticket {
        let zone = inputs.calendar.zone
        let today = zone.localDate(now)
        let weekStart = today.adding(days: -(today.isoWeekday - 1))
        let targets = inputs.targets

        var queues = inputs.taxonomy.queues.map { QueueFigures(id: $0.id, name: $0.name, targetHours: $0.resolutionTargetHours) }
        var queueIndex: [String: Int] = [:]
        for (i, q) in queues.enumerated() { queueIndex[q.id] = i }
        var agentIndex: [String: Int] = [:]
        var agents: [AgentFigures] = []
        func agentSlot(_ login: String) -> Int {
            if let i = agentIndex[login] { return i }
            let p = inputs.users[login]
            agents.append(AgentFigures(login: login, name: p?.name ?? login, role: p?.role, queues: p?.queues ?? []))
            agentIndex[login] = agents.count - 1
            return agents.count - 1
        }
        for login in inputs.users.keys.sorted() { _ = agentSlot(login) }

        var opened = (today: 0, week: 0)
        var fcrCandidates: [Ticket] = []
        // Caller+category → receipt times of this week's tickets, for the
        // "same caller, same category" disqualification.
        var byCaller: [String: [Instant]] = [:]
        var sla = (todayMet: 0, todayAll: 0, weekMet: 0, weekAll: 0)
        var provisional = (today: false, week: false)

        for t in tickets {
            let qi = queueIndex[t.queue]
            let receivedDay = zone.localDate(t.receivedAt)
            if receivedDay >= weekStart {
                opened.week += 1
                if receivedDay == today { opened.today += 1 }
                byCaller[callerKey(t), default: []].append(t.receivedAt)
                if t.firstContactResolution { fcrCandidates.append(t) }
            }
            if t.isOpen {
                if let qi {
                    queues[qi].open += 1
                    if t.assignee == nil { queues[qi].unassigned += 1 }
                    if t.status == .pending { queues[qi].pending += 1 }
                    let age = inputs.calendar.workingMillis(from: t.receivedAt, to: now)
                    if queues[qi].oldestWorkingMillis.map({ age > $0 }) ?? true {
                        queues[qi].oldestWorkingMillis = age
                        queues[qi].oldestRef = t.ref
                    }
                    switch inputs.sla(t, now)?.state {
                    case .atRisk?: queues[qi].atRisk += 1
                    case .breached?: queues[qi].breached += 1
                    default: break
                    }
                    if receivedDay == today { queues[qi].newToday += 1 }
                }
                if let who = t.assignee { agents[agentSlot(who)].held += 1 }
            } else if let qi, receivedDay == today {
                queues[qi].newToday += 1
            }
            if let r = t.resolvedAt {
                let day = zone.localDate(r)
                if day == today {
                    if let qi { queues[qi].resolvedToday += 1 }
                    if let by = t.resolvedBy { agents[agentSlot(by)].resolutionsToday += 1 }
                }
                if day >= weekStart, let state = inputs.sla(t, now)?.state, state.isResolved {
                    sla.weekAll += 1
                    if state == .met { sla.weekMet += 1 }
                    if day == today {
                        sla.todayAll += 1
                        if state == .met { sla.todayMet += 1 }
                    }
                }
            }
            for c in t.contacts where zone.localDate(c.loggedAt) == today {
                let a = agentSlot(c.by)
                agents[a].contactsToday += 1
                if let d = c.record.durationMillis {
                    agents[a].handleMillisToday += d
                    agents[a].timedContactsToday += 1
                }
            }
        }

        var fcr = (today: 0, week: 0)
        for t in fcrCandidates {
            guard let resolved = t.resolvedAt ?? t.reopenedAt.first else { continue }
            let windowEnd = inputs.calendar.addingWorkingMillis(inputs.reopenWindowMillis, to: resolved)
            let stillOpen = windowEnd >= now
            let repeatCaller = byCaller[callerKey(t)]?.contains { $0 > t.receivedAt && $0 >= resolved && $0 <= windowEnd } ?? false
            let disqualified = !t.reopenedAt.isEmpty || t.contacts.count > 1 || repeatCaller
            let isToday = zone.localDate(t.receivedAt) == today
            if stillOpen {
                provisional.week = true
                if isToday { provisional.today = true }
            }
            guard !disqualified else { continue }
            fcr.week += 1
            if isToday { fcr.today += 1 }
        }

        agents.sort { $0.login < $1.login }
        return BoardSnapshot(
            computedAt: now, today: today, queues: queues, agents: agents,
            fcrToday: Attainment(numerator: fcr.today, denominator: opened.today, target: targets.fcr, amberMargin: targets.amberMargin, provisional: provisional.today),
            fcrWeek: Attainment(numerator: fcr.week, denominator: opened.week, target: targets.fcr, amberMargin: targets.amberMargin, provisional: provisional.week),
            slaToday: Attainment(numerator: sla.todayMet, denominator: sla.todayAll, target: targets.sla, amberMargin: targets.amberMargin),
            slaWeek: Attainment(numerator: sla.weekMet, denominator: sla.weekAll, target: targets.sla, amberMargin: targets.amberMargin),
            eventCount: eventCount)
    }

    /// Same caller (reference where there is one, else the folded name) and
    /// same category at first contact. Anonymous callers never match.
    static func callerKey(_ t: Ticket) -> String {
        guard let k = CallerIdentity.groupingKey(t.caller) else { return "anon:\(t.ref.number)" }
        return k + "|" + t.firstCategory
    }

    /// Only the queues of a team, and only the people who work them.
    public func filtered(toQueues ids: [String]) -> BoardSnapshot {
        var s = self
        let keep = Set(ids)
        s.queues = queues.filter { keep.contains($0.id) }
        s.agents = agents.filter { !keep.isDisjoint(with: $0.queues) }
        return s
    }
}

extension Desk {
    /// The board's inputs from this desk's configuration and calendar.
    public var boardInputs: BoardSnapshot.Inputs {
        BoardSnapshot.Inputs(
            taxonomy: taxonomy, users: config.users, targets: config.targets, calendar: calendar,
            reopenWindowMillis: config.reopenWindow.millis,
            sla: { [self] t, now in slaStatus(t, now: now) })
    }

    /// The board's figures for the current store.
    public func boardSnapshot(now: Instant) -> BoardSnapshot {
        BoardSnapshot.compute(tickets: store.slots.lazy.compactMap { $0 }, eventCount: store.eventCount, inputs: boardInputs, now: now)
    }
}
