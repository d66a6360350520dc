import BSCCore

/// One number on the board, named so its change can be remembered.
public enum BoardCell: Hashable, Sendable {
    public enum QueueField: String, Sendable, CaseIterable {
        case open, unassigned, pending, newToday, resolvedToday, oldestHours, atRisk, breached
    }
    public enum AgentField: String, Sendable, CaseIterable {
        case held, contactsToday, resolutionsToday, averageHandleSeconds
    }
    public enum Metric: String, Sendable, CaseIterable {
        case fcrToday, fcrWeek, slaToday, slaWeek
    }
    case queue(String, QueueField)
    case agent(String, AgentField)
    case metric(Metric)
}

extension BoardSnapshot {
    /// Every number on the board, for comparing two snapshots. Rates are in
    /// tenths of a percent; a missing value (n/a) is absent.
    public var cellValues: [BoardCell: Int64] {
        var v: [BoardCell: Int64] = [:]
        for q in queues {
            v[.queue(q.id, .open)] = Int64(q.open)
            v[.queue(q.id, .unassigned)] = Int64(q.unassigned)
            v[.queue(q.id, .pending)] = Int64(q.pending)
            v[.queue(q.id, .newToday)] = Int64(q.newToday)
            v[.queue(q.id, .resolvedToday)] = Int64(q.resolvedToday)
            v[.queue(q.id, .atRisk)] = Int64(q.atRisk)
            v[.queue(q.id, .breached)] = Int64(q.breached)
            if let h = q.oldestWorkingHours { v[.queue(q.id, .oldestHours)] = Int64(h) }
        }
        for a in agents {
            v[.agent(a.login, .held)] = Int64(a.held)
            v[.agent(a.login, .contactsToday)] = Int64(a.contactsToday)
            v[.agent(a.login, .resolutionsToday)] = Int64(a.resolutionsToday)
            if let m = a.averageHandleMillis { v[.agent(a.login, .averageHandleSeconds)] = m / 1000 }
        }
        func tenths(_ a: Attainment) -> Int64? { a.percent.map { Int64(($0 * 10).rounded()) } }
        let metrics: [(BoardCell.Metric, Attainment)] = [(.fcrToday, fcrToday), (.fcrWeek, fcrWeek), (.slaToday, slaToday), (.slaWeek, slaWeek)]
        for (m, a) in metrics { if let t = tenths(a) { v[.metric(m)] = t } }
        return v
    }
}

/// Which numbers changed recently and which way (k9s: a changed number is
/// highlighted with ↑ or ↓ for a few seconds, then settles).
public struct BoardChanges: Sendable {
    public enum Direction: Sendable, Hashable {
        case up, down
        public var arrow: String { self == .up ? "↑" : "↓" }
        public var asciiArrow: String { self == .up ? "^" : "v" }
    }

    public struct Change: Sendable, Hashable {
        public var direction: Direction
        public var at: Instant
    }

    /// How long a change stays highlighted.
    public var holdMillis: Int64
    public private(set) var changes: [BoardCell: Change] = [:]

    public init(holdMillis: Int64 = 5_000) { self.holdMillis = holdMillis }

    /// Records the cells that differ between two snapshots. The first
    /// snapshot (no previous) marks nothing: a board that just opened has
    /// not seen anything change.
    public mutating func record(from old: BoardSnapshot?, to new: BoardSnapshot, at now: Instant) {
        guard let old else { return }
        let before = old.cellValues
        let after = new.cellValues
        for (cell, value) in after {
            // A row that appears (a new agent) or a rate that was n/a counts from 0.
            let was = before[cell] ?? 0
            if value > was { changes[cell] = Change(direction: .up, at: now) }
            if value < was { changes[cell] = Change(direction: .down, at: now) }
        }
        for (cell, was) in before where after[cell] == nil && was != 0 {
            changes[cell] = Change(direction: .down, at: now)
        }
    }

    /// The change still on show for a cell at `now`.
    public func change(_ cell: BoardCell, now: Instant) -> Direction? {
        guard let c = changes[cell], now.millis - c.at.millis < holdMillis else { return nil }
        return c.direction
    }

    /// Drops expired changes; true when one expired (the board must redraw
    /// to take the highlight off).
    @discardableResult
    public mutating func expire(now: Instant) -> Bool {
        let before = changes.count
        changes = changes.filter { now.millis - $0.value.at.millis < holdMillis }
        return changes.count != before
    }

    /// Whether anything is highlighted.
    public var isEmpty: Bool { changes.isEmpty }
}
