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

    public init(desk: Desk, drafts: DraftStore?, refreshMillis: Int64 = 400) {
        self.desk = desk
        self.drafts = drafts
        self.refreshMillis = refreshMillis
        self.now = desk.now()
    }

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
        if lastRefresh.map({ now.millis - $0.millis >= refreshMillis }) ?? true {
            lastRefresh = now
            do {
                changed = try desk.refresh()
                refreshError = nil
            } catch {
                refreshError = error.message
                changed = true
            }
        }
        return changed || clockText != oldClock
    }

    var clockText: String {
        let s = desk.localText(now)
        return String(s.suffix(5))
    }

    /// "tester/supervisor · …/data · 09:05 ● live"
    public var statusText: String {
        var dir = desk.data.path
        if dir.displayWidth > 18 { dir = "…" + String(dir.suffix(17)) }
        let live = refreshError == nil ? "● live" : "✗ stale"
        return "\(desk.login)/\(desk.profile.role.rawValue) · \(dir) · \(clockText) \(live)"
    }

    /// The message for a failed action.
    public static func describe(_ error: Error) -> String { DeskError.from(error).message }
}
