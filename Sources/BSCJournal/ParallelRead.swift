import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// Replay of a large journal on several cores: decoding is about two
/// thirds of a replay, and it needs nothing but the bytes of a line.
///
/// Worker threads take turns to claim the next chunk of a segment (about
/// 1 MiB, cut after its last newline) and decode it on their own; the
/// calling thread takes the decoded chunks strictly in journal order and
/// feeds them to `event`, so the fold sees exactly what a sequential read
/// gives, and the cursor, line numbers and issues come out the same.
extension Journal {
    /// Decoding threads for a replay: `BSCDESK_DECODE_THREADS` if set (0
    /// reads sequentially, for a server where bscdesk must keep to one
    /// core), else one per online CPU, at most four, and 0 on one CPU.
    static var defaultDecodeThreads: Int {
        if let text = getenv("BSCDESK_DECODE_THREADS"), let n = Int(String(cString: text)), n >= 0 { return min(n, 16) }
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return cpus > 1 ? min(4, cpus) : 0
    }

    /// nil if no thread could be started (the caller reads sequentially).
    func readInParallel(
        from cursor: inout JournalCursor,
        segments: [String],
        threads: Int,
        keepIdsAndHashes: Bool,
        prepare: (@Sendable (inout EventDecoder.Decoded) -> Void)?,
        event: (EventDecoder.Decoded) throws -> Void,
        issue: (LoadIssue) -> Void
    ) throws -> Int64? {
        let work = ChunkQueue(journal: self, segments: segments, start: cursor, keepIdsAndHashes: keepIdsAndHashes,
                              chunkBytes: parallelRead.chunkBytes, maxAhead: threads * 2, prepare: prepare)
        let workers = startThreads(threads) { work.work() }
        // Decoding on this thread instead would stall once `maxAhead`
        // chunks wait for a taker that is this thread.
        guard !workers.isEmpty else { return nil }
        defer {
            work.cancel()
            joinThreads(workers)
        }
        var total: Int64 = 0
        var index = 0
        while let chunk = try work.take(index) {
            index += 1
            if chunk.segment != cursor.segment { cursor = cursor.starting(chunk.segment) }
            var problems = chunk.issues[...]
            var n = 0
            var issuesBefore = 0
            // Each event is moved out, not copied: a copy retains every
            // string, and these were made on another core.
            while let d = chunk.events.takeNext() {
                // Issues sit between events: report each before the event that followed it.
                while let p = problems.first, p.eventsBefore <= n {
                    issue(LoadIssue(file: chunk.segment, line: cursor.line + p.line, reason: p.reason))
                    problems.removeFirst()
                    issuesBefore += 1
                    cursor.undecoded &+= 1
                }
                // The numbering is checked here, in journal order: every
                // line of a chunk is an event or an issue, which gives the
                // line number.
                if let problem = cursor.chainProblem(d) {
                    issue(LoadIssue(file: chunk.segment, line: cursor.line + n + issuesBefore + 1, reason: problem))
                } else {
                    cursor.follow(d)
                    try event(d)
                }
                n += 1
            }
            for p in problems {
                issue(LoadIssue(file: chunk.segment, line: cursor.line + p.line, reason: p.reason))
                cursor.undecoded &+= 1
            }
            work.recycle(chunk.events)
            cursor.offset = chunk.end
            cursor.line += chunk.lines
            total += chunk.end - chunk.start
        }
        return total
    }
}

/// When and how a replay decodes on several threads.
public struct ParallelReadSettings: Sendable {
    /// Decoding threads; 0 reads sequentially.
    public var threads = Journal.defaultDecodeThreads
    /// Below this many unread bytes the threads are not worth starting.
    public var minimumBytes: Int64 = 16 << 20
    /// Bytes claimed by a thread at a time (a chunk ends at its last newline).
    public var chunkBytes = 1 << 20

    public init() {}
}

/// One decoded chunk of a segment.
struct DecodedChunk: Sendable {
    var segment: String
    var start: Int64
    var end: Int64
    /// Complete lines in the chunk.
    var lines: Int
    var events: DecodedBatch
    /// Rejected lines: line number within the chunk (1-based), reason, and
    /// how many events of the chunk came before it.
    var issues: [(line: Int, reason: String, eventsBefore: Int)]
}

