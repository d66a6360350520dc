import Foundation
import Testing
import BSCCore
@testable import BSCApp

/// The board's figures are computed once per state of the projection and
/// minute, and shared by every board on it.
@Suite("Board snapshot cache: one computation shared by every board")
struct BoardSnapshotCacheTests {
    @Test func boardsOnOneDeskShareOneComputationUntilTheStoreOrMinuteMoves() throws {
        let w = try TriageWorld(at: londonTime("2026-11-23", 9))
        let d = try w.desk("ann")
        let now = w.clock.now()
        let before = d.boardCache.computations
        let feeds = (0..<5).map { _ in BoardFeed(desk: d, watcher: nil, now: now) }
        #expect(d.boardCache.computations == before + 1, "five boards, one computation")
        #expect(feeds.allSatisfy { $0.snapshot == d.boardSnapshot(now: now) })

        let openBefore = feeds[0].snapshot.totalOpen
        _ = try d.logFirstContact(w.contact())
        for f in feeds { f.tick(now: now) }
        #expect(d.boardCache.computations == before + 2, "one append, one more computation for all five")
        let fresh = d.boardSnapshot(now: now)
        #expect(fresh.totalOpen == openBefore + 1)
        #expect(feeds.allSatisfy { $0.snapshot == fresh && $0.recomputes == 2 })

        // The next minute: ages and SLA states move, so once more.
        let later = Instant(millis: now.millis + 60_000)
        for f in feeds { f.tick(now: later) }
        #expect(d.boardCache.computations == before + 3)
    }

    @Test func anInProcessDeskStillWatchesItsJournal() throws {
        let w = try TriageWorld(at: londonTime("2026-11-23", 9))
        let d = try w.desk("ann")
        #expect(!d.appendsAreAnnounced, "only the team server tells its boards of appends")
    }
}
