import BSCCore
import BSCJournal

/// The retention schedule: `retention_years_after_closure` in
/// bscdesk.toml (`[desk]`, overridable per category). A closed ticket's
/// personal data is shredded on the anniversary of its closure (UTC date)
/// that many years on. See docs/data-protection.md.
extension Desk {
    public struct RetentionDue: Sendable {
        public var ref: TicketRef
        public var category: String
        public var closedAt: Instant
        public var years: Int
    }

    /// The day (UTC) from which a ticket closed at `closed` is past a
    /// `years`-year rule. 29 February closes to 28 February.
    public static func retentionEnds(closed: Instant, years: Int) -> CivilDate {
        let d = CivilDate(daysSinceEpoch: Int(closed.millis / 86_400_000))
        let y = d.year + years
        let day = min(d.day, CivilDate.daysIn(year: y, month: d.month))
        return CivilDate(year: y, month: d.month, day: day)
    }

    /// Closed tickets whose retention has run out and whose keys still
    /// exist, oldest reference first.
    public func retentionDue() throws(DeskError) -> [RetentionDue] {
        try requireSupervisor("retention")
        try needHistory()
        let today = CivilDate(daysSinceEpoch: Int(clock.now().millis / 86_400_000))
        let queues = restrictedQueueList
        var out: [RetentionDue] = []
        store.forEach { t in
            guard t.status == .closed, let closed = t.closedAt else { return }
            let years = config.retentionYears(category: t.category)
            guard Self.retentionEnds(closed: closed, years: years) <= today else { return }
            if keys.state(t.ref, restrictedQueues: queues) == .erased { return }
            out.append(RetentionDue(ref: t.ref, category: t.category, closedAt: closed, years: years))
        }
        return out
    }

    /// Shreds every ticket `retentionDue` lists, with one `subject.erased`
    /// event (basis `retention`).
    public func applyRetention() throws(DeskError) -> (due: [RetentionDue], report: ErasureReport?) {
        let due = try retentionDue()
        guard !due.isEmpty else { return (due, nil) }
        let rules = Set(due.map(\.years)).sorted().map { "\($0)" }.joined(separator: "/")
        let report = try erase(due.map(\.ref), reason: "retention: closed more than \(rules) years ago", basis: "retention")
        return (due, report)
    }
}
