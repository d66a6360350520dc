import BSCTestSupport
import BSCCore
import Foundation
@testable import BSCApp

/// Each screen's API, asked once, in one small function: when the engine's
/// API changes (issue 12's projection), only these change. Everything is
/// turned into the reference model's plain types before comparing.
final class EngineUnderTest {
    let desk: Desk
    let config: DeskConfiguration
    let directory: String

    /// A desk on an empty scratch data directory with `ReferenceDesk`'s
    /// configuration; its store is never used (each history is folded
    /// into a store of its own), only its configuration and calendar.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-refmodel-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        config = try ConfigurationLoader.parse(ReferenceDesk.toml, file: "reference.toml")
        desk = try Desk(data: DataDirectory(path: directory, source: "test"), config: config, login: "sup",
                        clock: ManualClock(Instant(millis: 0)), ids: SequentialIds(prefix: "sup"))
        try desk.load()
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The engine's view of one history.
    struct Folded {
        var store: TicketStore
        var engine: MetricsEngine
    }

    func fold(_ events: [Event]) -> Folded {
        var store = TicketStore()
        for e in events { store.apply(e) }
        return Folded(store: store, engine: MetricsEngine(store: store, configuration: config, calendar: desk.calendar))
    }

    /// The TUI's path: an engine built on the first `split` events, then
    /// brought up to date from the tickets the rest touched.
    func foldIncrementally(_ events: [Event], split: Int) -> Folded {
        var store = TicketStore()
        for e in events[..<split] { store.apply(e) }
        var engine = MetricsEngine(store: store, configuration: config, calendar: desk.calendar)
        var touched: Set<Int> = []
        for e in events[split...] {
            store.apply(e)
            touched.insert(e.ref.number - 1)
        }
        engine.update(slots: touched, store: store, configuration: config, calendar: desk.calendar)
        return Folded(store: store, engine: engine)
    }

    static func tally(_ t: Tally) -> RefTally {
        var r = RefTally()
        r.opened = t.ticketsOpened; r.contacts = t.contacts
        r.contactsWithDuration = t.contactsWithDuration; r.contactsWithoutDuration = t.contactsWithoutDuration
        r.handleMillis = t.handleMillis; r.fcrFlagged = t.fcrFlagged; r.fcr = t.fcr; r.fcrProvisional = t.fcrProvisional
        r.disqualifiedReopened = t.disqualifiedReopened; r.disqualifiedRepeatContact = t.disqualifiedRepeatContact
        r.disqualifiedSameCaller = t.disqualifiedSameCaller; r.netOpened = t.netOpened; r.netFCR = t.netFCR
        r.netFCRProvisional = t.netFCRProvisional; r.flr = t.flr; r.resolved = t.resolved
        r.resolvedReopened = t.resolvedReopened; r.resolveWorkingMillis = t.resolveWorkingMillis
        r.slaTargeted = t.slaTargeted; r.slaMet = t.slaMet; r.ratings = t.ratings; r.ratingsGood = t.ratingsGood
        r.fcrUnknown = t.fcrUnknown; r.netFCRUnknown = t.netFCRUnknown
        return r
    }

    /// The figures of one set, with the ids of the metrics marked provisional.
    struct Figures: Equatable {
        var tally: RefTally
        var provisional: Set<String>
    }

    static func figures(_ m: MetricSet) -> Figures {
        // Every figure is re-derived from the counts: check they agree.
        var provisional: Set<String> = []
        for v in m.metrics {
            if v.provisional { provisional.insert(v.id.rawValue) }
            let (n, d) = m.tally.numeratorAndDenominator(v.id)
            if v.numerator != n || v.denominator != d || (d == 0) != (v.value == nil) { provisional.insert("inconsistent " + v.id.rawValue) }
        }
        return Figures(tally: tally(m.tally), provisional: provisional)
    }

    /// `bscdesk stats` (and `export`): the report for a period, with
    /// breakdowns by every dimension and a weekly series, keyed
    /// "overall", "<dimension>/<group>" and "series/<first day>".
    func stats(_ f: Folded, first: CivilDate, last: CivilDate, now: Instant) -> [String: Figures] {
        let period = ReportingPeriod.custom(from: first, to: last)!
        let report = f.engine.report(MetricsQuery(period: period, asAt: now, dimensions: BreakdownDimension.allCases, series: .week))
        var out = ["overall": Self.figures(report.overall)]
        for b in report.breakdowns {
            for row in b.rows { out[Self.dimensionName(b.dimension) + "/" + row.key] = Self.figures(row.metrics) }
        }
        for p in report.series { out["series/\(p.firstDay)"] = Self.figures(p.metrics) }
        return out
    }

    static func dimensionName(_ d: BreakdownDimension) -> String {
        switch d {
        case .queue: return "queue"
        case .category: return "category"
        case .channel: return "channel"
        case .agent: return "agent"
        case .callerType: return "callerType"
        case .sourceCategory: return "sourceCategory"
        }
    }

    /// The board's today and week figures.
    func board(_ f: Folded, now: Instant) -> [String: RefAttainment] {
        let b = BoardSnapshot.compute(tickets: f.store.tickets, inputs: desk.boardInputs, figures: f.engine, now: now)
        func a(_ x: Attainment) -> RefAttainment { RefAttainment(numerator: x.numerator, denominator: x.denominator, provisional: x.provisional) }
        return ["fcrToday": a(b.fcrToday), "fcrWeek": a(b.fcrWeek), "slaToday": a(b.slaToday), "slaWeek": a(b.slaWeek)]
    }

    /// The FCR dashboard by month or week: current bucket, 12-bucket trend,
    /// by queue and by channel (no agents), keyed like `stats`.
    func dashboard(_ f: Folded, now: Instant, weekly: Bool) -> [String: Figures] {
        let d = f.engine.fcrDashboard(asAt: now, granularity: weekly ? .week : .month, includeAgents: false)
        var out = ["current": Self.figures(d.currentMetrics)]
        for p in d.trend { out["trend/\(p.firstDay)"] = Self.figures(p.metrics) }
        for row in d.byQueue.rows { out["queue/" + row.key] = Self.figures(row.metrics) }
        for row in d.byChannel.rows { out["channel/" + row.key] = Self.figures(row.metrics) }
        return out
    }

    /// `bscdesk show`'s SLA line for one ticket.
    func sla(_ f: Folded, ticket n: Int, now: Instant) -> RefSLAVerdict? {
        guard let t = f.store[TicketRef(n)], let s = desk.slaStatus(t, now: now) else { return nil }
        let state: RefSLAState
        switch s.state {
        case .onTrack: state = .onTrack
        case .atRisk: state = .atRisk
        case .breached: state = .breached
        case .paused: state = .paused
        case .met: state = .met
        case .missed: state = .missed
        }
        return RefSLAVerdict(state: state, elapsedMillis: s.elapsedWorkingMillis, targetMillis: s.targetWorkingMillis)
    }

    /// A first-contact resolution's verdict (why it stopped counting).
    func fcrVerdict(_ f: Folded, ticket n: Int) -> String {
        switch f.engine.index.disqualification(of: TicketRef(n)) {
        case .reopened?: return "reopened"
        case .repeatContact?: return "repeatContact"
        case .sameCallerNewTicket?: return "sameCaller"
        case Disqualification.none?, nil: return "counts"
        }
    }
}
