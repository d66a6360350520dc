import BSCCore

/// SplitMix64: small, fast, and the same sequence on every platform.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }

    mutating func pick<T>(_ list: [T]) -> T { list[int(0...(list.count - 1))] }
}

/// One random event history and the moment it is looked at.
struct History {
    var seed: UInt64
    var events: [Event]
    /// "As at": every event is at or before it.
    var now: Instant
    /// What the generator put in, for a failure's description.
    var features: [String]
    var ticketCount: Int

    var summary: String {
        "seed \(seed): \(ticketCount) tickets, \(events.count) events, now \(now) (\(features.sorted().joined(separator: ", ")))"
    }

    /// Every event on one line, for reading a failing seed by hand.
    var listing: String {
        events.map { e in "  #\(e.ref.number) \(e.at) \(e.user) \(Self.describe(e.body))" }.joined(separator: "\n")
    }

    static func describe(_ b: EventBody) -> String {
        switch b {
        case .opened(let c, let cat, let q, _, let contact, _):
            return "opened \(cat) in \(q) caller name=\"\(c.name)\" ref=\(c.reference.map { "\"\($0)\"" } ?? "none") received \(contact.received) \(contact.channel.rawValue) dur=\(contact.durationMillis.map(String.init) ?? "-")"
        case .contactLogged(let c): return "contact received \(c.received) dur=\(c.durationMillis.map(String.init) ?? "-")"
        case .routed(let q, _, _): return "routed to \(q)"
        case .resolved(_, let fc): return "resolved firstContact=\(fc)"
        case .corrected(let f, _, let to): return "corrected \(f.rawValue) to \"\(to)\""
        case .feedback(let r, _): return "feedback \(r)"
        case .merged(let into): return "merged into #\(into.number)"
        case .absorbed(let from): return "absorbed #\(from.number)"
        case .pending(let r): return "pending (\(r.rawValue))"
        default: return b.type.rawValue
        }
    }
}

/// Builds random histories that exercise every definition: route while
/// pending, reopens inside and outside the window, repeat contacts,
/// name-only callers, references with spaces and case, category targets,
/// merges, corrections, pending across bank holidays, clock changes.
struct HistoryGenerator {
    typealias Cal = ReferenceCalendar

