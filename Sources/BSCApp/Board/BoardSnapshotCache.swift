import BSCCore

/// The board's figures for one state of the projection and one minute,
/// computed once and handed to every board that asks: they carry no
/// personal content (who may see which queues and people is applied
/// afterwards, per desk, by `Desk.boardAsSeen`), so every login's board
/// may share them. It travels with the projection like the desk's other
/// caches (`SharedProjection` lends it with the store), so on the team
/// server one append costs one computation however many screens show the
/// board.
public final class BoardSnapshotCache {
    /// The projection's owner folds in every append itself and tells its
    /// screens (the team server): boards need no journal watcher.
    public internal(set) var appendsAnnounced = false
    /// Figures computed (for tests and the benchmark).
    public private(set) var computations = 0
    private var cached: (eventCount: Int, loads: Int, minute: Int64, snapshot: BoardSnapshot)?

    public init() {}

    /// The cached figures if the store and the minute are the ones they
    /// were computed for; otherwise computes, keeps and returns new ones.
    func snapshot(eventCount: Int, loads: Int, now: Instant, compute: () -> BoardSnapshot) -> BoardSnapshot {
        let minute = now.millis / 60_000
        if let c = cached, c.eventCount == eventCount, c.loads == loads, c.minute == minute { return c.snapshot }
        let s = compute()
        computations += 1
        cached = (eventCount, loads, minute, s)
        return s
    }
}

extension Desk {
    /// The board's figures for the current store and minute, shared by every
    /// board on this projection (see `BoardSnapshotCache`). Within a minute
    /// the ages and SLA states are those of the first board that asked, as
    /// a board's own figures always were between its per-minute updates.
    public func sharedBoardSnapshot(now: Instant) -> BoardSnapshot {
        boardCache.snapshot(eventCount: store.eventCount, loads: loads, now: now) { boardSnapshot(now: now) }
    }

    /// True when this desk's projection is kept current by its owner (the
    /// team server), which says when it appended: nothing to watch or read.
    public var appendsAreAnnounced: Bool { boardCache.appendsAnnounced }
}
