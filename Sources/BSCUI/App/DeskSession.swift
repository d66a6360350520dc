import BSCApp
import BSCCore

/// What every front-desk screen shares: the desk, the draft store, the
/// caller index and the live-refresh state. A class, because screens are
/// values on the app's stack and must all see the same desk.
public final class DeskSession {
    public let desk: Desk
    public let drafts: DraftStore?
    /// How often `tick` folds in other terminals' writes.
    public var refreshMillis: Int64
    public private(set) var now: Instant
    public private(set) var lastRefresh: Instant?
    /// The last refresh failed (shown in the status line instead of "live").
    public private(set) var refreshError: String?
    private var index = CallerIndex()
    /// The background load of the history, until it is adopted.
    private var history: HistoryLoad?
    /// Why the background load failed; it is retried every `retryMillis`.
    public private(set) var historyError: String?
    private var historyFailedAt: Instant?
    static let retryMillis: Int64 = 5_000
    /// Called once the history has been installed (the front desk's
    /// startup trace).
    public var onHistoryLoaded: (() -> Void)?

    /// `history`: a load started with `desk.startLoadingHistory()`; the
    /// screens work (the call form) or say they wait (list, board, FCR)
    /// until `tick` adopts it.
    public init(desk: Desk, drafts: DraftStore?, history: HistoryLoad? = nil, refreshMillis: Int64 = 400) {
        self.desk = desk
        self.drafts = drafts
        self.history = history
        self.refreshMillis = refreshMillis
        self.now = desk.now()
    }

    /// The ticket history is not there yet: the store is empty.
    public var isLoadingHistory: Bool { desk.isLoadingHistory }

    /// Callers from history, brought up to date on use.
    public var callers: CallerIndex {
        index.update(from: desk)
        return index
    }

    /// Called on every tick by whichever screen is on top: folds in other
    /// processes' writes at most every `refreshMillis`. True when the data
    /// (or the minute on the clock) changed, i.e. the frame should redraw.
    public func tick(now: Instant) -> Bool {
        let oldClock = clockText
        self.now = now
        drafts?.tick(now: now)
        var changed = false
        if desk.isLoadingHistory {
            let news = pollHistory(now: now)
            // Never refresh while loading: with no cursor that would be a
            // full load on this, the terminal's, thread.
            if desk.isLoadingHistory { return news || clockText != oldClock }
            changed = true
        }
        if lastRefresh.map({ now.millis - $0.millis >= refreshMillis }) ?? true {
            lastRefresh = now
            do {
                if try desk.refresh() { changed = true }
                refreshError = nil
            } catch {
                refreshError = error.message
                changed = true
            }
        }
        return changed || clockText != oldClock
    }

    /// Takes the background load's result if it has finished: adopts it,
    /// or shows the failure and retries later. True when either happened.
    private func pollHistory(now: Instant) -> Bool {
        guard let load = history else {
            if let failed = historyFailedAt, now.millis - failed.millis >= Self.retryMillis {
                historyFailedAt = nil
                do { history = try desk.startLoadingHistory() } catch { historyFailed(error.message, now: now) }
            }
            return false
        }
        switch load.take() {
        case nil:
            return false
        case .failed(let e)?:
            history = nil
            historyFailed(e.message, now: now)
            return true
        case .loaded(let loader)?:
            history = nil
            desk.adoptLoad(from: loader)
            historyError = nil
            index = CallerIndex()
            // Fold in what was saved while loading, in this same tick.
            lastRefresh = nil
            onHistoryLoaded?()
            return true
        }
    }

    private func historyFailed(_ message: String, now: Instant) {
        historyError = message
        historyFailedAt = now
    }

    var clockText: String {
        let s = desk.localText(now)
        return String(s.suffix(5))
    }

    /// "tester/supervisor · …/data · 09:05 ● live"
    public var statusText: String {
        var dir = desk.data.path
        if dir.displayWidth > 18 { dir = "…" + String(dir.suffix(17)) }
        let live: String
        if desk.isLoadingHistory {
            live = historyError == nil ? "◌ loading history" : "✗ history not loaded"
        } else {
            live = refreshError == nil ? "● live" : "✗ stale"
        }
        return "\(desk.login)/\(desk.profile.role.rawValue) · \(dir) · \(clockText) \(live)"
    }

    /// The message for a failed action.
    public static func describe(_ error: Error) -> String { DeskError.from(error).message }
}
