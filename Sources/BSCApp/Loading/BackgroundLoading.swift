import BSCCore
import BSCJournal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opening the front desk without waiting for history: a second `Desk` on
/// the same data directory loads the projection on a thread of its own and
/// hands it over through `HistoryLoad`; the desk the screens use adopts it
/// with `adoptLoad(from:)`. Nothing else is shared between the threads.
///
/// Until then the desk's cursor is nil, so a new call is still numbered
/// from the journal's tail under the lock (see `append`), and anything
/// that needs the tickets themselves is refused with `historyLoadingError`.
/// After adopting, the next `refresh()` reads on from where the loader
/// stopped, so calls saved meanwhile (by anyone) are folded in exactly once.
public final class HistoryLoad: @unchecked Sendable {
    public enum Outcome: Sendable {
        /// The loader's desk, loaded; hand it to `adoptLoad(from:)`.
        case loaded(Desk)
        case failed(DeskError)
    }

    private let condition = NSCondition()
    private var outcome: Outcome?
    private var taken = false

    init() {}

    func finish(_ o: Outcome) {
        condition.lock()
        outcome = o
        condition.broadcast()
        condition.unlock()
    }

    /// The outcome once the load has finished, exactly once; nil before
    /// (and after it was taken). Never blocks for long: the lock is only
    /// held to move the result.
    public func take() -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        guard !taken, let o = outcome else { return nil }
        taken = true
        outcome = nil
        return o
    }

    /// Blocks until the load has finished, leaving the outcome to `take`
    /// (tests and the benchmark).
    public func waitUntilFinished() {
        condition.lock()
        while outcome == nil && !taken { condition.wait() }
        condition.unlock()
    }
}

extension Desk {
    /// The message for actions that need the ticket history while it is
    /// still loading in the background.
    public static let historyLoadingMessage =
        "the ticket history is still loading (a few seconds after start): this needs it; try again in a moment"

    var historyLoadingError: DeskError { .refused(Desk.historyLoadingMessage) }

    /// Loads this desk's history on a background thread. `isLoadingHistory`
    /// is true from now until `adoptLoad(from:)`; after a failed load it
    /// stays true, and this may be called again to retry.
    public func startLoadingHistory() throws(DeskError) -> HistoryLoad {
        let loader = try Desk(data: data, config: config, login: login, clock: clock, ids: RandomIds(), fs: journal.fs)
        let load = HistoryLoad()
        let threshold = snapshotWriteThreshold
        isLoadingHistory = true
        let thread = Thread {
            do {
                loader.deferSnapshotWrite = true
                loader.snapshotWriteThreshold = threshold
                try loader.load()
                try loader.settleSealedContent()
                let pending = loader.takePendingSnapshot()
                load.finish(.loaded(loader))
                // The agent has the history; the cache file can follow.
                pending?.write()
            } catch {
                load.finish(.failed(DeskError.from(error)))
            }
        }
        // Large journals replay on this thread: the main thread's stack size.
        thread.stackSize = 8 << 20
        // Signals (SIGWINCH, SIGTERM, SIGHUP) belong to the terminal's
        // thread: the loader inherits a mask that blocks them all.
        var all = sigset_t(), previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, &previous)
        thread.start()
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return load
    }

    /// A load takes restricted content once, before it reads the journal:
    /// restricted calls saved while it read (this agent's own, on the
    /// screen that is already open) were folded in without their content.
    /// Content is written before its event, so reading it again now covers
    /// every event read; if it has grown, load again (a few times at most).
    func settleSealedContent() throws(DeskError) {
        for _ in 0..<3 {
            let before = sealedContent.count
            reloadSealedContent()
            guard sealedContent.count > before else { return }
            try load()
        }
    }

    /// Installs the projection a background load built. What this desk
    /// appended meanwhile was not applied to its (empty) store; it is
    /// either already in the loaded projection or after its cursor, where
    /// the next `refresh()` finds it.
    public func adoptLoad(from loader: Desk) {
        // Swap rather than copy: the loader is dropped afterwards, and a
        // store still shared with it would be copied whole on the first
        // change.
        swap(&store, &loader.store)
        cursor = loader.cursor
        issues = loader.issues + issues
        for (id, content) in loader.sealedContent where sealedContent[id] == nil { sealedContent[id] = content }
        loader.sealedContent = [:]
        repeatIndexCache = nil
        // As after `load()`: an engine kept from before describes another store.
        metricsCache = nil
        isLoadingHistory = false
        loads += 1
    }
}
