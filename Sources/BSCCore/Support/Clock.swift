/// Where "now" comes from. Injected so that tests are exact.
public protocol Clock: Sendable {
    func now() -> Instant
}

/// A clock that only moves when told to: for tests.
public final class ManualClock: Clock, @unchecked Sendable {
    private var current: Instant
    public init(_ start: Instant) { current = start }
    public func now() -> Instant { current }
    public func set(_ instant: Instant) { current = instant }
    public func advance(millis: Int64) { current = current.adding(millis: millis) }
}

/// Makes unique event ids. Injected so that tests are exact.
public protocol IdGenerator: Sendable {
    mutating func next() -> String
}

/// Ids from a deterministic counter: for tests and the demo generator.
public struct SequentialIds: IdGenerator {
    public var prefix: String
    public var counter: UInt64
    public init(prefix: String = "t", start: UInt64 = 1) {
        self.prefix = prefix
        self.counter = start
    }
    public mutating func next() -> String {
        defer { counter += 1 }
        return prefix + String(counter, radix: 16)
    }
}
