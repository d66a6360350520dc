import BSCTestSupport
import BSCApp
import BSCCore
import Foundation

/// A desk in a scratch directory for the board screens: team leader
/// `lead` (customer services, payroll), agents `amy`, `ben`, `pat`.
/// "Now" is Tuesday 24 Nov 2026 11:00 London.
struct BoardScreenFixture {
    static let now = london(24, 11)
    let desk: Desk
    let clock: ManualClock

    static func london(_ day: Int, _ h: Int, _ m: Int = 0) -> Instant {
        ZoneRules.london.firstInstant(atOrAfter: CivilDateTime(date: CivilDate(year: 2026, month: 11, day: day), hour: h, minute: m))
    }

    init(login: String = "lead", data: DataDirectory? = nil, clock: ManualClock? = nil) throws {
        let dir = data ?? DataDirectory(path: FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-boardui-" + UUID().uuidString).path, source: "test")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        var c = try ConfigurationLoader.parse(DefaultConfiguration.text(firstSupervisor: "sup"), file: "test.toml")
        c.users["lead"] = UserProfile(login: "lead", name: "Lee Lead", role: .teamLeader, queues: [QueueID.customerServices, QueueID.payroll])
        c.users["amy"] = UserProfile(login: "amy", name: "Amy Ng", role: .agent, queues: [QueueID.customerServices])
        c.users["ben"] = UserProfile(login: "ben", name: "Ben", role: .agent, queues: [QueueID.customerServices])
        c.users["pat"] = UserProfile(login: "pat", name: "Pat", role: .agent, queues: [QueueID.payroll])
        self.clock = clock ?? ManualClock(Self.now)
        desk = try Desk(data: dir, config: c, login: login, clock: self.clock, ids: SequentialIds(prefix: login))
        try desk.load()
    }

    /// The same data as another person (another process).
    func `as`(_ login: String) throws -> BoardScreenFixture { try BoardScreenFixture(login: login, data: desk.data, clock: clock) }

    /// Logs a call at `at` as this fixture's user.
    @discardableResult
    func log(_ at: Instant, caller: String, category: String = "cs.general-enquiry", seconds: Int64? = nil,
             outcome: Desk.NewContact.Outcome = .keepOpen, details: [String: String] = [:]) throws -> TicketRef {
        clock.set(at)
        defer { clock.set(Self.now) }
        return try desk.logFirstContact(.init(caller: Caller(name: caller, type: .employee), channel: .phone, category: category,
                                              summary: "About \(caller)", durationMillis: seconds.map { $0 * 1000 }, details: details, outcome: outcome)).ref
    }

    /// A small morning: three customer-services calls (one resolved at
    /// first contact), two payroll tickets (one breached), one assigned.
    func seed() throws {
        let amy = try self.as("amy"), ben = try self.as("ben")
        try amy.log(Self.london(24, 9, 30), caller: "Zoë Łukasik", seconds: 240, outcome: .resolved)
        try amy.log(Self.london(24, 10), caller: "Open Caller", seconds: 360)
        try ben.log(Self.london(24, 10, 15), caller: "Third Caller", seconds: 120)
        let payroll: [String: String] = ["employee-number": "E1", "pay-period": "2026-11"]
        try amy.log(Self.london(18, 9), caller: "Old Payroll", category: "payroll.salary-query", outcome: .route(QueueID.payroll), details: payroll)
        let held = try ben.log(Self.london(23, 15), caller: "Held Payroll", category: "payroll.salary-query", outcome: .route(QueueID.payroll), details: payroll)
        try desk.refresh()
        try desk.assign(held, to: "pat")
    }
}
