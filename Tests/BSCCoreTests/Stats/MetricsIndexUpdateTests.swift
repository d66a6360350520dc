import Testing
@testable import BSCCore

/// `MetricsIndex.update` against a fresh build, over a deterministic
/// pseudo-random mix of events: the figures and every FCR verdict agree.
@Suite("Metrics index: updating in place equals building afresh")
struct MetricsIndexUpdateTests {
    /// A small deterministic generator (no Foundation in these tests).
    struct LCG {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static let callers = [
        Caller(name: "Jo Bloggs", type: .employee, reference: "E1"),
        Caller(name: "Jo Bloggs", type: .employee, reference: "e1 "),
        Caller(name: "Jo Bloggs", type: .employee),
        Caller(name: "JO  BLÖGGS", type: .manager),
        Caller(name: "Sam Other", type: .supplier, reference: "S9"),
        Caller(name: "", type: .publicMember),
    ]
    static let categories = ["cs.general", "payroll.payslip", "exchequer.bank-details"]

    /// Whether the updated engine agrees with a fresh one (records an issue if not).
    @discardableResult
    static func expectSame(_ kept: MetricsEngine, _ s: MetricsScenario, _ step: Int, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let fresh = s.engine
        var ok = kept.index.ticketCount == fresh.index.ticketCount
        let asAt = MetricsScenario.london("2026-11-20", 12)
        let period = ReportingPeriod.custom(from: MetricsScenario.date("2026-10-01"), to: MetricsScenario.date("2026-12-31"))!
        for when in [asAt, later] {
            let q = MetricsQuery(period: period, asAt: when, dimensions: BreakdownDimension.allCases, series: .week)
            if kept.report(q) != fresh.report(q) { ok = false }
        }
        let differing = (1...max(1, s.store.slots.count)).filter {
            kept.index.disqualification(of: TicketRef($0)) != fresh.index.disqualification(of: TicketRef($0))
        }
        #expect(ok && differing.isEmpty, "step \(step): figures differ from a fresh build; FCR verdicts differ for tickets \(differing)",
                sourceLocation: sourceLocation)
        return ok && differing.isEmpty
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomMixOfEvents(seed: UInt64) {
        var rng = LCG(state: seed)
        var s = MetricsScenario()
        var at = MetricsScenario.london("2026-11-02", 9)
        var opened: [Int] = []
        var nextNumber = 1
        var gaps: [Int] = []
        func tick() { at = at.adding(millis: Int64(5 + rng.next(90)) * 60_000) }
        func open() {
            let n: Int
            if !gaps.isEmpty && rng.next(4) == 0 {
                n = gaps.removeFirst()  // a gap filled later
            } else {
                if rng.next(8) == 0 { gaps.append(nextNumber); nextNumber += 1 }  // leave a gap
                n = nextNumber
                nextNumber += 1
            }
            s.open(n, at: at, caller: Self.callers[rng.next(Self.callers.count)], category: Self.categories[rng.next(3)],
                   channel: [.phone, .email, .faceToFace][rng.next(3)], duration: rng.next(3) == 0 ? nil : Int64(60_000 * (1 + rng.next(9))),
                   by: ["agent1", "agent2"][rng.next(2)], fcr: rng.next(2) == 0)
            opened.append(n)
        }
        // Some history, then the engine, then updates every few events.
        for _ in 0..<12 { open(); tick() }
        var engine = s.engine
        var touched: Set<Int> = []
        let before = s.seq
        for step in 0..<160 {
            tick()
            let n = opened[rng.next(opened.count)]
            switch rng.next(12) {
            case 0, 1: open(); touched.insert(opened.last! - 1)
            case 2: s.apply(n, at, "agent3", .routed(queue: ["payroll", "exchequer", "customer-services"][rng.next(3)], details: [:], note: nil))
            case 3: s.apply(n, at, "agent3", .resolved(note: nil, firstContact: false))
            case 4: s.apply(n, at, "agent1", .reopened(reason: nil))
            case 5: s.contact(n, at: at, duration: rng.next(2) == 0 ? nil : 120_000)
            case 6: s.apply(n, at, "sup", .feedback(rating: 1 + rng.next(5), source: .survey))
            case 7: s.apply(n, at, "agent1", .corrected(field: .category, from: "", to: Self.categories[rng.next(3)]))
            case 8: s.apply(n, at, "agent1", .corrected(field: .callerName, from: "", to: Self.callers[rng.next(Self.callers.count)].name))
            case 9: s.apply(n, at, "agent1", .corrected(field: .callerReference, from: "", to: ["", "E1", "S9", "E2"][rng.next(4)]))
            case 10:
                s.apply(n, at, "agent2", .pending(reason: .customer))
                tick()
                s.apply(n, at, "agent2", .resumed)
            default:
                // An event for a number never opened changes nothing.
                s.apply(nextNumber + 5, at, "agent1", .noted(text: "x"))
                touched.insert(nextNumber + 4)
            }
            touched.insert(n - 1)
            if rng.next(4) == 0 || step == 159 {
                engine.update(slots: touched, store: s.store, configuration: s.config, calendar: .standard)
                touched = []
                guard Self.expectSame(engine, s, step) else { return }
            }
        }
        #expect(s.seq - before > 150)
    }

    @Test func sameCallerVerdictFollowsCorrections() {
        var s = MetricsScenario()
        let mon = MetricsScenario.london("2026-11-02", 10)
        s.open(1, at: mon)
        var engine = s.engine
        #expect(engine.index.disqualification(of: TicketRef(1)) == Disqualification.none)
        // The same caller about the same category the next day.
        s.open(2, at: mon.adding(millis: 86_400_000))
        engine.update(slots: [1], store: s.store, configuration: s.config, calendar: .standard)
        #expect(engine.index.disqualification(of: TicketRef(1)) == .sameCallerNewTicket)
        // The second ticket's category was mis-keyed.
        s.apply(2, mon.adding(millis: 86_460_000), "agent1", .corrected(field: .category, from: "cs.general", to: "payroll.payslip"))
        engine.update(slots: [1], store: s.store, configuration: s.config, calendar: .standard)
        #expect(engine.index.disqualification(of: TicketRef(1)) == Disqualification.none)
        #expect(engine.index.disqualification(of: TicketRef(3)) == nil)
        Self.expectSame(engine, s, 0)
    }
}
