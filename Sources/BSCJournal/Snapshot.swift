import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// A projection and where in the journal it was taken: what a snapshot holds.
public struct ProjectionSnapshot: Sendable {
    public var store: TicketStore
    public var cursor: JournalCursor
    public var issues: [LoadIssue]

    public init(store: TicketStore, cursor: JournalCursor, issues: [LoadIssue]) {
        self.store = store
        self.cursor = cursor
        self.issues = issues
    }
}

/// What a snapshot knows about one segment it covers: its name, how many
/// bytes of it were read, and (see `Snapshot.fingerprints`) for the
/// cursor's segment a hash of all those bytes and the chain hash at the
/// cursor, for an older one a hash of its identity. An edited (even to the
/// same length), truncated, replaced or missing segment no longer matches,
/// and the snapshot is ignored: the journal is replayed.
public struct SegmentFingerprint: Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var head: UInt64
    public var tail: UInt64
}

/// The projection snapshot: a cache of the `TicketStore` plus the
/// `JournalCursor` it reached, so that opening a large journal costs one
/// read of a compact file and a replay of only what was appended since.
///
/// File layout (all integers little-endian or LEB128):
///
///     "BSCDSNAP" | u32 format version | u64 schema hash | u64 body length
///     | u64 body checksum | body
///     body: customer-services queue, restricted queues, cursor, segment
///     fingerprints, event count, last seq, store problems, voided import
///     batches, load issues, symbol table, tickets (see SnapshotCodec.swift)
///
/// It is only a cache: any doubt (unknown version, other schema, checksum,
/// fingerprint or configuration mismatch, truncation) makes `read` fail,
/// and the caller replays the journal from the start.
public enum Snapshot {
    /// 2: tickets in independently decodable blocks with a length index.
    /// 3: the cursor carries the last valid seq and tickets count; the
    /// growing segment is fingerprinted by all its bytes and the chain
    /// hash at the cursor, older ones by their identity.
    /// 4: the voided import batches, after the store's problems.
    public static let formatVersion: UInt32 = 4
    /// Slots per block of the ticket section (recorded in the file).
    public static let blockSlots = 4096
    static let magic: [UInt8] = Array("BSCDSNAP".utf8)
    static let headerSize = 8 + 4 + 8 + 8 + 8
    static let fingerprintBytes = 4096

    /// Whether this build can use snapshots at all (its codec covers every
    /// ticket field).
    public static var isUsable: Bool { SnapshotCodec.Schema.matchesTypes }

    // MARK: Writing

    /// Encodes a snapshot; the fingerprints are taken from the journal now.
    public static func encode(_ snap: ProjectionSnapshot, journal: Journal, blockSlots: Int = Snapshot.blockSlots) throws -> [UInt8] {
        precondition(blockSlots > 0)
        let prints = try fingerprints(journal, upTo: snap.cursor)
        var tickets = SnapshotWriter()
        tickets.out.reserveCapacity(snap.store.ticketCount * 200)
        // Blocks of `blockSlots` slots, each decodable on its own thread.
        var blockLengths: [Int] = []
        var blockStart = 0
        for (k, slot) in snap.store.slots.enumerated() {
            if k > 0 && k % blockSlots == 0 {
                blockLengths.append(tickets.out.count - blockStart)
                blockStart = tickets.out.count
            }
            if let t = slot {
                tickets.bool(true)
                SnapshotCodec.writeTicket(t, &tickets)
            } else {
                tickets.bool(false)
            }
        }
        if !snap.store.slots.isEmpty { blockLengths.append(tickets.out.count - blockStart) }
        var w = SnapshotWriter()
        w.out.reserveCapacity(tickets.out.count + 64 * 1024)
        w.str(snap.store.customerServices)
        let restricted = snap.store.restrictedQueueIDs.sorted()
        w.int(restricted.count)
        for q in restricted { w.str(q) }
        w.str(snap.cursor.segment)
        w.int64(snap.cursor.offset)
        w.int(snap.cursor.line)
        w.int64(snap.cursor.lastSeq)
        w.int(snap.cursor.tickets)
        w.int(snap.cursor.undecoded)
        w.int(prints.count)
        for f in prints {
            w.str(f.name)
            w.int64(f.size)
            w.fixed64(f.head)
            w.fixed64(f.tail)
        }
        w.int(snap.store.eventCount)
        w.int64(snap.store.lastSeq)
        w.int(snap.store.problems.count)
        for p in snap.store.problems { w.str(p) }
        let voided = snap.store.voidedBatches.sorted()
        w.int(voided.count)
        for b in voided { w.str(b) }
        w.int(snap.issues.count)
        for i in snap.issues {
            w.str(i.file)
            w.int(i.line)
            w.str(i.reason)
        }
        w.int(tickets.symbolList.count)
        for s in tickets.symbolList { w.str(s) }
        w.int(snap.store.slots.count)
        w.int(blockSlots)
        w.int(blockLengths.count)
        for n in blockLengths { w.int(n) }
        w.out.append(contentsOf: tickets.out)

        var file = SnapshotWriter()
        file.out.reserveCapacity(w.out.count + headerSize)
        file.out.append(contentsOf: magic)
        withUnsafeBytes(of: formatVersion.littleEndian) { file.out.append(contentsOf: $0) }
        file.fixed64(SnapshotCodec.Schema.hash)
        file.fixed64(UInt64(w.out.count))
        file.fixed64(w.out.withUnsafeBytes { SnapshotHash.bytes($0) })
        file.out.append(contentsOf: w.out)
        return file.out
    }

