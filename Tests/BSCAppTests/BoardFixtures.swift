import BSCTestSupport
import BSCCore
import Foundation
@testable import BSCApp

/// A desk in a scratch directory with a team: `lead` (team leader of
/// customer services and payroll), agents `amy` and `ben` (customer
/// services), `pat` (payroll). The clock is manual.
struct BoardFixture {
    let desk: Desk
    let clock: ManualClock
    let dir: String

    static func london(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Instant {
        ZoneRules.london.firstInstant(atOrAfter: CivilDateTime(date: CivilDate(year: y, month: mo, day: d), hour: h, minute: mi))
    }

    static func config() throws -> DeskConfiguration {
        var c = try ConfigurationLoader.parse(DefaultConfiguration.text(firstSupervisor: "sup"), file: "test.toml")
        c.users["lead"] = UserProfile(login: "lead", name: "Lee Lead", role: .teamLeader, queues: [QueueID.customerServices, QueueID.payroll])
        c.users["amy"] = UserProfile(login: "amy", name: "Amy", role: .agent, queues: [QueueID.customerServices])
        c.users["ben"] = UserProfile(login: "ben", name: "Ben", role: .agent, queues: [QueueID.customerServices])
        c.users["pat"] = UserProfile(login: "pat", name: "Pat", role: .agent, queues: [QueueID.payroll])
        return c
    }

    init(login: String = "lead", now: Instant, dir: String? = nil) throws {
        let path = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-board-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.dir = path
        clock = ManualClock(now)
        desk = try Desk(data: DataDirectory(path: path, source: "test"), config: try Self.config(), login: login, clock: clock, ids: SequentialIds(prefix: login))
        try desk.load()
    }

    /// Another person's desk on the same data: "another process".
    func other(_ login: String) throws -> Desk {
        let d = try Desk(data: desk.data, config: desk.config, login: login, clock: clock, ids: SequentialIds(prefix: login + "-"))
        try d.load()
        return d
    }
}

/// Builds a store from hand-written events, in order.
struct EventScript {
    var store = TicketStore()
    private var seq: Int64 = 0

    mutating func apply(_ ref: Int, _ at: Instant, _ user: String, _ body: EventBody) {
        seq += 1
        store.apply(Event(seq: seq, id: "e\(seq)", at: at, user: user, ref: TicketRef(ref), body: body))
    }

    mutating func open(_ ref: Int, _ at: Instant, by user: String, caller: String = "Caller", callerRef: String? = nil,
                       category: String = "cs.general-enquiry", durationSeconds: Int64? = nil) {
        apply(ref, at, user, .opened(caller: Caller(name: caller, type: .employee, reference: callerRef), category: category,
                                     queue: QueueID.customerServices, priority: .normal,
                                     contact: ContactRecord(channel: .phone, summary: "s", received: at, durationMillis: durationSeconds.map { $0 * 1000 }),
                                     details: [:]))
    }
}