/// The shared state of a parallel read: where the next chunk starts, and
/// the decoded chunks waiting to be taken in order. One mutex guards all
/// of it; decoding happens outside it.
final class ChunkQueue: @unchecked Sendable {
    let journal: Journal
    let segments: [String]
    let keepIdsAndHashes: Bool
    let chunkBytes: Int
    let maxAhead: Int
    /// Run on each decoded event by the thread that decoded it.
    let prepare: (@Sendable (inout EventDecoder.Decoded) -> Void)?

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    // Guarded by `mutex`.
    private var segmentIndex = 0
    private var offset: Int64
    private var fd: Int32 = -1
    private var size: Int64 = 0
    private var opened = false
    private var nextIndex = 0
    private var taken = 0
    private var ready: [Int: DecodedChunk] = [:]
    private var finishedAt: Int?
    private var failure: Error?
    private var cancelled = false

    init(journal: Journal, segments: [String], start: JournalCursor, keepIdsAndHashes: Bool, chunkBytes: Int, maxAhead: Int,
         prepare: (@Sendable (inout EventDecoder.Decoded) -> Void)? = nil) {
        self.journal = journal
        self.prepare = prepare
        self.chunkBytes = max(64, chunkBytes)
        self.segments = segments.filter { $0 >= start.segment }
        self.keepIdsAndHashes = keepIdsAndHashes
        self.maxAhead = max(1, maxAhead)
        self.offset = self.segments.first == start.segment ? start.offset : 0
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        if fd >= 0 { journal.fs.close(fd) }
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        changed.deallocate()
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    func cancel() {
        locked {
            cancelled = true
            pthread_cond_broadcast(changed)
        }
    }

    /// The chunk with this index, waiting for it; nil after the last one.
    /// Throws the read error that stopped the workers once every chunk
    /// before it has been taken.
    func take(_ index: Int) throws -> DecodedChunk? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let chunk = ready.removeValue(forKey: index) {
                taken = index + 1
                pthread_cond_broadcast(changed)
                return chunk
            }
            if let end = finishedAt, index >= end {
                if let failure { throw failure }
                return nil
            }
            pthread_cond_wait(changed, mutex)
        }
    }

    /// A worker's loop: claim a chunk, decode it, hand it over.
    func work() {
        var decoder = EventDecoder(keepIdsAndHashes: keepIdsAndHashes)
        // Blobs decrypted by `prepare` need no string of their own.
        decoder.blobsInPlace = prepare != nil
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        while true {
            guard let claim = claim(into: &buffer) else { return }
            var chunk = DecodedChunk(segment: claim.segment, start: claim.start, end: claim.start + Int64(claim.length),
                                     lines: 0, events: batch(), issues: [])
            if claim.length > 0 {
                buffer.withUnsafeBufferPointer { all in
                    var lines = 0
                    _ = Journal.decodeLines(UnsafeBufferPointer(rebasing: all[0..<claim.length]), decoder: decoder, needle: nil, lines: &lines) { d, _ in
                        chunk.events.append(d)
                        // In place: a copy out and back costs retains of every string.
                        if let prepare {
                            chunk.events.updateLast { d in
                                prepare(&d)
                                // The line's bytes are about to be reused.
                                if let blob = d.encBytes {
                                    if !d.prepared { d.event.enc = blob.string }
                                    d.encBytes = nil
                                }
                            }
                        }
                    } issue: { line, reason in
                        chunk.issues.append((line, reason, chunk.events.count))
                    }
                    chunk.lines = lines
                }
            }
            locked {
                ready[claim.index] = chunk
                pthread_cond_broadcast(changed)
            }
        }
    }

    /// Drained batches, reused: a fresh megabyte per chunk cost page
    /// faults and zeroing.
    private var spare: [DecodedBatch] = []

    func recycle(_ b: DecodedBatch) {
        b.reset()
        locked { if spare.count < maxAhead * 2 { spare.append(b) } }
    }

    private func batch() -> DecodedBatch {
        locked { spare.popLast() } ?? DecodedBatch(capacity: chunkBytes / 256 + 16)
    }

    private struct Claim {
        var index: Int
        var segment: String
        var start: Int64
        var length: Int
    }

    /// Under the mutex: reads the next chunk into `buffer` (cut after its
    /// last newline) and moves the shared position past it. A segment's
    /// first claim may be empty: it moves the reader's cursor to that
    /// segment, as a sequential read does. nil when there is nothing left,
    /// after a failure, or when cancelled.
    private func claim(into buffer: inout [UInt8]) -> Claim? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            while !cancelled && finishedAt == nil && nextIndex - taken >= maxAhead {
                pthread_cond_wait(changed, mutex)
            }
            if cancelled || finishedAt != nil { return nil }
            do {
                guard segmentIndex < segments.count else {
                    finish()
                    return nil
                }
                let segment = segments[segmentIndex]
                let p = journal.path(segment)
                if !opened {
                    fd = try journal.fs.open(p, flags: O_RDONLY, mode: 0)
                    size = try journal.fs.size(fd, path: p)
                    opened = true
                    // An empty first chunk: the reader's cursor moves to
                    // every segment visited, as in a sequential read.
                    return issue(segment: segment, start: offset, length: 0)
                }
                if offset >= size {
                    nextSegment()
                    continue
                }
                var want = min(buffer.count, Int(size - offset))
                while true {
                    let n = try buffer.withUnsafeMutableBytes { b throws(FileError) in
                        try journal.fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[0..<want]), offset: offset, path: p)
                    }
                    if n <= 0 {
                        nextSegment()
                        break
                    }
                    // Lines are short: scanning back from the end finds the last newline at once.
                    let lastNewline = buffer.withUnsafeBufferPointer { b -> Int? in
                        var j = n - 1
                        while j >= 0 && b[j] != 10 { j -= 1 }
                        return j >= 0 ? j : nil
                    }
                    if let nl = lastNewline {
                        let start = offset
                        offset += Int64(nl + 1)
                        return issue(segment: segment, start: start, length: nl + 1)
                    }
                    if offset + Int64(n) >= size {
                        // Only a partial last line is left: leave it for next time.
                        nextSegment()
                        break
                    }
                    // A line longer than the buffer.
                    buffer.append(contentsOf: repeatElement(0, count: buffer.count))
                    want = min(buffer.count, Int(size - offset))
                }
            } catch {
                failure = error
                finish()
                return nil
            }
        }
    }

    private func issue(segment: String, start: Int64, length: Int) -> Claim {
        defer { nextIndex += 1 }
        return Claim(index: nextIndex, segment: segment, start: start, length: length)
    }

    private func nextSegment() {
        if fd >= 0 { journal.fs.close(fd) }
        fd = -1
        opened = false
        segmentIndex += 1
        offset = 0
    }

    private func finish() {
        finishedAt = nextIndex
        pthread_cond_broadcast(changed)
    }
}

/// Decoded events in a manually managed buffer: appended by a worker,
/// moved out one by one by the folding thread (an array would copy each
/// element out and destroy it again later). What was not taken is
/// destroyed with the batch.
final class DecodedBatch: @unchecked Sendable {
    private var base: UnsafeMutablePointer<EventDecoder.Decoded>
    private var capacity: Int
    private(set) var count = 0
    private var taken = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        (base + taken).deinitialize(count: count - taken)
        base.deallocate()
    }

    func append(_ d: EventDecoder.Decoded) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<EventDecoder.Decoded>.allocate(capacity: capacity * 2)
            (bigger + taken).moveInitialize(from: base + taken, count: count - taken)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        (base + count).initialize(to: d)
        count += 1
    }

    func updateLast(_ body: (inout EventDecoder.Decoded) -> Void) {
        guard count > taken else { return }
        body(&base[count - 1])
    }

    func takeNext() -> EventDecoder.Decoded? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (base + taken).move()
    }

    /// Empty again, keeping the buffer (the rest is destroyed).
    func reset() {
        (base + taken).deinitialize(count: count - taken)
        count = 0
        taken = 0
    }
}
