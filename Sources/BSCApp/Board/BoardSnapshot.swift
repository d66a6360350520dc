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
    /// Call-backs promised to callers (F7, `--callback`) whose time has
    /// come, on active tickets now in this queue, and the earliest of them.
    public var callbacksDue = 0
    public var oldestCallbackDue: Instant?
    /// Call-backs set for later today.
    public var callbacksLaterToday = 0
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

/// Everything the live board shows: counts from one pass over the store,
/// and every rate from the metrics engine `stats` uses. A plain value: the
/// screen keeps the previous one to show what changed.
///
/// - "today" and "this week" (ISO, Monday to Sunday) are local dates in the
///   desk's zone; volumes count by the first contact's received date,
///   resolutions by the resolution date, agent activity by when the
///   contact was logged.
/// - FCR and SLA attainment today and this week are the engine's figures
///   for those days (`bscdesk stats --period DAY` or `--period WEEK` give
///   the same numerators and denominators): see docs/metrics.md.
/// - At risk and breached are each open ticket's SLA clock (`SLAPolicy`,
///   the same verdict as `show`).
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
    public var totalCallbacksDue: Int { queues.reduce(0) { $0 + $1.callbacksDue } }

    /// The ISO week (Monday to Sunday) containing `today`.
    public var week: (first: CivilDate, last: CivilDate) {
        let first = today.adding(days: -(today.isoWeekday - 1))
        return (first, first.adding(days: 6))
    }

    /// What the board needs besides the tickets and the metrics engine.
    public struct Inputs: Sendable {
        public var taxonomy: Taxonomy
        public var users: [String: UserProfile]
        public var calendar: WorkingCalendar
        /// Which SLA target each ticket is held to (`Desk.slaPolicy`).
        public var slaPolicy: SLAPolicy

        public init(taxonomy: Taxonomy, users: [String: UserProfile], calendar: WorkingCalendar, slaPolicy: SLAPolicy) {
            self.taxonomy = taxonomy
            self.users = users
            self.calendar = calendar
            self.slaPolicy = slaPolicy
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

    /// One pass over the tickets for the queue and people counts; the
    /// rates are two queries on `figures`, the engine `stats` uses, which
    /// must describe the same store.
    public static func compute<S: Sequence>(tickets: S, eventCount: Int = 0, inputs: Inputs, figures: MetricsEngine,
                                            now: Instant) -> BoardSnapshot where S.Element == Ticket {
        let zone = inputs.calendar.zone
        let today = zone.localDate(now)

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

        for t in tickets {
            let qi = queueIndex[t.queue]
            let receivedToday = zone.localDate(t.receivedAt) == today
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
                    switch inputs.slaPolicy.resolutionStatus(t, now: now, calendar: inputs.calendar)?.state {
                    case .atRisk?: queues[qi].atRisk += 1
                    case .breached?: queues[qi].breached += 1
                    default: break
                    }
                    if receivedToday { queues[qi].newToday += 1 }
                    if let cb = t.callbackAt {
                        if cb <= now {
                            queues[qi].callbacksDue += 1
                            if queues[qi].oldestCallbackDue.map({ cb < $0 }) ?? true { queues[qi].oldestCallbackDue = cb }
                        } else if zone.localDate(cb) == today {
                            queues[qi].callbacksLaterToday += 1
                        }
                    }
                }
                if let who = t.assignee { agents[agentSlot(who)].held += 1 }
            } else if let qi, receivedToday {
                queues[qi].newToday += 1
            }
            if let r = t.resolvedAt, zone.localDate(r) == today {
                if let qi { queues[qi].resolvedToday += 1 }
                if let by = t.resolvedBy { agents[agentSlot(by)].resolutionsToday += 1 }
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

        var snapshot = BoardSnapshot(
            computedAt: now, today: today, queues: queues, agents: agents.sorted { $0.login < $1.login },
            fcrToday: .init(numerator: 0, denominator: 0, target: 0, amberMargin: 0),
            fcrWeek: .init(numerator: 0, denominator: 0, target: 0, amberMargin: 0),
            slaToday: .init(numerator: 0, denominator: 0, target: 0, amberMargin: 0),
            slaWeek: .init(numerator: 0, denominator: 0, target: 0, amberMargin: 0),
            eventCount: eventCount)
        let day = figures.metrics(from: today, to: today, asAt: now)
        let week = figures.metrics(from: snapshot.week.first, to: snapshot.week.last, asAt: now)
        let margin = figures.targets.amberMargin
        snapshot.fcrToday = Attainment(day[.grossFCR], amberMargin: margin)
        snapshot.fcrWeek = Attainment(week[.grossFCR], amberMargin: margin)
        snapshot.slaToday = Attainment(day[.slaAttainment], amberMargin: margin)
        snapshot.slaWeek = Attainment(week[.slaAttainment], amberMargin: margin)
        return snapshot
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

extension Attainment {
    /// A percentage figure of the metrics engine, as the board shows it.
    public init(_ m: MetricValue, amberMargin: Double) {
        self.init(numerator: Int(m.numerator), denominator: Int(m.denominator), target: m.target,
                  amberMargin: amberMargin, provisional: m.provisional)
    }
}

extension Desk {
    /// The board's inputs from this desk's configuration and calendar.
    public var boardInputs: BoardSnapshot.Inputs {
        BoardSnapshot.Inputs(taxonomy: taxonomy, users: config.users, calendar: calendar, slaPolicy: slaPolicy)
    }

    /// The board's figures for the current store; the rates come from the
    /// desk's metrics engine (kept up to date incrementally).
    public func boardSnapshot(now: Instant) -> BoardSnapshot {
        BoardSnapshot.compute(tickets: store.slots.lazy.compactMap { $0 }, eventCount: store.eventCount, inputs: boardInputs,
                              figures: metricsEngine(), now: now)
    }
}
