import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// The event store of a data directory: the month files of a `Journal`.
///
/// Its per-ticket index is small on purpose: for each ticket, the seq of
/// its newest event seen, plus the first line of each segment (its seq and
/// reference counter). A ticket's events then lie between the segment
/// where its reference was issued and the segment holding its newest
/// event, plus whatever was appended since this store last looked; only
/// those segments are read.
public final class FileEventStore: EventStore, @unchecked Sendable {
    public let journal: Journal
    private let lock = PthreadLock()
    /// Newest seq seen per ticket, by slot (ticket number − 1); 0 unknown.
    private var newestSeq: [Int64] = []
    /// Every event up to this seq has been seen by the index.
    private var indexedThrough: Int64 = 0
    /// The first decodable line of each segment: segments only grow at
    /// the end, so this never changes once read.
    private var segmentStarts: [String: (seq: Int64, tickets: Int)] = [:]
    /// How often a subscription looks for new lines.
    public var pollMillis: Int = 100

    public init(journal: Journal) {
        self.journal = journal
    }

    public func head() throws -> StoreHead {
        try journal.tail().storeHead
    }

    @discardableResult
    public func append(_ events: [Event], expected: Int64) throws -> [Event] {
        var cursor: JournalCursor? = nil
        let report = try journal.append(cursor: &cursor) { tail in
            guard tail.seq == expected else { throw EventStoreError.conflict(expected: expected, head: tail.storeHead) }
            return events
        }
        lock.locked { for e in report.events { indexLocked(e) } }
        return report.events
    }

    @discardableResult
    public func read(after position: StorePosition, _ event: (Event) throws -> Void, issue: (LoadIssue) -> Void) throws -> StorePosition {
        var cursor = position.resume ?? JournalCursor()
        var last = position.seq
        try journal.read(from: &cursor) { decoded in
            // Without a resume point the read starts at the beginning and
            // skips what the position already covers.
            guard decoded.event.seq > last else { return }
            last = decoded.event.seq
            observe(decoded.event)
            try event(decoded.event)
        } issue: { issue($0) }
        return StorePosition(seq: last, resume: cursor)
    }

    /// Feeds the index from events read by other paths (a replay that
    /// folds straight from the journal).
    public func observe(_ event: Event) {
        lock.locked { indexLocked(event) }
    }

    /// Seeds the index from a projection restored without reading its
    /// events (a snapshot): each ticket's newest change, and everything
    /// through the projection's last seq.
    public func learn(from store: TicketStore) {
        lock.locked {
            newestSeq = store.slots.map { $0?.lastSeq ?? 0 }
            indexedThrough = max(indexedThrough, store.lastSeq)
        }
    }

    private func indexLocked(_ e: Event) {
        let i = e.ref.number - 1
        if i >= 0 && i < 1 << 31 {
            if i >= newestSeq.count { newestSeq.append(contentsOf: repeatElement(0, count: i - newestSeq.count + 1)) }
            if e.seq > newestSeq[i] { newestSeq[i] = e.seq }
        }
        if e.seq > indexedThrough { indexedThrough = e.seq }
    }

    public func events(of ref: TicketRef) throws -> [Event] {
        let segments = try journal.segments()
        guard !segments.isEmpty else { return [] }
        let (newest, through) = lock.locked { () -> (Int64, Int64) in
            let i = ref.number - 1
            return (i >= 0 && i < newestSeq.count ? newestSeq[i] : 0, indexedThrough)
        }
        var starts: [(seq: Int64, tickets: Int)] = []
        for s in segments { starts.append(try start(of: s)) }

        // Where the reference was issued: the segment before the first
        // one that starts with a counter at or past it.
        var lower = 0
        for (k, st) in starts.enumerated() where st.tickets < ref.number && st.seq > 0 { lower = k }
        // Where its newest known event is, and where unindexed events begin.
        func segment(holding seq: Int64) -> Int {
            var k = 0
            for (j, st) in starts.enumerated() where st.seq > 0 && st.seq <= seq { k = j }
            return k
        }
        var ranges: [ClosedRange<Int>] = []
        if newest > 0 {
            ranges.append(lower...max(lower, segment(holding: newest)))
            let unindexed = segment(holding: through + 1)
            if through > 0 { ranges.append(unindexed...(segments.count - 1)) } else { ranges = [lower...(segments.count - 1)] }
        } else {
            ranges.append(lower...(segments.count - 1))
        }
        var read = Set<Int>()
        var out: [Event] = []
        let needle = Array("\"ref\":\"\(ref)\"".utf8)
        for r in ranges {
            for k in r where !read.contains(k) {
                read.insert(k)
                var c = JournalCursor(segment: segments[k])
                try journal.read(from: &c, containing: needle, through: segments[k]) { d in
                    if d.event.ref == ref { out.append(d.event) }
                } issue: { _ in }
            }
        }
        out.sort { $0.seq < $1.seq }
        lock.locked { for e in out { indexLocked(e) } }
        return out
    }

    private func start(of segment: String) throws -> (seq: Int64, tickets: Int) {
        if let known = lock.locked({ segmentStarts[segment] }) { return known }
        var c = JournalCursor(segment: segment)
        var first: (seq: Int64, tickets: Int)? = nil
        struct Found: Error {}
        do {
            try journal.read(from: &c, keepIdsAndHashes: false, through: segment) { d in
                first = (d.event.seq, d.tickets)
                throw Found()
            } issue: { _ in }
        } catch is Found {}
        guard let first else { return (0, 0) }  // empty or all damaged: not cached, it may grow
        lock.locked { segmentStarts[segment] = first }
        return first
    }

    public func subscribe(after position: StorePosition, _ deliver: @escaping @Sendable ([Event]) -> Void) throws -> EventSubscription {
        let poller = Poller(store: self, position: position, deliver: deliver)
        let threads = startThreads(1) { poller.run() }
        guard let thread = threads.first else { throw JournalError.rejected("could not start a thread to follow the journal") }
        return EventSubscription {
            // Joined once, and never from its own thread (a delivery that cancels).
            guard poller.stop(), pthread_equal(pthread_self(), thread) == 0 else { return }
            joinThreads([thread])
        }
    }

    /// Follows the journal from a thread of its own until stopped.
    private final class Poller: @unchecked Sendable {
        let store: FileEventStore
        var position: StorePosition
        let deliver: @Sendable ([Event]) -> Void
        private let lock = PthreadLock()
        private var stopped = false

        init(store: FileEventStore, position: StorePosition, deliver: @escaping @Sendable ([Event]) -> Void) {
            self.store = store
            self.position = position
            self.deliver = deliver
        }

        /// Stops the loop; true the first time only.
        func stop() -> Bool {
            lock.locked {
                defer { stopped = true }
                return !stopped
            }
        }

        func run() {
            while !lock.locked({ stopped }) {
                var batch: [Event] = []
                if let next = try? store.read(after: position, { batch.append($0) }, issue: { _ in }) {
                    position = next
                }
                // Delivery holds the lock, so none starts after cancel returns.
                lock.locked {
                    if !stopped && !batch.isEmpty { deliver(batch) }
                }
                var remaining = max(1, store.pollMillis)
                while remaining > 0 && !lock.locked({ stopped }) {
                    usleep(UInt32(min(remaining, 20)) * 1000)
                    remaining -= 20
                }
            }
        }
    }
}

/// A mutex for the few places that share state with a thread.
final class PthreadLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
