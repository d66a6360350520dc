import BSCCore
import Testing
@testable import BSCApp

/// Issue 12: the board computed its own FCR, disqualifying on any reopen
/// or second contact ever and matching callers by one key. Its rates are
/// now the metrics engine's, so they equal `stats` for the same days.
@Suite struct BoardFiguresTests {
    typealias F = BoardFixture
    /// Friday 27 Nov 2026 12:00; the week began Monday 23rd.
    static let friday = F.london(2026, 11, 27, 12)

    func snapshot(_ s: EventScript, _ f: BoardFixture, now: Instant = Self.friday) -> (BoardSnapshot, MetricsEngine) {
        let engine = MetricsEngine(store: s.store, configuration: f.desk.config, calendar: f.desk.calendar)
        return (BoardSnapshot.compute(tickets: s.store.tickets, eventCount: s.store.eventCount, inputs: f.desk.boardInputs,
                                      figures: engine, now: now), engine)
    }

    /// Resolved at first contact Monday 10:00: the window (24 working
    /// hours) ends Thursday 10:00. A reopen or repeat contact on Friday is
    /// outside it and does not disqualify.
    @Test func reopenOrRepeatContactAfterTheWindowStillCounts() throws {
        let f = try BoardFixture(now: Self.friday)
        var s = EventScript()
        s.open(1, F.london(2026, 11, 23, 10), by: "amy", caller: "One")
        s.apply(1, F.london(2026, 11, 23, 10), "amy", .resolved(note: nil, firstContact: true))
        s.apply(1, F.london(2026, 11, 27, 11), "amy", .reopened(reason: nil))
        s.open(2, F.london(2026, 11, 23, 10), by: "amy", caller: "Two")
        s.apply(2, F.london(2026, 11, 23, 10), "amy", .resolved(note: nil, firstContact: true))
        s.apply(2, F.london(2026, 11, 27, 11), "ben", .contactLogged(ContactRecord(channel: .phone, summary: "again", received: F.london(2026, 11, 27, 11))))
        // 3 is reopened inside its window: disqualified.
        s.open(3, F.london(2026, 11, 23, 10), by: "amy", caller: "Three")
        s.apply(3, F.london(2026, 11, 23, 10), "amy", .resolved(note: nil, firstContact: true))
        s.apply(3, F.london(2026, 11, 24, 11), "amy", .reopened(reason: nil))
        let (b, engine) = snapshot(s, f)
        #expect(b.fcrWeek.numerator == 2 && b.fcrWeek.denominator == 3)
        #expect(!b.fcrWeek.provisional)
        let week = engine.metrics(for: try ReportingPeriod.parse("2026-W48"), asAt: Self.friday)[.grossFCR]
        #expect(Int64(b.fcrWeek.numerator) == week.numerator && Int64(b.fcrWeek.denominator) == week.denominator)
    }

    /// The documented caller rule: references decide only where both
    /// callers have one, else the folded name; `E200 004` is `e200004`.
    @Test func sameCallerFollowsTheDocumentedRule() throws {
        let f = try BoardFixture(now: Self.friday)
        var s = EventScript()
        // 1 has a reference; 2, the same name without one, is the same caller.
        s.open(1, F.london(2026, 11, 26, 9, 30), by: "amy", caller: "Jo Bloggs", callerRef: "E1")
        s.apply(1, F.london(2026, 11, 26, 9, 30), "amy", .resolved(note: nil, firstContact: true))
        s.open(2, F.london(2026, 11, 26, 10), by: "ben", caller: "jo bloggs")
        // 3 and 4: one reference written with and without a space.
        s.open(3, F.london(2026, 11, 26, 11), by: "amy", caller: "A", callerRef: "E200 004")
        s.apply(3, F.london(2026, 11, 26, 11), "amy", .resolved(note: nil, firstContact: true))
        s.open(4, F.london(2026, 11, 26, 12), by: "ben", caller: "B", callerRef: "E200004")
        let (b, _) = snapshot(s, f)
        #expect(b.fcrWeek.numerator == 0 && b.fcrWeek.denominator == 4)
    }

    /// The category's target decides at risk and breached on the board as
    /// in `show`: a bank-detail change with an 8-hour target in a 24-hour
    /// queue, 10 working hours old, is breached.
    @Test func atRiskAndBreachedUseTheCategoryTarget() throws {
        var config = try F.config()
        var categories = config.taxonomy.categories
        let i = try #require(categories.firstIndex { $0.id == "exchequer.bank-details" })
        categories[i].resolutionTargetHours = 8
        config.taxonomy = Taxonomy(queues: config.taxonomy.queues, categories: categories)
        let f = try BoardFixture(now: Self.friday)
        let desk = try Desk(data: f.desk.data, config: config, login: "lead", clock: f.clock, ids: SequentialIds(prefix: "x"))
        var s = EventScript()
        s.open(1, F.london(2026, 11, 26, 10), by: "amy", category: "exchequer.bank-details")
        s.apply(1, F.london(2026, 11, 26, 10, 5), "amy", .routed(queue: QueueID.exchequer, details: [:], note: nil))
        let engine = MetricsEngine(store: s.store, configuration: config, calendar: desk.calendar)
        let b = BoardSnapshot.compute(tickets: s.store.tickets, inputs: desk.boardInputs, figures: engine, now: Self.friday)
        #expect(b.queue(QueueID.exchequer)?.breached == 1)
        #expect(desk.slaStatus(try #require(s.store[TicketRef(1)]), now: Self.friday)?.state == .breached)
    }
}
