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
/// bytes of it were read, and hashes of the first and last 4 KiB of those
/// bytes. An edited, truncated, replaced or missing segment no longer
/// matches, and the snapshot is ignored.
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
///     fingerprints, event count, last seq, store problems, load issues,
///     symbol table, tickets (see SnapshotCodec.swift)
///
/// It is only a cache: any doubt (unknown version, other schema, checksum,
/// fingerprint or configuration mismatch, truncation) makes `read` fail,
/// and the caller replays the journal from the start.
public enum Snapshot {
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = Array("BSCDSNAP".utf8)
    static let headerSize = 8 + 4 + 8 + 8 + 8
    static let fingerprintBytes = 4096

    /// Whether this build can use snapshots at all (its codec covers every
    /// ticket field).
    public static var isUsable: Bool { SnapshotCodec.Schema.matchesTypes }

    // MARK: Writing

    /// Encodes a snapshot; the fingerprints are taken from the journal now.
    public static func encode(_ snap: ProjectionSnapshot, journal: Journal) throws -> [UInt8] {
        let prints = try fingerprints(journal, upTo: snap.cursor)
        var tickets = SnapshotWriter()
        tickets.out.reserveCapacity(snap.store.ticketCount * 200)
        tickets.int(snap.store.slots.count)
        for slot in snap.store.slots {
            if let t = slot {
                tickets.bool(true)
                SnapshotCodec.writeTicket(t, &tickets)
            } else {
                tickets.bool(false)
            }
        }
        var w = SnapshotWriter()
        w.out.reserveCapacity(tickets.out.count + 64 * 1024)
        w.str(snap.store.customerServices)
        let restricted = snap.store.restrictedQueueIDs.sorted()
        w.int(restricted.count)
        for q in restricted { w.str(q) }
        w.str(snap.cursor.segment)
        w.int64(snap.cursor.offset)
        w.int(snap.cursor.line)
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
        w.int(snap.issues.count)
        for i in snap.issues {
            w.str(i.file)
            w.int(i.line)
            w.str(i.reason)
        }
        w.int(tickets.symbolList.count)
        for s in tickets.symbolList { w.str(s) }
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
        let bytes = try encode(snap, journal: journal)
        let dir = parentDirectory(path)
        if mkdir(dir, directoryMode) != 0 && errno != EEXIST { throw SnapshotError("cannot create \(dir): \(errnoText())") }
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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SnapshotError(errno == ENOENT ? "no snapshot" : "cannot open \(path): \(errnoText())") }
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
        return try decode(all, journal: journal, customerServices: customerServices, restrictedQueues: restrictedQueues) { upTo in
            let end = (upTo / page) * page
            if end > 0 { _ = madvise(map, end, MADV_DONTNEED) }
        }
    }

    public static func decode(_ all: UnsafeRawBufferPointer, journal: Journal, customerServices: String, restrictedQueues: Set<String>,
                              release: ((Int) -> Void)? = nil) throws(SnapshotError) -> ProjectionSnapshot {
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
        release?(all.count)

        var r = SnapshotReader(body)
        guard try r.str() == customerServices else { throw SnapshotError("customer services queue changed") }
        var restricted = Set<String>()
        for _ in 0..<(try r.count()) { restricted.insert(try r.str()) }
        guard restricted == restrictedQueues else { throw SnapshotError("restricted queues changed") }
        let cursor = JournalCursor(segment: try r.str(), offset: try r.int64(), line: try r.int())
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
        var issues: [LoadIssue] = []
        for _ in 0..<(try r.count()) { issues.append(LoadIssue(file: try r.str(), line: try r.int(), reason: try r.str())) }
        let nSymbols = try r.count()
        var symbols: [String] = []
        symbols.reserveCapacity(nSymbols)
        for _ in 0..<nSymbols { symbols.append(try r.str()) }
        r.symbols = symbols
        let nSlots = try r.count()
        var slots: [Ticket?] = []
        slots.reserveCapacity(nSlots + nSlots / 8 + 1024)
        for k in 0..<nSlots {
            if k & 4095 == 4095 { release?(headerSize + r.i) }
            if try r.bool() {
                let t = try SnapshotCodec.readTicket(&r)
                guard t.ref.number == slots.count + 1 else { throw SnapshotError("ticket out of place") }
                slots.append(t)
            } else {
                slots.append(nil)
            }
        }
        guard r.atEnd else { throw SnapshotError("trailing bytes") }
        let store = TicketStore(restoring: slots, eventCount: eventCount, lastSeq: lastSeq, problems: problems,
                                customerServices: customerServices, restrictedQueues: restrictedQueues, interned: symbols)
        return ProjectionSnapshot(store: store, cursor: cursor, issues: issues)
    }

    // MARK: Fingerprints

    /// Fingerprints of every segment up to and including the cursor's: the
    /// cursor's segment up to the cursor (it may have grown since: appends),
    /// the others whole (a sealed segment that grew or shrank no longer
    /// matches).
    static func fingerprints(_ journal: Journal, upTo cursor: JournalCursor) throws -> [SegmentFingerprint] {
        guard !cursor.segment.isEmpty else { return [] }
        var out: [SegmentFingerprint] = []
        var buf = [UInt8](repeating: 0, count: fingerprintBytes)
        for name in try journal.segments() where name <= cursor.segment {
            let p = journal.path(name)
            let fd = try journal.fs.open(p, flags: O_RDONLY, mode: 0)
            defer { journal.fs.close(fd) }
            let actual = try journal.fs.size(fd, path: p)
            let covered: Int64
            if name == cursor.segment {
                guard actual >= cursor.offset else { out.append(SegmentFingerprint(name: name, size: actual, head: 0, tail: 0)); continue }
                covered = cursor.offset
            } else {
                covered = actual
            }
            func hash(at offset: Int64, count: Int) throws -> UInt64 {
                let n = try buf.withUnsafeMutableBytes { b throws(FileError) in
                    try journal.fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[0..<count]), offset: offset, path: p)
                }
                return buf.withUnsafeBytes { SnapshotHash.bytes(UnsafeRawBufferPointer(rebasing: $0[0..<max(0, n)])) }
            }
            let headCount = Int(min(Int64(fingerprintBytes), covered))
            let tailStart = max(0, covered - Int64(fingerprintBytes))
            out.append(SegmentFingerprint(name: name, size: covered,
                                          head: try hash(at: 0, count: headCount),
                                          tail: try hash(at: tailStart, count: Int(covered - tailStart))))
        }
        return out
    }

    static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
