/// Where "now" comes from. Injected so that tests are exact.
public protocol Clock: Sendable {
    func now() -> Instant
}

/// Makes unique event ids. Injected so that tests are exact.
public protocol IdGenerator: Sendable {
    mutating func next() -> String
}

/// Ids from a deterministic counter: the demo generator writes the same
/// history for the same seed with these.
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