    /// Writes a snapshot to `path` safely: a temp file in the same
    /// directory, fsynced, renamed over the old one, directory fsynced.
    public static func write(_ snap: ProjectionSnapshot, journal: Journal, to path: String, mode: mode_t = 0o600, directoryMode: mode_t = 0o700) throws {
        guard isUsable else { throw SnapshotError("the snapshot codec does not match the Ticket type") }
        try writeEncoded(try encode(snap, journal: journal), to: path, mode: mode, directoryMode: directoryMode)
    }

    /// Writes bytes from `encode` (the same safe sequence as `write`), for
    /// a caller that encodes first and writes later, off the critical path.
    public static func writeEncoded(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600, directoryMode: mode_t = 0o700) throws {
        let dir = parentDirectory(path)
        if mkdir(dir, directoryMode) != 0 && errno != EEXIST { throw SnapshotError("cannot create \(dir): \(errnoText())") }
        do { try SafeFile.checkDirectory(dir) } catch { throw SnapshotError("cannot write the snapshot: \(error)") }
        var rng = SystemRandomNumberGenerator()
        let tmp = dir + "/.snapshot-" + String(getpid()) + "-" + String(rng.next() as UInt32) + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SnapshotError("cannot create \(tmp): \(errnoText())") }
        var ok = false
        defer { if !ok { unlink(tmp) } }
        do {
            defer { close(fd) }
            _ = fchmod(fd, mode)
            let failed: Int32 = bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return n == 0 ? ENOSPC : errno }
                    done += n
                }
                return 0
            }
            guard failed == 0 else { throw SnapshotError("cannot write \(tmp): \(String(cString: strerror(failed)))") }
            guard fsync(fd) == 0 else { throw SnapshotError("cannot sync \(tmp): \(errnoText())") }
        }
        guard rename(tmp, path) == 0 else { throw SnapshotError("cannot rename \(tmp): \(errnoText())") }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    // MARK: Reading

    /// Reads and checks a snapshot against the journal as it is now and
    /// against the configuration the caller would build a store with.
    public static func read(from path: String, journal: Journal, customerServices: String, restrictedQueues: Set<String>) throws(SnapshotError) -> ProjectionSnapshot {
        guard isUsable else { throw SnapshotError("the snapshot codec does not match the Ticket type") }
        // Through the journal's file layer: a link or a FIFO planted as the
        // snapshot is refused (a FIFO would block the open for ever).
        let fd: Int32
        do {
            try SafeFile.checkDirectory(parentDirectory(path))
            fd = try journal.fs.open(path, flags: O_RDONLY, mode: 0)
        } catch {
            throw SnapshotError(error.code == ENOENT ? "no snapshot" : "cannot use the snapshot: \(error)")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SnapshotError("cannot stat \(path)") }
        let size = Int(st.st_size)
        guard size >= headerSize else { throw SnapshotError("truncated header") }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw SnapshotError("cannot map \(path): \(errnoText())")
        }
        defer { munmap(map, size) }
        _ = madvise(map, size, MADV_SEQUENTIAL)
        let all = UnsafeRawBufferPointer(start: map, count: size)
        // Drop mapped pages already decoded, so the file does not add its
        // whole size to the peak RSS on top of the store it becomes.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base = UInt(bitPattern: map)
        return try decode(all, journal: journal, customerServices: customerServices, restrictedQueues: restrictedQueues) { range in
            let start = (range.lowerBound + page - 1) / page * page
            let end = range.upperBound / page * page
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: base + UInt(start)), end - start, MADV_DONTNEED) }
        }
    }

    /// `release` is told which byte ranges of `all` have been decoded (the
    /// reader drops those pages); it may be called from several threads.
    public static func decode(_ all: UnsafeRawBufferPointer, journal: Journal, customerServices: String, restrictedQueues: Set<String>,
                              release: (@Sendable (Range<Int>) -> Void)? = nil) throws(SnapshotError) -> ProjectionSnapshot {
        guard all.count >= headerSize, all.prefix(8).elementsEqual(magic) else { throw SnapshotError("not a bscdesk snapshot") }
        var h = SnapshotReader(all, at: 8)
        let version = UInt32(littleEndian: all.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == formatVersion else { throw SnapshotError("snapshot format \(version), this build reads \(formatVersion)") }
        h.i = 12
        guard try h.fixed64() == SnapshotCodec.Schema.hash else { throw SnapshotError("ticket fields changed since the snapshot was written") }
        let length = try h.fixed64()
        let checksum = try h.fixed64()
        guard length == UInt64(all.count - headerSize) else { throw SnapshotError("truncated or extended body") }
        let body = UnsafeRawBufferPointer(rebasing: all[headerSize...])
        guard SnapshotHash.bytes(body) == checksum else { throw SnapshotError("checksum mismatch") }

        var r = SnapshotReader(body)
        guard try r.str() == customerServices else { throw SnapshotError("customer services queue changed") }
        var restricted = Set<String>()
        for _ in 0..<(try r.count()) { restricted.insert(try r.str()) }
        guard restricted == restrictedQueues else { throw SnapshotError("restricted queues changed") }
        let cursor = JournalCursor(segment: try r.str(), offset: try r.int64(), line: try r.int(), lastSeq: try r.int64(), tickets: try r.int(),
                                   undecoded: try r.int())
        var prints: [SegmentFingerprint] = []
        for _ in 0..<(try r.count()) {
            prints.append(SegmentFingerprint(name: try r.str(), size: try r.int64(), head: try r.fixed64(), tail: try r.fixed64()))
        }
        let now: [SegmentFingerprint]
        do {
            now = try fingerprints(journal, upTo: cursor)
        } catch {
            throw SnapshotError("cannot fingerprint the journal: \(error)")
        }
        guard now == prints else { throw SnapshotError("the journal no longer matches the snapshot") }

        let eventCount = try r.int()
        let lastSeq = try r.int64()
        var problems: [String] = []
        for _ in 0..<(try r.count()) { problems.append(try r.str()) }
        var voided = Set<String>()
        for _ in 0..<(try r.count()) { voided.insert(try r.str()) }
        var issues: [LoadIssue] = []
        for _ in 0..<(try r.count()) { issues.append(LoadIssue(file: try r.str(), line: try r.int(), reason: try r.str())) }
        let nSymbols = try r.count()
        var symbols: [String] = []
        symbols.reserveCapacity(nSymbols)
        for _ in 0..<nSymbols { symbols.append(try r.str()) }
        r.symbols = symbols
        let nSlots = try r.count()
        // A size, not a count of what follows (`count()` would check it
        // against the bytes left, and refuse a small store's snapshot).
        let blockSlots = try r.int()
        guard blockSlots > 0, blockSlots <= 1 << 20 else { throw SnapshotError("bad block size") }
        let nBlocks = try r.count()
        guard nBlocks == (nSlots + blockSlots - 1) / blockSlots else { throw SnapshotError("block index does not match the slot count") }
        var lengths: [Int] = []
        lengths.reserveCapacity(nBlocks)
        for _ in 0..<nBlocks { lengths.append(try r.count()) }
        var starts: [Int] = []
        starts.reserveCapacity(nBlocks)
        var at = r.i
        for n in lengths {
            starts.append(at)
            at += n
        }
        guard at == body.count else { throw SnapshotError("block lengths do not add up to the body") }
        let threads = max(0, journal.parallelRead.threads - 1)
        let slots = try decodeBlocks(body, starts: starts, lengths: lengths, slots: nSlots, blockSlots: blockSlots, symbols: symbols,
                                     threads: threads) { range in
            release?((headerSize + range.lowerBound)..<(headerSize + range.upperBound))
        }
        let store = TicketStore(restoring: slots, eventCount: eventCount, lastSeq: lastSeq, problems: problems,
                                customerServices: customerServices, restrictedQueues: restrictedQueues, interned: symbols,
                                voidedBatches: voided)
        return ProjectionSnapshot(store: store, cursor: cursor, issues: issues)
    }

    /// Decodes the ticket blocks, on `threads` threads besides the caller,
    /// straight into the slots of one array.
    static func decodeBlocks(_ body: UnsafeRawBufferPointer, starts: [Int], lengths: [Int], slots nSlots: Int, blockSlots: Int,
                             symbols: [String], threads: Int,
                             release: @escaping @Sendable (Range<Int>) -> Void) throws(SnapshotError) -> [Ticket?] {
        let job = BlockDecoding(body: body, starts: starts, lengths: lengths, slots: nSlots, blockSlots: blockSlots, symbols: symbols,
                                release: release)
        defer { job.failures.deallocate() }
        do {
            return try [Ticket?](unsafeUninitializedCapacity: nSlots + nSlots / 8 + 1024) { buffer, count in
                job.out = buffer.baseAddress!
                parallelForEach(starts.count, threads: threads) { k in job.decode(block: k) }
                let failed = (0..<starts.count).compactMap { job.failures[$0] }
                if let first = failed.first {
                    // Blocks that failed have cleaned up after themselves.
                    for k in 0..<starts.count where job.failures[k] == nil {
                        let (a, b) = job.slotRange(k)
                        (buffer.baseAddress! + a).deinitialize(count: b - a)
                    }
                    count = 0
                    throw first
                }
                count = nSlots
            }
        } catch let e as SnapshotError {
            throw e
        } catch {
            throw SnapshotError("\(error)")
        }
    }

    // MARK: Fingerprints

    /// Fingerprints of every segment up to and including the cursor's.
    /// The cursor's segment (the one still growing) is hashed whole up to
    /// the cursor, so a same-length edit of any line in it is caught, and
    /// its `tail` holds the chain hash of the line just before the cursor,
    /// tying the snapshot to a position in the chain. Older segments are
    /// no longer written: their identity (device, inode, size and change
    /// time, which any write moves and `touch` cannot set back) stands for
    /// their bytes, without reading them again.
    static func fingerprints(_ journal: Journal, upTo cursor: JournalCursor) throws -> [SegmentFingerprint] {
        guard !cursor.segment.isEmpty else { return [] }
        var out: [SegmentFingerprint] = []
        for name in try journal.segments() where name <= cursor.segment {
            let p = journal.path(name)
            let fd = try journal.fs.open(p, flags: O_RDONLY, mode: 0)
            defer { journal.fs.close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw FileError("stat", p, errno) }
            let actual = Int64(st.st_size)
            guard name == cursor.segment else {
                var id = [UInt64(st.st_dev), UInt64(st.st_ino), UInt64(bitPattern: Int64(st.st_ctim.tv_sec)), UInt64(st.st_ctim.tv_nsec)]
                let identity = id.withUnsafeMutableBytes { SnapshotHash.bytes(UnsafeRawBufferPointer($0)) }
                out.append(SegmentFingerprint(name: name, size: actual, head: identity, tail: 0))
                continue
            }
            guard actual >= cursor.offset else { out.append(SegmentFingerprint(name: name, size: actual, head: 0, tail: 0)); continue }
            out.append(SegmentFingerprint(name: name, size: cursor.offset,
                                          head: try contentHash(journal, fd, p, upTo: cursor.offset),
                                          tail: try chainHashBefore(journal, fd, p, offset: cursor.offset)))
        }
        return out
    }

    /// One hash over the first `limit` bytes, read 1 MiB at a time.
    static func contentHash(_ journal: Journal, _ fd: Int32, _ p: String, upTo limit: Int64) throws -> UInt64 {
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var blocks: [UInt64] = []
        var offset: Int64 = 0
        while offset < limit {
            let want = Int(min(Int64(buf.count), limit - offset))
            let n = try buf.withUnsafeMutableBytes { b throws(FileError) in
                try journal.fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[0..<want]), offset: offset, path: p)
            }
            if n <= 0 { break }
            blocks.append(buf.withUnsafeBytes { SnapshotHash.bytes(UnsafeRawBufferPointer(rebasing: $0[0..<n])) })
            offset += Int64(n)
        }
        blocks.append(UInt64(bitPattern: offset))
        return blocks.withUnsafeBytes { SnapshotHash.bytes($0) }
    }

    /// The chain hash (`h`) of the line ending just before `offset`, as a
    /// number (its first 16 hex digits), or 0.
    static func chainHashBefore(_ journal: Journal, _ fd: Int32, _ p: String, offset: Int64) throws -> UInt64 {
        guard offset >= 70 else { return 0 }
        var tail = [UInt8](repeating: 0, count: 69)
        _ = try tail.withUnsafeMutableBytes { b throws(FileError) in try journal.fs.pread(fd, b, offset: offset - 69, path: p) }
        // …,"h":"<64 hex>"}\n
        guard tail[66] == 34, tail[67] == 125, tail[68] == 10 else { return 0 }
        return UInt64(String(decoding: tail[2..<18], as: UTF8.self), radix: 16) ?? 0
    }

    static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// One snapshot decode's shared state: each block is decoded by one thread
