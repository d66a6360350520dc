import BSCCore

/// Where a store stands: the stamp of its newest event, which the next
/// append chains on.
public struct StoreHead: Sendable, Equatable, CustomStringConvertible {
    /// 0 for an empty store.
    public var seq: Int64
    /// References issued so far (the `tickets` counter of the newest event).
    public var tickets: Int
    /// The chain hash of the newest event (64 zeros for an empty store).
    public var hash: String
    /// The newest event's `ts`: no later event is stamped before it.
    public var at: Instant

    public init(seq: Int64, tickets: Int, hash: String, at: Instant) {
        self.seq = seq
        self.tickets = tickets
        self.hash = hash
        self.at = at
    }

    public static let genesisHash = String(repeating: "0", count: 64)
    public static let empty = StoreHead(seq: 0, tickets: 0, hash: genesisHash, at: Instant(millis: 0))

    /// The reference a ticket opened by the next append gets.
    public var nextRef: TicketRef { TicketRef(tickets + 1) }

    public var description: String { "seq \(seq), \(tickets) tickets, head \(hash)" }
}

/// A reader's place in a store: every event up to `seq` has been delivered.
/// A store may keep its own resume point beside it (the file store keeps a
/// byte offset), never needed to understand the position.
public struct StorePosition: Sendable, Equatable {
    public var seq: Int64
    var resume: JournalCursor?

    public init(seq: Int64) {
        self.seq = seq
        self.resume = nil
    }

    init(seq: Int64, resume: JournalCursor?) {
        self.seq = seq
        self.resume = resume
    }

    public static let start = StorePosition(seq: 0)
}

public enum EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Someone appended after `expected`: catch up from the store and build
    /// the events again. Nothing was written.
    case conflict(expected: Int64, head: StoreHead)
    /// The events break the store's rules (an opened ticket that is not the
    /// next reference, say). Nothing was written.
    case rejected(String)

    public var description: String {
        switch self {
        case .conflict(let expected, let head):
            return "the journal moved on (expected seq \(expected), now \(head.seq)); nothing was saved"
        case .rejected(let why):
            return why
        }
    }
}

/// The event store seam: everything the domain needs from where events
/// live, and nothing about how they are kept. The files of a data
/// directory (`FileEventStore`), PostgreSQL and an in-memory twin for tests
/// implement it.
///
/// Appends are optimistic: the caller builds events from the head it saw
/// and names that head's `seq`; the store refuses with `.conflict` if
/// anything was appended since. The store stamps `seq`, `ts` (never before
/// the head's), the reference counter and the chain hash under its own
/// lock, so those never depend on the caller's clock or process.
public protocol EventStore: AnyObject, Sendable {
    /// The newest event's stamp.
    func head() throws -> StoreHead

    /// Appends `events` in one atomic step if the head is still `expected`
    /// and returns them as stamped. An opening event must use the next
    /// reference (`head.nextRef`, then the one after, …).
    @discardableResult
    func append(_ events: [Event], expected: Int64) throws -> [Event]

    /// Delivers every event after `position`, oldest first, and returns
    /// the position after the last one. Damaged records go to `issue` and
    /// are skipped.
    @discardableResult
    func read(after position: StorePosition, _ event: (Event) throws -> Void, issue: (LoadIssue) -> Void) throws -> StorePosition

    /// One ticket's events, oldest first, found through the store's index
    /// rather than by reading everything.
    func events(of ref: TicketRef) throws -> [Event]

    /// Calls `deliver` with the events appended after `position`, by this
    /// process or any other, until the subscription is cancelled.
    func subscribe(after position: StorePosition, _ deliver: @escaping @Sendable ([Event]) -> Void) throws -> EventSubscription
}

/// A live subscription; `cancel()` stops deliveries (none starts after it
/// returns).
public final class EventSubscription: @unchecked Sendable {
    private let stop: () -> Void

    public init(cancel: @escaping () -> Void) {
        self.stop = cancel
    }

    public func cancel() { stop() }

    deinit { stop() }
}

/// The stamping every store applies, defined once so that a file, a
/// database and the in-memory twin write byte-identical lines and hashes.
public enum EventStamping {
    public struct Stamped: Sendable {
        public var events: [Event]
        /// The journal lines, each ending in `\n`.
        public var lines: [[UInt8]]
        public var head: StoreHead
    }

    /// Stamps `events` onto `head`: `seq` counts on, `ts` is `now` or the
    /// head's, whichever is later (so it never goes backwards, whatever
    /// the clocks of the processes that append), the reference counter
    /// grows by the tickets the events open, and each line's hash chains
    /// on the one before.
    public static func stamp(_ events: [Event], onto head: StoreHead, now: Instant) throws(EventStoreError) -> Stamped {
        var head = head
        var out = events
        var lines: [[UInt8]] = []
        lines.reserveCapacity(events.count)
        let at = max(now, head.at)
        for i in out.indices {
            // No arithmetic on stored values can trap: a head at the end of
            // the range takes no more events.
            guard head.seq < Int64.max, head.tickets < Int.max else {
                throw .rejected("the journal's sequence is exhausted (seq \(head.seq), \(head.tickets) tickets); nothing was saved")
            }
            head.seq += 1
            out[i].seq = head.seq
            out[i].at = at
            if case .opened = out[i].body {
                guard out[i].ref.number == head.tickets + 1 else {
                    throw .rejected("internal error: opened \(out[i].ref) but the next reference is \(head.nextRef); nothing was saved")
                }
                head.tickets += 1
            }
            var line = EventEncoder.body(out[i], tickets: head.tickets)
            head.hash = Journal.chainHash(previous: head.hash, body: line)
            line.append(contentsOf: #","h":""#.utf8)
            line.append(contentsOf: head.hash.utf8)
            line.append(contentsOf: "\"}\n".utf8)
            lines.append(line)
            head.at = at
        }
        return Stamped(events: out, lines: lines, head: head)
    }
}
