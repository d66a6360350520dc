/// The desk the random histories run on, written once as data: the model
/// reads these values, and the engine reads the same values through the
/// configuration file text built from them (`toml`).
enum ReferenceDesk {
    struct Queue {
        var id: String
        /// Working hours; nil: no SLA.
        var targetHours: Double?
    }

    struct Category {
        var id: String
        var queue: String
        var resolvable: Bool
        /// The configuration's text for the override ("1d", "4h", "2.5"), and its working hours.
        var targetText: String?
        var targetHours: Double?
    }

    static let frontDesk = "customer-services"

    static let queues: [Queue] = [
        Queue(id: "customer-services", targetHours: 8),
        Queue(id: "payroll", targetHours: 24),
        Queue(id: "exchequer", targetHours: 24),
        Queue(id: "records", targetHours: nil),
    ]

    static let categories: [Category] = [
        Category(id: "cs.general", queue: "customer-services", resolvable: true),
        Category(id: "cs.password", queue: "customer-services", resolvable: true, targetText: "\"4h\"", targetHours: 4),
        Category(id: "payroll.pay", queue: "payroll", resolvable: true),
        Category(id: "payroll.overpayment", queue: "payroll", resolvable: false, targetText: "\"1d\"", targetHours: 8),
        Category(id: "exchequer.bank-details", queue: "exchequer", resolvable: false, targetText: "\"1d\"", targetHours: 8),
        Category(id: "exchequer.invoice", queue: "exchequer", resolvable: true, targetText: "2.5", targetHours: 2.5),
        Category(id: "records.request", queue: "records", resolvable: false),
        Category(id: "records.urgent", queue: "records", resolvable: true, targetText: "\"2d\"", targetHours: 16),
    ]

    static let agents = ["amy", "ben", "pat", "sup"]

    /// The reopen window: 3 working days of 8 hours.
    static let reopenWindowMillis: Int64 = 3 * ReferenceCalendar.workingDay
    static let atRiskShare = 0.75

    static func queue(_ id: String) -> Queue? { queues.first { $0.id == id } }
    static func category(_ id: String) -> Category? { categories.first { $0.id == id } }

    /// The SLA target in ms: the category's override, else the queue's.
    static func targetMillis(category: String, queue: String) -> Int64? {
        guard let h = self.category(category)?.targetHours ?? self.queue(queue)?.targetHours else { return nil }
        return Int64(h * 3_600_000)
    }

    static var toml: String {
        var s = """
        [desk]
        timezone = "Europe/London"
        working_days = ["mon", "tue", "wed", "thu", "fri"]
        working_hours = "09:00-17:00"
        reopen_window_days = 3
        at_risk_share = 0.75

        [targets]
        fcr = 90.0
        net_fcr = 90.0
        flr = 90.0
        sla = 95.0
        csat = 85.0
        reopen_rate = 5.0
        average_handle_minutes = 6.0
        time_to_resolve_hours = 24.0
        amber_margin = 5.0

        [users.sup]
        name = "Sue"
        role = "supervisor"
        queues = ["customer-services", "payroll", "exchequer", "records"]

        [users.amy]
        name = "Amy"
        role = "agent"
        queues = ["customer-services"]

        [users.ben]
        name = "Ben"
        role = "agent"
        queues = ["customer-services"]

        [users.pat]
        name = "Pat"
        role = "agent"
        queues = ["payroll", "exchequer", "records"]


        """
        for q in queues {
            s += "[[queues]]\nid = \"\(q.id)\"\nname = \"\(q.id)\"\n"
            if let h = q.targetHours { s += "resolution_target_hours = \(h)\n" }
            s += "\n"
        }
        for c in categories {
            s += "[[categories]]\nid = \"\(c.id)\"\nname = \"\(c.id)\"\nqueue = \"\(c.queue)\"\nresolvable = \(c.resolvable)\n"
            if let t = c.targetText { s += "resolution_target = \(t)\n" }
            s += "\n"
        }
        return s
    }
}
