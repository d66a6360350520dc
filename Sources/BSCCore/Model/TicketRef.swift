/// A human-friendly ticket reference, `BSC-000123`. The number is issued in
/// journal order, so it is unique across every process that writes.
public struct TicketRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: Int

    public init(_ number: Int) { self.number = number }

    public static let prefix = "BSC-"
    /// The reference of an event about no ticket (`config.changed`): no
    /// ticket has it, and the projection skips it.
    public static let none = TicketRef(0)

    /// The width of the longest reference up to `count` tickets: ten
    /// characters to BSC-999999, then one more per digit, so screens widen
    /// the column instead of cutting BSC-1000000.
    public static func displayWidth(upTo count: Int) -> Int {
        TicketRef(max(1, count)).description.count
    }

    public var description: String {
        let digits = String(number)
        return Self.prefix + (digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits)
    }

    /// Accepts `BSC-000123`, `bsc-123` and a bare `123`.
    public init?(parsing text: String) {
        var body = Substring(text)
        if body.uppercased().hasPrefix(Self.prefix) { body = body.dropFirst(Self.prefix.count) }
        guard !body.isEmpty, body.count <= 12, body.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(body), n > 0 else { return nil }
        self.number = n
    }

    public static func < (a: TicketRef, b: TicketRef) -> Bool { a.number < b.number }
}
