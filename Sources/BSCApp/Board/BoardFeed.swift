import BSCCore

/// Keeps a board's figures current: on each UI tick it asks the watcher
/// whether the journal moved, folds in other processes' appends, and
/// recomputes the snapshot only when the store changed or the minute
/// turned (ages and SLA states move with the clock). Shared by the board
/// and the ticket lists opened from it. The figures themselves come from
/// the projection's `BoardSnapshotCache`, shared by every board on it; on
/// the team server there is no watcher: the server folds in every append
/// and redraws its screens.
public final class BoardFeed {
    public let desk: Desk
    public let watcher: JournalWatcher?
    public private(set) var snapshot: BoardSnapshot
    public private(set) var previous: BoardSnapshot?
    public private(set) var changes: BoardChanges
    /// Recomputations done (for tests and the latency benchmark).
    public private(set) var recomputes = 0
    /// The last refresh error (a damaged or unreadable journal), shown on the board.
    public private(set) var lastError: String?
    private var computedMinute: Int64

    public init(desk: Desk, watcher: JournalWatcher?, now: Instant, holdMillis: Int64 = 5_000) {
        self.desk = desk
        self.watcher = watcher
        self.changes = BoardChanges(holdMillis: holdMillis)
        self.snapshot = desk.sharedBoardSnapshot(now: now)
        self.computedMinute = now.millis / 60_000
        recomputes = 1
    }

    /// True when the board should be redrawn: new figures, or a change
    /// highlight that has just expired.
    @discardableResult
    public func tick(now: Instant) -> Bool {
        var dataChanged = false
        // On the team server the projection already holds every append
        // (its screens are told of them); without a watcher (tests) the
        // store is read every tick.
        if desk.appendsAreAnnounced {
            lastError = nil
        } else if watcher?.changed() ?? true {
            do {
                try desk.refresh()
                lastError = nil
            } catch {
                lastError = error.message
            }
        }
        if desk.store.eventCount != snapshot.eventCount { dataChanged = true }
        let minute = now.millis / 60_000
        var redraw = changes.expire(now: now)
        if dataChanged || minute != computedMinute {
            recompute(now: now)
            redraw = true
        }
        return redraw
    }

    /// Recomputes at once (after this process's own writes, or F5).
    public func recompute(now: Instant) {
        let next = desk.sharedBoardSnapshot(now: now)
        changes.record(from: snapshot, to: next, at: now)
        previous = snapshot
        snapshot = next
        computedMinute = now.millis / 60_000
        recomputes += 1
    }
}
