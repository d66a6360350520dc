import BSCCore
import BSCJournal

/// A small, fast, seedable generator (SplitMix64): the demo must be the same
/// for the same seed and end date on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes a realistic history: months of working-hours traffic across the
/// queues, channels and categories of the default taxonomy. Most contacts
/// are resolved at first contact; the rest are routed, some pend, some
/// reopen, some callers ring again.
public struct DemoGenerator {
    let desk: Desk
    let count: Int
    let seed: UInt64
    let until: CivilDate

    public init(desk: Desk, tickets: Int, seed: UInt64, until: CivilDate) {
        self.desk = desk
        self.count = tickets
        self.seed = seed
        self.until = until
    }

    /// Demo staff, written into the configuration so roles and teams work.
    public static let staff: [(login: String, name: String, role: Role, queues: [String])] = [
        ("aahmed", "Aisha Ahmed", .agent, ["customer-services"]),
        ("bcarter", "Ben Carter", .agent, ["customer-services"]),
        ("cdavies", "Cerys Davies", .agent, ["customer-services"]),
        ("dnowak", "Dawid Nowak", .agent, ["customer-services"]),
        ("eokafor", "Emeka Okafor", .agent, ["customer-services"]),
        ("fgreen", "Fiona Green", .agent, ["customer-services"]),
        ("pharris", "Priya Harris", .agent, ["payroll"]),
        ("pking", "Paul King", .agent, ["payroll"]),
        ("ejones", "Eleri Jones", .agent, ["exchequer"]),
        ("elewis", "Ed Lewis", .agent, ["exchequer"]),
        ("vmorgan", "Val Morgan", .agent, ["vacancy-management"]),
        ("anorris", "Ann Norris", .agent, ["appointeeship"]),
        ("aowen", "Alun Owen", .agent, ["appointeeship"]),
        ("tpatel", "Tara Patel", .teamLeader, ["customer-services", "payroll", "exchequer", "vacancy-management"]),
        ("squinn", "Sam Quinn", .supervisor, ["customer-services"]),
    ]

