/// Everything a supervisor configures, already validated. Parsed from the
/// data directory's `bscdesk.toml` by BSCApp; the core only reads it.
public struct DeskConfiguration: Sendable {
    public var timeZone: String = "Europe/London"
    /// ISO weekdays that are working days (Monday = 1).
    public var workingWeekdays: Set<Int> = [1, 2, 3, 4, 5]
    /// Working hours as minutes since local midnight.
    public var workingStartMinute: Int = 9 * 60
    public var workingEndMinute: Int = 17 * 60
    /// Extra closure days and one-off holidays (date → name).
    public var extraHolidays: [CivilDate: String] = [:]
    /// Computed bank holidays that were moved or cancelled.
    public var cancelledHolidays: Set<CivilDate> = []
    public var reopenWindowDays: Double = 3
    /// Share of an SLA target used up at which a ticket is "at risk".
    public var atRiskShare: Double = 0.75
    public var targets = Targets()
    public var taxonomy: Taxonomy
    public var users: [String: UserProfile] = [:]
    /// Group-shared mode: the OS group that shares the data directory.
    public var sharedGroup: String?
    /// The screen's colour theme unless `--theme` or BSCDESK_THEME says otherwise.
    public var theme: String?
    /// Retention: personal data is shredded this many years after a
    /// ticket closes (`retention_years_after_closure`), per category where
    /// a category says otherwise.
    public var retentionYears: Int = 6
    public var retentionYearsByCategory: [String: Int] = [:]

    public func retentionYears(category: String) -> Int { retentionYearsByCategory[category] ?? retentionYears }

    public init(taxonomy: Taxonomy) { self.taxonomy = taxonomy }

    public var workingDayMillis: Int64 { Int64(workingEndMinute - workingStartMinute) * 60_000 }

    public func user(_ login: String) -> UserProfile? { users[login] }

    /// Logins of the people who work a queue.
    public func team(of queue: String) -> [String] {
        users.values.filter { $0.queues.contains(queue) }.map(\.login).sorted()
    }
}

public struct Targets: Sendable, Equatable {
    /// Percentages, 0–100.
    public var fcr: Double = 90
    public var netFCR: Double = 90
    public var flr: Double = 90
    public var sla: Double = 95
    public var csat: Double = 85
    /// Lower is better for these: RAG flips.
    public var reopenRate: Double = 5
    public var averageHandleMinutes: Double = 6
    public var timeToResolveHours: Double = 24
    public var amberMargin: Double = 5
    public init() {}
}

public struct UserProfile: Sendable, Equatable {
    public var login: String
    public var name: String
    public var role: Role
    /// The queues this person works (their team).
    public var queues: [String]

    public init(login: String, name: String, role: Role, queues: [String]) {
        self.login = login
        self.name = name
        self.role = role
        self.queues = queues
    }
}
