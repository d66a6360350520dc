import BSCCore

/// A clock that only moves when told to, so tests are exact.
public final class ManualClock: Clock, @unchecked Sendable {
    private var current: Instant
    public init(_ start: Instant) { current = start }
    public func now() -> Instant { current }
    public func set(_ instant: Instant) { current = instant }
    public func advance(millis: Int64) { current = current.adding(millis: millis) }
}
