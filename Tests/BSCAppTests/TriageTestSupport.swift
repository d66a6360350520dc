import Foundation
import BSCTestSupport
import BSCCore
@testable import BSCApp

/// A desk in a fresh temporary data directory (default configuration) with
/// a fixed clock. `sup` is the first supervisor; more people and queue
/// settings come from `adjust`.
struct TriageWorld {
    let data: DataDirectory
    let clock: ManualClock
    var config: DeskConfiguration

    init(at now: Instant) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-triage-" + UUID().uuidString).path
        clock = ManualClock(now)
        let first = try Desk.open(dataOption: dir, environment: ["BSCDESK_USER": "sup", "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                                  clock: clock, ids: SequentialIds())
        data = first.data
        config = first.config
        addUser("ann", role: .agent, queues: ["customer-services"])
        addUser("bob", role: .agent, queues: ["customer-services"])
        addUser("appo", role: .agent, queues: ["appointeeship"])
    }

    mutating func addUser(_ login: String, role: Role, queues: [String]) {
        config.users[login] = UserProfile(login: login, name: login, role: role, queues: queues)
    }

    mutating func setQueue(_ id: String, _ change: (inout QueueDefinition) -> Void) {
        var qs = config.taxonomy.queues
        let i = qs.firstIndex { $0.id == id }!
        change(&qs[i])
        config.taxonomy = Taxonomy(queues: qs, categories: config.taxonomy.categories)
    }

    func desk(_ login: String) throws -> Desk {
        let d = try Desk(data: data, config: config, login: login, clock: clock, ids: SequentialIds(prefix: login + "-"))
        try d.load()
        return d
    }

    func contact(_ caller: String = "Jo Bloggs", ref: String? = nil, category: String = "payroll.salary-query",
                 summary: String = "A question", outcome: Desk.NewContact.Outcome = .keepOpen, details: [String: String] = [:],
                 received: Instant? = nil, verified: String? = nil, callback: Instant? = nil) -> Desk.NewContact {
        Desk.NewContact(caller: Caller(name: caller, type: .employee, reference: ref), channel: .phone, category: category,
                        summary: summary, received: received, details: details, outcome: outcome, verifiedHow: verified, callback: callback)
    }

    /// Every byte of the main journal.
    func mainJournalBytes() throws -> String {
        var all = ""
        for name in try FileManager.default.contentsOfDirectory(atPath: data.journalPath) where name.hasSuffix(".jsonl") {
            all += try String(contentsOfFile: data.journalPath + "/" + name, encoding: .utf8)
        }
        return all
    }
}

func londonTime(_ day: String, _ hour: Int, _ minute: Int = 0) -> Instant {
    guard case .unique(let i) = ZoneRules.london.resolve(CivilDateTime(date: CivilDate.parse(day)!, hour: hour, minute: minute)) else {
        fatalError("no unique London time \(day) \(hour):\(minute)")
    }
    return i
}
