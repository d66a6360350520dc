import Foundation
import Testing
import BSCTestSupport
import BSCCore
@testable import BSCApp

/// The desk keeps its metrics engine between queries and brings it up to
/// date from the tickets new events touched. Whatever path it takes, the
/// figures must be those of an engine built afresh on the same store.
@Suite("Metrics engine kept by the desk: the same figures as a fresh build")
struct MetricsCacheTests {
    static let env = ["BSCDESK_USER": "sup", "BSCDESK_SYSTEM_CONFIG": "/nonexistent"]
    static let now = Timestamp.parse("2026-10-30T10:00:00.000Z")!

    /// A demo history in a temporary directory; returns its path.
    static func demoDirectory(tickets: Int) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-metricscache-" + UUID().uuidString).path
        let first = try Desk.open(dataOption: dir, environment: env, clock: ManualClock(Instant(millis: 0)), ids: SequentialIds())
        _ = try DemoGenerator(desk: first, tickets: tickets, seed: 11, until: CivilDate(year: 2026, month: 10, day: 29)).write()
        return dir
    }

    static func open(_ dir: String, clock: ManualClock, prefix: String) throws -> Desk {
        try Desk.open(dataOption: dir, environment: env, clock: clock, ids: SequentialIds(prefix: prefix))
    }

    /// Reports that between them read every figure of every ticket.
    static func queries(_ desk: Desk, asAt: Instant) throws -> [MetricsQuery] {
        let all = ["queue", "category", "channel", "agent", "caller-type"]
        return [
            try desk.metricsQuery(period: nil, from: "2020-01-01", to: "2027-12-31", by: all, series: "month", asAt: asAt),
            try desk.metricsQuery(period: "2026-10", from: nil, to: nil, by: all, series: "week", asAt: asAt),
            try desk.metricsQuery(period: "2026-W44", from: nil, to: nil, by: all, series: nil, asAt: asAt),
            try desk.metricsQuery(period: "2026-10-30", from: nil, to: nil, by: all, series: nil, asAt: asAt),
        ]
    }

    /// The desk's (kept, caught-up) engine against one built now on its store.
    static func expectSameAsFresh(_ desk: Desk, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let kept = desk.metricsEngine()
        let fresh = MetricsEngine(store: desk.store, configuration: desk.config, calendar: desk.calendar)
        #expect(desk.metricsEngineState.cached, "\(step): no engine kept", sourceLocation: sourceLocation)
        #expect(desk.metricsEngineState.pendingEvents == 0, sourceLocation: sourceLocation)
        #expect(kept.index.ticketCount == fresh.index.ticketCount, "\(step)", sourceLocation: sourceLocation)
        for asAt in [now, Timestamp.parse("2027-03-01T12:00:00.000Z")!] {
            for q in try queries(desk, asAt: asAt) {
                let same = kept.report(q) == fresh.report(q)
                #expect(same, "\(step): \(q.period.label) differs from a fresh build", sourceLocation: sourceLocation)
            }
            let same = kept.fcrDashboard(asAt: asAt, granularity: .week, includeAgents: true)
                == fresh.fcrDashboard(asAt: asAt, granularity: .week, includeAgents: true)
            #expect(same, "\(step): dashboard differs from a fresh build", sourceLocation: sourceLocation)
        }
        var differing: [Int] = []
        for n in 1...max(1, desk.store.slots.count) {
            let ref = TicketRef(n)
            if kept.index.disqualification(of: ref) != fresh.index.disqualification(of: ref) { differing.append(n) }
        }
        #expect(differing.isEmpty, "\(step): FCR verdicts differ for tickets \(differing.prefix(10))", sourceLocation: sourceLocation)
    }

    @Test func appendsFromAnotherDeskUpdateTheKeptEngine() throws {
        let dir = try Self.demoDirectory(tickets: 1500)
        let readerClock = ManualClock(Self.now), writerClock = ManualClock(Self.now)
        let reader = try Self.open(dir, clock: readerClock, prefix: "r")
        let writer = try Self.open(dir, clock: writerClock, prefix: "w")
        try reader.load()
        #expect(!reader.metricsEngineState.cached)
        try Self.expectSameAsFresh(reader, "after load")
        let before = try reader.metricsReport(try Self.queries(reader, asAt: Self.now)[0])

        let tax = reader.taxonomy
        let plain = tax.categories.filter { $0.frontDeskResolvable && !$0.requiresIdentityCheck && $0.queue != QueueID.appointeeship }
        let cat = try #require(plain.first), other = try #require(plain.last { $0.id != cat.id })
        let payroll = try #require(tax.queue(QueueID.payroll))
        let handoff = Dictionary(uniqueKeysWithValues: payroll.handoff.filter(\.required).map { ($0.key, "x") })
        let how = "call-back to number on file"
        let zoe = Caller(name: "Zoë Cachetest", type: .employee, reference: "E990001")

        /// The writer acts; the reader picks it up as a screen would.
        func step(_ name: String, _ act: () throws -> Void) throws {
            try act()
            writerClock.advance(millis: 60_000)
            #expect(try reader.refresh(), "\(name): nothing new")
            #expect(reader.metricsEngineState.pendingEvents > 0)
            try Self.expectSameAsFresh(reader, name)
        }

        // A first-contact resolution, then the same caller about the same
        // category on a new ticket: the first stops counting.
        var x = TicketRef(1), y = TicketRef(1), z = TicketRef(1)
        try step("log FCR") {
            x = try writer.logFirstContact(.init(caller: zoe, channel: .phone, category: cat.id, summary: "first", durationMillis: 240_000,
                                                 outcome: .resolved, verifiedHow: how)).ref
        }
        #expect(reader.metricsEngine().index.disqualification(of: x) == Disqualification.none)
        try step("same caller, new ticket") {
            y = try writer.logFirstContact(.init(caller: zoe, channel: .email, category: cat.id, summary: "again", outcome: .resolved,
                                                 verifiedHow: how)).ref
        }
        #expect(reader.metricsEngine().index.disqualification(of: x) == .sameCallerNewTicket)
        // A mis-keyed category corrected: no longer the same category.
        try step("correct category") { try writer.correct(y, [(.category, other.id)]) }
        #expect(reader.metricsEngine().index.disqualification(of: x) == Disqualification.none)
        try step("correct it back") { try writer.correct(y, [(.category, cat.id)]) }
        #expect(reader.metricsEngine().index.disqualification(of: x) == .sameCallerNewTicket)
        // Another reference: the reference decides.
        try step("correct reference") { try writer.correct(y, [(.callerReference, "E990002")]) }
        #expect(reader.metricsEngine().index.disqualification(of: x) == Disqualification.none)

        // Route, resolve, reopen, resolve again, feedback, repeat contact.
        try step("log and route") {
            z = try writer.logFirstContact(.init(caller: Caller(name: "No Reference Person", type: .publicMember), channel: .faceToFace,
                                                 category: cat.id, summary: "needs payroll", details: handoff,
                                                 outcome: .route(QueueID.payroll), verifiedHow: how)).ref
        }
        try step("resolve") { try writer.resolve(z, note: "done") }
        try step("reopen") { try writer.reopen(z, reason: "not fixed") }
        try step("resolve again") { try writer.resolve(z, note: "fixed") }
        try step("feedback") { try writer.recordFeedback(z, rating: 5, source: .survey) }
        try step("feedback on the FCR ticket") { try writer.recordFeedback(x, rating: 2, source: .phone) }
        try step("repeat contact") {
            try writer.logRepeatContact(x, channel: .phone, summary: "rang again", durationMillis: 60_000, received: nil)
        }
        #expect(reader.metricsEngine().index.disqualification(of: x) == .repeatContact)
        try step("reopen the FCR ticket") { try writer.reopen(x, reason: "still wrong") }

        // A demo caller's recent first-contact resolution, disqualified by a
        // new ticket from the same caller in the same category.
        let fresh = MetricsEngine(store: reader.store, configuration: reader.config, calendar: reader.calendar)
        let recent = try #require(reader.store.tickets.last { t in
            t.firstContactResolution && !t.restricted && !(t.caller.reference ?? "").isEmpty
                && t.receivedAt < Self.now && t.receivedAt.millis > Self.now.millis - 86_400_000
                && fresh.index.disqualification(of: t.ref) == Disqualification.none
        })
        try step("demo caller rings again") {
            _ = try writer.logFirstContact(.init(caller: recent.caller, channel: .phone, category: recent.firstCategory, summary: "again"))
        }
        #expect(reader.metricsEngine().index.disqualification(of: recent.ref) == .sameCallerNewTicket)

        // Several events from both desks between two queries.
        try writer.reopen(y, reason: nil)
        try writer.resolve(y, note: nil)
        try reader.recordFeedback(z, rating: 4, source: .email)
        try writer.correct(z, [(.callerName, "Zoë Cachetest")])
        try reader.refresh()
        #expect(reader.metricsEngineState.pendingEvents == 4)
        try Self.expectSameAsFresh(reader, "several events from two desks")

        // The figures did change, and a new load starts afresh.
        let after = try reader.metricsReport(try Self.queries(reader, asAt: Self.now)[0])
        #expect(after.overall.tally.ticketsOpened == before.overall.tally.ticketsOpened + 4)
        #expect(after.overall != before.overall)
        try reader.load()
        #expect(!reader.metricsEngineState.cached)
        try Self.expectSameAsFresh(reader, "after a new load")
    }

    @Test func keptEngineIsReusedUntilTheStoreChanges() throws {
        let dir = try Self.demoDirectory(tickets: 300)
        let clock = ManualClock(Self.now)
        let desk = try Self.open(dir, clock: clock, prefix: "k")
        try desk.load()
        let q = try Self.queries(desk, asAt: Self.now)[0]
        let first = try desk.metricsReport(q)
        #expect(desk.metricsEngineState.cached)
        #expect(try desk.refresh() == false)
        #expect(desk.metricsEngineState.pendingEvents == 0)
        #expect(try desk.metricsReport(q).overall == first.overall)

        let other = try Self.open(dir, clock: clock, prefix: "o")
        _ = try other.logFirstContact(.init(caller: Caller(name: "New Caller", type: .employee, reference: "E1"), channel: .phone,
                                            category: "cs.general-enquiry", summary: "hello", outcome: .resolved))
        // Not folded in yet: the desk answers from what it has read.
        #expect(try desk.metricsReport(q).overall == first.overall)
        #expect(try desk.refresh())
        #expect(desk.metricsEngineState.pendingEvents == 2)  // opened, resolved
        let second = try desk.metricsReport(q)
        #expect(second.overall.tally.ticketsOpened == first.overall.tally.ticketsOpened + 1)
        #expect(desk.metricsEngineState.pendingEvents == 0)
        try Self.expectSameAsFresh(desk, "one new ticket")
    }
}
