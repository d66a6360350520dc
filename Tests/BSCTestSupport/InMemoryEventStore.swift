import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The in-memory twin of `FileEventStore`: the same seam, the same
/// stamping (so the same lines and hashes), no files. Subscribers are
/// called on the appending thread, after the append.
public final class InMemoryEventStore: EventStore, @unchecked Sendable {
    private let clock: Clock
    private var mutex = pthread_mutex_t()
    private var stored: [Event] = []
    /// The journal lines, byte for byte as a file store would write them.
    private var storedLines: [[UInt8]] = []
    private var current = StoreHead.empty
    private var byTicket: [Int: [Int]] = [:]
    private var subscribers: [Int: (after: Int64, deliver: @Sendable ([Event]) -> Void)] = [:]
    private var nextSubscriber = 0
    /// Appends refused so far, for tests that count conflicts.
    public private(set) var conflicts = 0

    public init(clock: Clock) {
        self.clock = clock
        pthread_mutex_init(&mutex, nil)
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }

    public var lines: [[UInt8]] { locked { storedLines } }

    public func head() throws -> StoreHead { locked { current } }

    @discardableResult
    public func append(_ events: [Event], expected: Int64) throws -> [Event] {
        let (stamped, listeners) = try locked { () throws -> ([Event], [@Sendable ([Event]) -> Void]) in
            guard current.seq == expected else {
                conflicts += 1
                throw EventStoreError.conflict(expected: expected, head: current)
            }
            let s = try EventStamping.stamp(events, onto: current, now: clock.now())
            for (e, line) in zip(s.events, s.lines) {
                byTicket[e.ref.number, default: []].append(stored.count)
                stored.append(e)
                storedLines.append(line)
            }
            current = s.head
            return (s.events, subscribers.values.map(\.deliver))
        }
        for deliver in listeners where !stamped.isEmpty { deliver(stamped) }
        return stamped
    }

    @discardableResult
    public func read(after position: StorePosition, _ event: (Event) throws -> Void, issue: (LoadIssue) -> Void) throws -> StorePosition {
        let from = Int(clamping: max(0, position.seq))
        let batch = locked { from < stored.count ? Array(stored[from...]) : [] }
        for e in batch { try event(e) }
        return StorePosition(seq: batch.last?.seq ?? position.seq)
    }

    public func events(of ref: TicketRef) throws -> [Event] {
        locked { (byTicket[ref.number] ?? []).map { stored[$0] } }
    }

    public func subscribe(after position: StorePosition, _ deliver: @escaping @Sendable ([Event]) -> Void) throws -> EventSubscription {
        let (id, backlog) = locked { () -> (Int, [Event]) in
            let id = nextSubscriber
            nextSubscriber += 1
            subscribers[id] = (position.seq, deliver)
            let from = Int(clamping: max(0, position.seq))
            return (id, from < stored.count ? Array(stored[from...]) : [])
        }
        if !backlog.isEmpty { deliver(backlog) }
        return EventSubscription { [weak self] in
            self?.locked { _ = self?.subscribers.removeValue(forKey: id) }
        }
    }
}