/// into its own slots of `out` and records its own failure.
private final class BlockDecoding: @unchecked Sendable {
    let body: UnsafeRawBufferPointer
    let starts: [Int]
    let lengths: [Int]
    let nSlots: Int
    let blockSlots: Int
    let symbols: [String]
    let release: @Sendable (Range<Int>) -> Void
    var out: UnsafeMutablePointer<Ticket?>!
    let failures: UnsafeMutablePointer<SnapshotError?>

    init(body: UnsafeRawBufferPointer, starts: [Int], lengths: [Int], slots: Int, blockSlots: Int, symbols: [String],
         release: @escaping @Sendable (Range<Int>) -> Void) {
        self.blockSlots = blockSlots
        self.body = body
        self.starts = starts
        self.lengths = lengths
        self.nSlots = slots
        self.symbols = symbols
        self.release = release
        failures = .allocate(capacity: max(1, starts.count))
        failures.initialize(repeating: nil, count: max(1, starts.count))
    }

    func slotRange(_ k: Int) -> (Int, Int) {
        let first = k * blockSlots
        return (first, min(nSlots, first + blockSlots))
    }

    func decode(block k: Int) {
        let (first, end) = slotRange(k)
        let bytes = starts[k]..<(starts[k] + lengths[k])
        var r = SnapshotReader(UnsafeRawBufferPointer(rebasing: body[bytes]))
        r.symbols = symbols
        var done = first
        do {
            while done < end {
                var slot: Ticket? = nil
                if try r.bool() {
                    let t = try SnapshotCodec.readTicket(&r)
                    guard t.ref.number == done + 1 else { throw SnapshotError("ticket out of place") }
                    slot = t
                }
                (out + done).initialize(to: slot)
                done += 1
            }
            guard r.atEnd else { throw SnapshotError("trailing bytes in block \(k)") }
        } catch {
            (out + first).deinitialize(count: done - first)
            failures[k] = (error as? SnapshotError) ?? SnapshotError("\(error)")
            return
        }
        release(bytes)
    }
}