    private var rng: SeededRandom
    private let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        rng = SeededRandom(seed: seed)
    }

    struct Person {
        var names: [String]
        var refs: [String?]
        var type: CallerType
    }

    private struct Script {
        var ref: Int
        var person: Int
        var steps: [(at: Int64, user: String, body: EventBody)] = []
        var status: TicketStatus = .open
        /// Status after each step.
        var statuses: [TicketStatus] = []
    }

    /// Days near which things break: clock changes, bank holidays, year end.
    private static let anchors: [(Int, Int, Int)] = [
        (2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25),
        (2025, 4, 18), (2026, 4, 3), (2025, 5, 5), (2026, 5, 25), (2025, 8, 25), (2026, 8, 31),
        (2025, 12, 24), (2026, 12, 24), (2025, 6, 11), (2026, 2, 10), (2026, 11, 18),
    ]

    private static let baseNames = ["Zoë Smith", "Sean O'Brien", "José Álvarez", "Mary Ann Evans", "Li Wei", "Renée Dubois", "Tom Jones"]

    private mutating func person() -> Person {
        let base = rng.pick(Self.baseNames)
        let plain = base.folding(options: .diacriticInsensitive, locale: nil)
        var names = [base, base.uppercased(), "  " + base.lowercased(), plain, base.replacingOccurrences(of: " ", with: "   ") + " "]
        var refs: [String?] = [nil]
        switch rng.int(0...9) {
        case 0:
            // Anonymous.
            names = [""]
        case 1...3:
            // Name only.
            break
        default:
            let letter = rng.pick(["E", "S", "D"]), a = rng.int(100...299), b = rng.int(0...999)
            let digits = String(a) + String(repeating: "0", count: 3 - String(b).count) + String(b)
            let spaced = letter + String(a) + " " + String(digits.dropFirst(3))
            refs = [spaced, letter + digits, letter.lowercased() + digits, " " + spaced.lowercased() + " ", letter + " " + digits, nil]
            if rng.chance(0.15) { names = [""] }
            if rng.chance(0.05) { refs.append("   ") }
        }
        return Person(names: names, refs: refs, type: rng.pick([.employee, .supplier, .manager]))
    }

    private mutating func caller(_ p: Person) -> Caller {
        Caller(name: rng.pick(p.names), type: p.type, reference: rng.pick(p.refs))
    }

    /// A time on local day `d`: mostly in working hours, sometimes not.
    private mutating func time(onDay d: Int) -> Int64 {
        if rng.chance(0.75) { return Cal.instant(localDay: d, hour: rng.int(9...16), minute: rng.int(0...59)) }
        return Cal.instant(localDay: d, hour: rng.int(3...23), minute: rng.int(0...59))
    }

    /// A delay: minutes, hours or days; now and then exactly the reopen window's edge.
    private mutating func delay() -> Int64 {
        switch rng.int(0...9) {
        case 0...2: return Int64(rng.int(1...90)) * Cal.minute
        case 3...5: return Int64(rng.int(1...30)) * Cal.hour / 2
        case 6...8: return Int64(rng.int(1...6)) * Cal.day + Int64(rng.int(0...480)) * Cal.minute
        default: return Int64(rng.int(7...20)) * Cal.day
        }
    }

    private mutating func duration(_ channel: Channel) -> Int64? {
        guard channel == .phone || channel == .faceToFace, rng.chance(0.85) else { return nil }
        return Int64(rng.int(20...1500)) * 1000 + Int64(rng.int(0...999))
    }

    mutating func make() -> History {
        let anchor = rng.pick(Self.anchors)
        let start = Cal.dayNumber(anchor.0, anchor.1, anchor.2) - rng.int(0...6)
        let span = rng.int(1...12)
        let persons = (0..<rng.int(2...7)).map { _ in person() }
        let ticketCount = rng.int(5...40)
        let categories = ReferenceDesk.categories.map(\.id)
        // A few categories per history, so that callers repeat in one.
        let used = (0..<rng.int(1...4)).map { _ in rng.pick(categories) }

        var scripts: [Script] = []
        for i in 0..<ticketCount {
            let p = rng.int(0...(persons.count - 1))
            var s = Script(ref: i + 1, person: p)
            let openDay = start + rng.int(0...span)
            var t = time(onDay: openDay)
            let channel: Channel = rng.pick([.phone, .phone, .phone, .email, .eForm, .faceToFace])
            let received = rng.chance(0.1) ? t - Int64(rng.int(1...4000)) * Cal.minute : t - Int64(rng.int(0...5)) * Cal.minute
            let category = rng.pick(used)
            let queue = rng.chance(0.85) ? ReferenceDesk.frontDesk : ReferenceDesk.category(category)!.queue
            let opener = rng.pick(["amy", "ben", "sup"])
            s.steps.append((t, opener, .opened(caller: caller(persons[p]), category: category, queue: queue, priority: .normal,
                                               contact: ContactRecord(channel: channel, summary: "s", received: Instant(millis: received),
                                                                      durationMillis: duration(channel)),
                                               details: [:])))
            s.statuses.append(queue == ReferenceDesk.frontDesk ? .open : .routed)
            s.status = s.statuses[0]
            var currentCategory = category
            var everRouted = queue != ReferenceDesk.frontDesk
            var currentQueue = queue

            func add(_ s: inout Script, _ at: Int64, _ user: String, _ body: EventBody, _ status: TicketStatus) {
                s.steps.append((at, user, body))
                s.statuses.append(status)
                s.status = status
            }

            if rng.chance(0.45) && !everRouted {
                // Resolved during the first contact: the call form writes the
                // resolution with the opening, at the same moment.
                add(&s, t, opener, .resolved(note: nil, firstContact: true), .resolved)
                if rng.chance(0.2) {
                    // A mis-keyed category fixed straight after the call.
                    t += Int64(rng.int(1...5)) * Cal.minute
                    let to = rng.pick(categories)
                    add(&s, t, opener, .corrected(field: .category, from: currentCategory, to: to), s.status)
                    currentCategory = to
                }
            }
            for _ in 0..<rng.int(0...9) {
                t += delay()
                let user = rng.pick(ReferenceDesk.agents)
                switch s.status {
                case .open, .routed, .inProgress, .pending:
                    let roll = rng.int(0...99)
                    if s.status == .pending && roll < 35 {
                        let q = rng.pick(ReferenceDesk.queues.map(\.id))
                        add(&s, t, user, .routed(queue: q, details: [:], note: nil), q == ReferenceDesk.frontDesk ? .open : .routed)
                        if q != ReferenceDesk.frontDesk { everRouted = true }
                        currentQueue = q
                    } else if s.status == .pending && roll < 60 {
                        add(&s, t, user, .resumed, s.statuses.last(where: { $0 != .pending }) ?? .open)
                    } else if s.status != .pending && roll < 25 {
                        add(&s, t, user, .pending(reason: rng.pick([.customer, .thirdParty])), .pending)
                    } else if roll < 40 {
                        let q = rng.pick(ReferenceDesk.queues.map(\.id))
                        add(&s, t, user, .routed(queue: q, details: [:], note: nil), q == ReferenceDesk.frontDesk ? .open : .routed)
                        if q != ReferenceDesk.frontDesk { everRouted = true }
                        currentQueue = q
                    } else if roll < 48 {
                        add(&s, t, user, .assigned(to: user), s.status == .routed ? .inProgress : s.status)
                    } else if roll < 58 {
                        add(&s, t, user, contactLogged(after: t, channel: channel), s.status)
                    } else if roll < 66 {
                        add(&s, t, user, correction(persons, &currentCategory, categories), s.status)
                    } else {
                        add(&s, t, user, .resolved(note: nil, firstContact: false), .resolved)
                    }
                case .resolved:
                    let roll = rng.int(0...99)
                    if roll < 30 {
                        add(&s, t, user, .reopened(reason: nil), currentQueue == ReferenceDesk.frontDesk ? .open : .routed)
                    } else if roll < 50 {
                        add(&s, t, user, contactLogged(after: t, channel: channel), .resolved)
                    } else if roll < 70 {
                        add(&s, t, user, .feedback(rating: rng.int(1...5), source: .survey), .resolved)
                    } else if roll < 80 {
                        add(&s, t, user, correction(persons, &currentCategory, categories), .resolved)
                    } else {
                        add(&s, t, user, .closed, .closed)
                    }
                case .closed:
                    if rng.chance(0.5) { add(&s, t, user, .feedback(rating: rng.int(1...5), source: .email), .closed) }
                }
            }
            scripts.append(s)
        }

        // Merges: a later ticket of the same person into an earlier one.
        if rng.chance(0.35) {
            for _ in 0..<rng.int(1...2) {
                let d = rng.int(1...(ticketCount - 1))
                guard let s = (0..<d).reversed().first(where: { scripts[$0].person == scripts[d].person }) else { continue }
                let at = scripts[d].steps[0].at + delay()
                func status(_ script: Script, at: Int64) -> TicketStatus {
                    var st = TicketStatus.open
                    for (i, step) in script.steps.enumerated() where step.at <= at { st = script.statuses[i] }
                    return st
                }
                guard scripts[s].steps[0].at < at, status(scripts[s], at: at) != .closed,
                      !scripts[s].steps.contains(where: { if case .merged = $0.body { return true } else { return false } })
                else { continue }
                let keep = scripts[d].steps.indices.filter { scripts[d].steps[$0].at < at }
                guard status(scripts[d], at: at) != .closed else { continue }
                scripts[d].steps = keep.map { scripts[d].steps[$0] }
                scripts[d].statuses = keep.map { scripts[d].statuses[$0] }
                scripts[d].steps.append((at, "sup", .merged(into: TicketRef(s + 1))))
                scripts[d].statuses.append(.closed)
                // The survivor's absorb is written in the same append, right after.
                let k = scripts[s].steps.firstIndex { $0.at > at } ?? scripts[s].steps.count
                scripts[s].steps.insert((at, "sup", .absorbed(from: TicketRef(d + 1))), at: k)
                scripts[s].statuses.insert(scripts[s].statuses[k - 1], at: k)
            }
        }

        // One journal: by time; a merge's two events stay together.
        var all: [(at: Int64, order: Int, ref: Int, user: String, body: EventBody)] = []
        for s in scripts {
            for (i, step) in s.steps.enumerated() {
                var order = s.ref * 1000 + i
                if case .absorbed = step.body { order = Int.max }
                all.append((step.at, order, s.ref, step.user, step.body))
            }
        }
        all.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        let last = all.map(\.at).max()!
        let first = all.map(\.at).min()!
        var now: Int64
        var atWindowEnd = false
        if rng.chance(0.6) {
            now = last + Int64(rng.int(0...(5 * 24 * 60))) * Cal.minute
        } else {
            now = first + Int64(rng.int(0...Int((last - first) / Cal.minute))) * Cal.minute
        }
        if rng.chance(0.1) {
            // Exactly at a reopen window's end, or just after it.
            if let fcr = all.first(where: { if case .resolved(_, true) = $0.body { return true } else { return false } }) {
                now = Cal.addingWorking(ReferenceDesk.reopenWindowMillis, to: fcr.at) + (rng.chance(0.5) ? 0 : 1)
                atWindowEnd = true
            }
        }
        var events: [Event] = []
        for e in all where e.at <= now {
            let seq = Int64(events.count + 1)
            events.append(Event(seq: seq, id: "e\(seq)", at: Instant(millis: e.at), user: e.user, ref: TicketRef(e.ref), body: e.body))
        }
        // Every ticket's opening must be kept, or its later events mean nothing.
        let opened = Set(events.compactMap { e -> Int? in if case .opened = e.body { return e.ref.number } else { return nil } })
        events = events.filter { opened.contains($0.ref.number) }
        // References are handed out in the order tickets were opened, as the journal does.
        var number: [Int: Int] = [:]
        for e in events { if case .opened = e.body { number[e.ref.number] = number.count + 1 } }
        for i in events.indices {
            events[i].seq = Int64(i + 1)
            events[i].id = "e\(i + 1)"
            events[i].ref = TicketRef(number[events[i].ref.number]!)
            switch events[i].body {
            case .merged(let into): events[i].body = .merged(into: TicketRef(number[into.number]!))
            case .absorbed(let from): events[i].body = .absorbed(from: TicketRef(number[from.number]!))
            default: break
            }
        }
        var importFeatures: [String] = []
        if rng.chance(0.3) { events = imported(events, now: now, features: &importFeatures) }
        return History(seed: seed, events: events, now: Instant(millis: now),
                       features: Array(Self.features(of: events, now: now)) + (atWindowEnd ? ["now at a window's end"] : []) + importFeatures,
                       ticketCount: opened.count)
    }

    /// Makes some tickets imported (`bscdesk import`): their events carry
    /// the source time (`ts` is when the import wrote them, later), the
    /// source's category, no FCR flag; sometimes a batch is then voided.
    /// Tickets in merges stay bscdesk's own.
    private mutating func imported(_ events: [Event], now: Int64, features: inout [String]) -> [Event] {
        var merging: Set<Int> = []
        for e in events {
            switch e.body {
            case .merged(let into): merging.formUnion([e.ref.number, into.number])
            case .absorbed(let from): merging.formUnion([e.ref.number, from.number])
            default: break
            }
        }
        var batchOf: [Int: String] = [:]
        for e in events {
            if case .opened = e.body, !merging.contains(e.ref.number), rng.chance(0.5) { batchOf[e.ref.number] = rng.pick(["imp-a", "imp-b"]) }
        }
        guard !batchOf.isEmpty else { return events }
        var out = events
        for i in out.indices {
            guard let batch = batchOf[out[i].ref.number] else { continue }
            var source = ImportSource(batch: batch, system: "servicenow", file: "log.csv", row: i + 2, at: out[i].at)
            if case .opened = out[i].body {
                source.sourceRef = "INC\(out[i].ref.number)"
                source.sourceCategory = rng.chance(0.8) ? rng.pick(["Category 55", "Category 26"]) : nil
            }
            if case .resolved(let note, _) = out[i].body { out[i].body = .resolved(note: note, firstContact: false) }
            out[i].source = source
            out[i].at = Instant(millis: now)
        }
        features.append("imported tickets")
        if rng.chance(0.4), let first = out.first(where: { batchOf[$0.ref.number] == "imp-a" }) {
            out.append(Event(seq: Int64(out.count + 1), id: "e\(out.count + 1)", at: Instant(millis: now), user: "sup", ref: first.ref,
                             body: .importVoided(batch: "imp-a")))
            features.append("voided import batch")
        }
        return out
    }

    private mutating func contactLogged(after t: Int64, channel: Channel) -> EventBody {
        let ch: Channel = rng.pick([channel, .phone, .email])
        let received = rng.chance(0.3) ? t - Int64(rng.int(0...600)) * Cal.minute : t
        return .contactLogged(ContactRecord(channel: ch, summary: "again", received: Instant(millis: received), durationMillis: duration(ch)))
    }

    private mutating func correction(_ persons: [Person], _ category: inout String, _ categories: [String]) -> EventBody {
        switch rng.int(0...2) {
        case 0:
            let to = rng.pick(categories)
            defer { category = to }
            return .corrected(field: .category, from: category, to: to)
        case 1:
            return .corrected(field: .callerName, from: "", to: rng.pick(rng.pick(persons).names))
        default:
            return .corrected(field: .callerReference, from: "", to: rng.pick(rng.pick(persons).refs) ?? "")
        }
    }

    /// What a history (as kept, up to "now") exercises, read from its events.
    static func features(of events: [Event], now: Int64) -> Set<String> {
        var out: Set<String> = []
        var pending: Set<Int> = []
        func caller(_ name: String, _ ref: String?) {
            let hasRef = ReferenceModel.reference(ref) != nil, hasName = ReferenceModel.name(name) != nil
            if !hasRef && !hasName { out.insert("anonymous") }
            if !hasRef && hasName { out.insert("name-only caller") }
            if hasRef && !hasName { out.insert("reference only") }
            if let ref, hasRef, ref.contains(" ") || ref != ref.uppercased() { out.insert("references with spaces and case") }
        }
        for e in events {
            let n = e.ref.number
            switch e.body {
            case .opened(let c, _, _, _, _, _): caller(c.name, c.reference)
            case .pending: pending.insert(n); out.insert("pending")
            case .resumed, .resolved(_, false), .merged: pending.remove(n)
            case .resolved(_, true): out.insert("resolved at first contact")
            case .routed: if pending.remove(n) != nil { out.insert("route while pending") }
            case .reopened: out.insert("reopen")
            case .contactLogged: out.insert("repeat contact")
            case .absorbed: out.insert("merge")
            case .corrected(let field, _, let to):
                out.insert("\(field.rawValue) corrected")
                if field == .callerReference { caller("x", to) }
            default: break
            }
        }
        let times = events.map(\.at.millis) + [now]
        if summerBoundaryCrossed(times) { out.insert("clock change") }
        if holidayCrossed(times) { out.insert("bank holiday") }
        return out
    }

    private static func summerBoundaryCrossed(_ times: [Int64]) -> Bool {
        guard let a = times.min(), let b = times.max() else { return false }
        return Cal.summers.contains { (a < $0.0 && $0.0 <= b) || (a < $0.1 && $0.1 <= b) }
    }

    private static func holidayCrossed(_ times: [Int64]) -> Bool {
        guard let a = times.min(), let b = times.max() else { return false }
        return (Cal.localDay(a)...Cal.localDay(b)).contains { Cal.bankHolidays.contains($0) }
    }
}
