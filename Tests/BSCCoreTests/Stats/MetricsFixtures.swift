@testable import BSCCore

/// A desk built from explicit events, for hand-worked metric scenarios.
struct MetricsScenario {
    static let taxonomy = Taxonomy(
        queues: [
            QueueDefinition(id: "customer-services", name: "Customer services", resolutionTargetHours: 8),
            QueueDefinition(id: "payroll", name: "Payroll", resolutionTargetHours: 24),
            QueueDefinition(id: "exchequer", name: "Exchequer"),
        ],
        categories: [
            Category(id: "cs.general", name: "General", queue: "customer-services", frontDeskResolvable: true),
            Category(id: "payroll.payslip", name: "Payslip", queue: "payroll", frontDeskResolvable: true),
            Category(id: "exchequer.bank-details", name: "Bank details", queue: "exchequer", frontDeskResolvable: false),
        ])

    var store = TicketStore()
    var seq: Int64 = 0
    var config = DeskConfiguration(taxonomy: MetricsScenario.taxonomy)

    static func date(_ text: String) -> CivilDate { CivilDate.parse(text)! }

    /// A London wall-clock time that exists once.
    static func london(_ day: String, _ hour: Int, _ minute: Int = 0) -> Instant {
        guard case .unique(let i) = ZoneRules.london.resolve(CivilDateTime(date: date(day), hour: hour, minute: minute)) else {
            fatalError("not a unique local time")
        }
        return i
    }

    mutating func apply(_ n: Int, _ at: Instant, _ user: String, _ body: EventBody) {
        seq += 1
        store.apply(Event(seq: seq, id: "e\(seq)", at: at, user: user, ref: TicketRef(n), body: body))
    }

    /// Opens ticket `n`; with `fcr` it is resolved during the first contact.
    mutating func open(_ n: Int, at: Instant, caller: Caller = Caller(name: "Jo Bloggs", type: .employee, reference: "E1"),
                       category: String = "cs.general", channel: Channel = .phone, duration: Int64? = 300_000,
                       by: String = "agent1", fcr: Bool = true) {
        apply(n, at, by, .opened(caller: caller, category: category, queue: "customer-services", priority: .normal,
                                 contact: ContactRecord(channel: channel, summary: "s", received: at, durationMillis: duration), details: [:]))
        if fcr { apply(n, at, by, .resolved(note: nil, firstContact: true)) }
    }

    mutating func contact(_ n: Int, at: Instant, duration: Int64? = nil, by: String = "agent2") {
        apply(n, at, by, .contactLogged(ContactRecord(channel: .phone, summary: "again", received: at, durationMillis: duration)))
    }

    var engine: MetricsEngine { MetricsEngine(store: store, configuration: config, calendar: .standard) }

    func metrics(_ period: String, asAt: Instant) -> MetricSet {
        engine.metrics(for: try! ReportingPeriod.parse(period), asAt: asAt)
    }
}

/// A moment long after every window in these scenarios.
let later = MetricsScenario.london("2027-06-30", 12)