    static let firstNames = ["Alex", "Bethan", "Chris", "Dee", "Emma", "Farah", "Gareth", "Hannah", "Imran", "Jo", "Kieran", "Leah",
                             "Mohammed", "Nia", "Olu", "Pat", "Rhys", "Sian", "Tom", "Zoë", "Siobhán", "Łukasz", "Agnieszka", "Kwame"]
    static let lastNames = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Khan",
                            "Patel", "O'Neill", "Łukasik", "Nowak", "Okafor", "MacLeod", "Hughes", "Edwards", "Green"]
    static let otherNames = ["山田太郎", "Zoë Łukasik", "Acme Supplies Ltd", "Northgate Primary School", "Brightcare Homes"]

    struct CallerSeed {
        var caller: Caller
    }

    public func write() throws(DeskError) -> String {
        var rng = SplitMix64(seed: seed)
        let cal = desk.calendar
        let zone = desk.zone
        // Enough working days for ~350 contacts a day, and at least a quarter.
        let dayCount = max(65, (count + 349) / 350)
        var days: [CivilDate] = []
        var d = until
        while days.count < dayCount {
            if cal.isWorkingDay(d) { days.append(d) }
            d = d.adding(days: -1)
        }
        days.reverse()
        let horizon = zone.startOfDay(until.adding(days: 1))
        let tax = desk.taxonomy
        let cs = QueueID.customerServices
        let csAgents = Self.staff.filter { $0.queues == [cs] }.map(\.login)
        func team(_ q: String) -> [String] { Self.staff.filter { $0.queues.contains(q) && $0.role == .agent }.map(\.login) }

        // A pool of callers smaller than the tickets, so people ring again.
        let poolSize = max(40, count / 3)
        var pool: [Caller] = []
        pool.reserveCapacity(poolSize)
        let types: [CallerType] = [.employee, .employee, .employee, .manager, .supplier, .debtor, .serviceUser, .familyOrAdvocate, .school, .publicMember, .electedMember]
        for i in 0..<poolSize {
            let name: String
            if i % 97 == 5 { name = Self.otherNames[i % Self.otherNames.count] }
            else if i % 53 == 7 { name = "" }
            else { name = Self.firstNames[Int(rng.next() % UInt64(Self.firstNames.count))] + " " + Self.lastNames[Int(rng.next() % UInt64(Self.lastNames.count))] }
            let type = types[Int(rng.next() % UInt64(types.count))]
            var ref: String? = nil
            switch type {
            case .employee, .manager: ref = "E" + String(100_000 + i)
            case .supplier: ref = "S" + String(40_000 + i)
            case .debtor: ref = "D" + String(70_000 + i)
            case .serviceUser: ref = "C" + String(9_000 + i)
            default: ref = nil
            }
            pool.append(Caller(name: name, type: type, reference: name.isEmpty ? nil : ref,
                               phone: i % 3 == 0 ? "01632 \(String(100_000 + i).suffix(6))" : nil))
        }

        let queueWeights: [(String, Int)] = [(cs, 34), (QueueID.payroll, 30), (QueueID.exchequer, 20), (QueueID.vacancyManagement, 11), (QueueID.appointeeship, 5)]
        let channelWeights: [(Channel, Int)] = [(.phone, 60), (.email, 20), (.eForm, 10), (.faceToFace, 5), (.letter, 3), (.webChat, 2)]
        func pick<T>(_ w: [(T, Int)]) -> T {
            let total = w.reduce(0) { $0 + $1.1 }
            var r = Int(rng.next() % UInt64(total))
            for (v, n) in w { if r < n { return v }; r -= n }
            return w[0].0
        }
        func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
        func between(_ a: Int64, _ b: Int64) -> Int64 { a + Int64(rng.next() % UInt64(max(1, b - a))) }
        let hour: Int64 = 3_600_000

        // Received times, sorted, inside working hours.
        var times: [Instant] = []
        times.reserveCapacity(count)
        let open = Int64(desk.config.workingStartMinute) * 60_000
        let span = desk.config.workingDayMillis
        for i in 0..<count {
            let day = days[i * days.count / count]
            let offset = open + between(0, span - 60_000)
            times.append(zone.firstInstant(atOrAfter: CivilDateTime(date: day, millisOfDay: offset)))
        }
        times.sort()

        // Events after a ticket's opening wait here until the openings pass
        // their time; all of a ticket's events are at or after its opening,
        // so this holds only the next few days' worth.
        var later = PendingEvents()
        var order = 0
        var idCounter: UInt64 = 0
        func nextId() -> String {
            idCounter += 1
            let s = String(seed &* 0x1000_0000 &+ idCounter, radix: 16)
            return "demo-" + s
        }
        func add(_ at: Instant, _ user: String, _ ref: TicketRef, _ body: EventBody) {
            guard at < horizon else { return }
            order += 1
            later.push(at, order, Event(id: nextId(), at: at, user: user, ref: ref, body: body))
        }
        func details(for q: String, _ caller: Caller) -> [String: String] {
            var out: [String: String] = [:]
            for f in tax.queue(q)?.handoff ?? [] where f.required || chance(0.5) {
                switch f.key {
                case "employee-number": out[f.key] = caller.reference ?? "E" + String(100_000 + Int(rng.next() % 9000))
                case "pay-period": out[f.key] = ["2026-09", "2026-10", "2026-11", "month 7", "month 8"][Int(rng.next() % 5)]
                case "account-number": out[f.key] = caller.reference ?? "S" + String(40_000 + Int(rng.next() % 9000))
                case "invoice-number": out[f.key] = "INV-" + String(200_000 + Int(rng.next() % 800_000))
                case "amount": out[f.key] = "£" + String(50 + Int(rng.next() % 5000)) + ".00"
                case "post-reference": out[f.key] = "POST-" + String(1000 + Int(rng.next() % 9000))
                case "hiring-manager": out[f.key] = Self.firstNames[Int(rng.next() % UInt64(Self.firstNames.count))]
                case "client-reference": out[f.key] = caller.reference ?? "C" + String(9_000 + Int(rng.next() % 700))
                default: out[f.key] = "n/a"
                }
            }
            return out
        }

        // Written as generated, in time order: an opening after every later
        // event strictly before it, ties by when they were generated.
        var written = 0
        func generate(_ emit: (Event) throws -> Void) throws {
            for (i, t0) in times.enumerated() {
                while let next = later.nextTime, next < t0 {
                    try emit(later.pop())
                    written += 1
                }
                let ref = TicketRef(i + 1)
                let queue = pick(queueWeights)
                let cats = tax.categories(inQueue: queue)
                guard !cats.isEmpty else { continue }
                let cat = cats[Int(rng.next() % UInt64(cats.count))]
                let caller = pool[Int(rng.next() % UInt64(pool.count))]
                let channel = pick(channelWeights)
                let agent = csAgents[Int(rng.next() % UInt64(csAgents.count))]
                let live = channel == .phone || channel == .faceToFace || channel == .webChat
                let duration: Int64? = live ? between(90_000, 14 * 60_000) : nil
                let summary = "\(cat.name): " + ["caller asked for an update", "query about last month", "needs help urgently",
                                                 "wants written confirmation", "second time asking", "straightforward question"][Int(rng.next() % 6)]
                var det: [String: String] = [:]
                if cat.requiresIdentityCheck { det[Desk.identityDetail] = "call-back to number on file" }
                let contact = ContactRecord(channel: channel, summary: summary, received: t0, durationMillis: duration)
                try emit(Event(id: nextId(), at: t0, user: agent, ref: ref, body: .opened(
                    caller: caller, category: cat.id, queue: cs, priority: cat.defaultPriority, contact: contact, details: det)))
                written += 1

                var resolvedAt: Instant? = nil
                var resolver = agent
                if cat.frontDeskResolvable && chance(0.86) {
                    add(t0, agent, ref, .resolved(note: nil, firstContact: true))
                    resolvedAt = t0
                } else if queue == cs || chance(0.15) {
                    // Kept open for a callback, resolved later by customer services.
                    let t = cal.addingWorkingMillis(between(hour / 2, 6 * hour), to: t0)
                    if chance(0.9) {
                        add(t, agent, ref, .resolved(note: "called back", firstContact: false))
                        if t < horizon { resolvedAt = t }
                    }
                } else {
                    let target = queue == cs ? cat.queue : queue
                    add(t0.adding(millis: 1), agent, ref, .routed(queue: target, details: details(for: target, caller), note: nil))
                    let members = team(target)
                    let officer = members.isEmpty ? agent : members[Int(rng.next() % UInt64(members.count))]
                    var t = cal.addingWorkingMillis(between(hour / 4, 4 * hour), to: t0)
                    add(t, "tpatel", ref, .assigned(to: officer))
                    if chance(0.12) {
                        let reason: PendingReason = chance(0.6) ? .customer : .thirdParty
                        t = cal.addingWorkingMillis(between(hour, 8 * hour), to: t)
                        add(t, officer, ref, .pending(reason: reason))
                        t = t.adding(millis: between(4 * hour, 48 * hour))
                        add(t, officer, ref, .resumed)
                    }
                    t = cal.addingWorkingMillis(between(2 * hour, 40 * hour), to: t)
                    if chance(0.93) {
                        add(t, officer, ref, .resolved(note: "done", firstContact: false))
                        if t < horizon { resolvedAt = t; resolver = officer }
                    }
                }
                if chance(0.06) {
                    let t = cal.addingWorkingMillis(between(hour, 20 * hour), to: t0)
                    add(t, csAgents[Int(rng.next() % UInt64(csAgents.count))], ref, .contactLogged(ContactRecord(
                        channel: pick(channelWeights), summary: "Caller rang again about this", received: t,
                        durationMillis: live ? between(60_000, 8 * 60_000) : nil)))
                }
                guard var resolved = resolvedAt else { continue }
                if chance(0.04) {
                    let r = cal.addingWorkingMillis(between(2 * hour, 30 * hour), to: resolved)
                    add(r, resolver, ref, .reopened(reason: "caller says it is not fixed"))
                    let again = cal.addingWorkingMillis(between(4 * hour, 16 * hour), to: r)
                    add(again, resolver, ref, .resolved(note: "fixed properly", firstContact: false))
                    guard again < horizon else { continue }
                    resolved = again
                }
                if chance(0.25) {
                    let rating = [5, 5, 5, 4, 4, 4, 3, 2, 1, 5][Int(rng.next() % 10)]
                    let source: FeedbackSource = [.phone, .email, .survey, .eForm][Int(rng.next() % 4)]
                    add(resolved.adding(millis: between(60_000, 48 * hour)), "squinn", ref, .feedback(rating: rating, source: source))
                }
                if chance(0.6) {
                    add(resolved.adding(millis: between(5 * 24 * hour, 9 * 24 * hour)), "squinn", ref, .closed)
                }
            }
            while !later.isEmpty {
                try emit(later.pop())
                written += 1
            }
        }
        do {
            // Encrypted like everything else; appointeeship tickets are
            // restricted (their keys in its folder) from their opening.
            let protector = try HistoryProtector(desk: desk)
            try desk.journal.writeHistory { emit in try generate { e in try emit(protector.protect(e)) } }
            try protector.storeKeys()
        } catch {
            throw DeskError.from(error)
        }
        try addStaffToConfiguration()
        return "wrote \(written) events for \(count) tickets from \(days.first!) to \(until) into \(desk.data.journalPath)"
    }

    /// Adds the demo staff to bscdesk.toml (once), so teams and roles work.
    func addStaffToConfiguration() throws(DeskError) {
        guard let text = readSmallFile(desk.data.configPath) else { return }
        guard !text.contains("[users.aahmed]") else { return }
        var extra = "\n# Demo staff, added by `bscdesk demo`.\n"
        for s in Self.staff where desk.config.user(s.login) == nil {
            extra += "\n[users.\(s.login)]\nname = \"\(s.name)\"\nrole = \"\(s.role.rawValue)\"\nqueues = [\(s.queues.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
        }
        try desk.data.writeAtomically(desk.data.configPath, text + extra, mode: 0o600)
    }
}

/// Events waiting for their time, earliest first (ties: lowest `order`,
/// i.e. generated first): a binary min-heap.
struct PendingEvents {
    private var heap: [(at: Instant, order: Int, event: Event)] = []

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Instant? { heap.first?.at }

    private func before(_ a: Int, _ b: Int) -> Bool { (heap[a].at, heap[a].order) < (heap[b].at, heap[b].order) }

    mutating func push(_ at: Instant, _ order: Int, _ event: Event) {
        heap.append((at, order, event))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard before(i, parent) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// The earliest event; the heap must not be empty.
    mutating func pop() -> Event {
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast().event
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && before(l, m) { m = l }
            if r < heap.count && before(r, m) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }
}
