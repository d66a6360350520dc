import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// A shared store this journal is a local copy of (the PostgreSQL store,
/// docs/postgresql.md). With one set, the journal's files hold exactly the
/// store's lines, byte for byte, in the segments an export would write;
/// appends are made in the store (which stamps them under its own lock)
/// and copied down, so everything that reads files reads the shared
/// journal.
/// An upstream store's error that can leave an append's outcome unknown:
/// the connection broke after the commit was sent, so the events may or
/// may not be stored. Resending them (the same ids) is safe: the store
/// answers with what it holds. Commands exit 75 (EX_TEMPFAIL) for it, not
/// 74 ("nothing saved").
public protocol AppendOutcomeError: Error, CustomStringConvertible {
    var outcomeUnknown: Bool { get }
}

public protocol JournalUpstream: AnyObject, Sendable {
    /// Every line after position `seq`, oldest first, exactly as stored
    /// (without its newline). Positions are gap-free.
    func lines(after seq: Int64, _ line: (Int64, [UInt8]) throws -> Void) throws
    /// Appends as `EventStore.append` does (a retry with stored ids gets
    /// the stored events back).
    func append(_ events: [Event], expected: Int64) throws -> [Event]
    /// `append` on a copy whose last line is the store's at `head`: stored
    /// only if the store's head is that very line (position and hash),
    /// else `.conflict`. With the events it stored now, the stamped lines,
    /// so the copy writes them down without reading them back; nil when
    /// it cannot give them (the events were stored before, or the store
    /// does not say).
    func append(_ events: [Event], onto head: StoreHead) throws -> (events: [Event], stamped: EventStamping.Stamped?)
    /// The stored event with this id, if any (a resent request's answer).
    func storedEvent(id: String) throws -> Event?
    /// The store's newest stamp.
    func head() throws -> StoreHead
    /// Commits the appends the store holds open (a store that groups
    /// them into one transaction); throws if their outcome is unknown.
    func commitHeld() throws
    /// Asks the store to hold its appends open until `commitHeld()` (one
    /// transaction for a group); false if it commits each append itself.
    func holdCommits() -> Bool
}

extension JournalUpstream {
    /// A store that commits each append as it is made holds nothing.
    public func commitHeld() throws {}
    public func holdCommits() -> Bool { false }
    public func append(_ events: [Event], onto head: StoreHead) throws -> (events: [Event], stamped: EventStamping.Stamped?) {
        (try append(events, expected: head.seq), nil)
    }
}

/// Where this copy is known to end on the store: its last line is the
/// store's line at `seq` (with `hash`), and its newest segment is
/// `segment`, `size` bytes long. Set by this journal's own pulls and
/// appends (a server is its copy's only writer); forgotten when a group's
/// commit or sync fails. While the files still end there, a catch-up asks
/// the store only for its head, and an append chains on the mark, copying
/// its own stamped lines down, without reading or decoding anything back.
struct UpstreamMark: Sendable, Equatable {
    var seq: Int64
    var hash: String
    var segment: String
    var size: Int64
}

extension Journal {
    /// Copies what the upstream store has beyond this journal's last line;
    /// returns how many lines it copied. Refuses a journal that is not a
    /// copy of the store (its last line differs from the store's line at
    /// that position, or the store is behind it).
    @discardableResult
    public func pullUpstream() throws -> Int {
        guard let upstream else { return 0 }
        try ensureDirectory()
        let lockPath = path(Self.lockName)
        let lockFd = try openCreatingLock(lockPath)
        defer { fs.close(lockFd) }
        try acquireLock(lockFd, lockPath)
        defer { fs.unlock(lockFd) }
        if let mark = try markedEnd() {
            // Nothing appended since this server's last look: no lines to
            // read (the common case, one small query).
            let head = try upstream.head()
            if head.seq == mark.seq && head.hash == mark.hash { return 0 }
        }
        return try pullLocked(upstream, through: Int64.max)
    }

    /// The mark, if the copy's files still end where it says.
    func markedEnd() throws -> UpstreamMark? {
        guard let mark = markLock.locked({ upstreamMark }) else { return nil }
        guard let end = try localEnd(), end.segment == mark.segment, end.size == mark.size else {
            forgetUpstreamMark()
            return nil
        }
        return mark
    }

    func setUpstreamMark(seq: Int64, hash: String) throws {
        let end = try localEnd()
        markLock.locked { upstreamMark = end.map { UpstreamMark(seq: seq, hash: hash, segment: $0.segment, size: $0.size) } }
    }

    func forgetUpstreamMark() {
        markLock.locked { upstreamMark = nil }
    }

    /// The newest segment and its size.
    private func localEnd() throws -> (segment: String, size: Int64)? {
        guard let last = try segments().last else { return nil }
        let p = path(last)
        let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
        defer { fs.close(fd) }
        return (last, try fs.size(fd, path: p))
    }

    /// `pullUpstream` with the lock held, up to position `through`.
    @discardableResult
    func pullLocked(_ upstream: any JournalUpstream, through: Int64) throws -> Int {
        forgetUpstreamMark()
        let local = try readTail(try segments())
        var pending: [(segment: String, bytes: [UInt8])] = []
        var checked = local.seq == 0
        var copied = 0
        var last = (seq: local.seq, hash: local.hash)
        let decoder = EventDecoder()
        struct Done: Error {}
        struct Diverged: Error {}
        do {
            try upstream.lines(after: max(0, local.seq - 1)) { seq, line in
                let d: EventDecoder.Decoded
                do { d = try decoder.decode(line) } catch {
                    throw JournalError.rejected("the shared store's line at position \(seq) does not decode (\(error)); nothing was copied")
                }
                if !checked {
                    guard seq == local.seq, d.hash == local.hash else { throw Diverged() }
                    checked = true
                    return
                }
                if seq > through { throw Done() }
                let segment = Self.segmentName(for: d.event.at)
                if pending.last?.segment != segment { pending.append((segment, [])) }
                pending[pending.count - 1].bytes += line
                pending[pending.count - 1].bytes.append(10)
                copied += 1
                last = (seq, d.hash ?? "")
            }
        } catch is Done {
        } catch is Diverged {
            // A group this server wrote but never committed (killed before
            // its COMMIT), on whose positions other servers appended since.
            if try setAsideUncommitted(upstream, localSeq: local.seq) { return try pullLocked(upstream, through: through) }
            throw JournalError.rejected("\(directory) is not a copy of the shared store: its last line (seq \(local.seq)) differs from the store's; give this server a new, empty data directory with the configuration file only")
        }
        if !checked {
            // The store is behind this copy. After a failover that is
            // expected: a commit is visible on the old primary before its
            // synchronous standby confirms it, so this server may have
            // copied lines that never reached the standby, and that no
            // append was ever acknowledged for. If the copy holds the
            // store's newest line, the lines after it go aside; anything
            // else is another store.
            let head = try upstream.head()
            if head.seq < local.seq, try setAsideBeyond(seq: head.seq, hash: head.hash) { return try pullLocked(upstream, through: through) }
            throw JournalError.rejected("\(directory) holds \(local.seq) events but the shared store only \(head.seq), and its line at \(head.seq) is not the store's: this data directory belongs to another store; nothing was copied")
        }
        _ = try writeCopied(pending)
        try setUpstreamMark(seq: last.seq, hash: last.hash)
        return copied
    }

    /// Appends the store's lines to the copy's segments; returns each
    /// segment's size before.
    private func writeCopied(_ pending: [(segment: String, bytes: [UInt8])]) throws -> [Int64] {
        var before: [Int64] = []
        for (segment, bytes) in pending {
            let p = path(segment)
            let isNew = !fs.exists(p)
            let fd = try fs.open(p, flags: O_WRONLY | O_CREAT | O_APPEND, mode: fileMode)
            defer { fs.close(fd) }
            if isNew { try? fs.fchmod(fd, mode: fileMode, path: p) }
            before.append(try fs.size(fd, path: p))
            try writeAll(fd, bytes, path: p)
            // A server (`defersSync`) syncs its copy with the group.
            if !deferSync(fd, path: p) { try fs.fdatasync(fd, path: p) }
            if isNew {
                let dfd = try fs.open(directory, flags: O_RDONLY | O_DIRECTORY, mode: 0)
                defer { fs.close(dfd) }
                try fs.fsync(dfd, path: directory)
            }
        }
        return before
    }

    /// Copies down lines the store just stamped on this copy's last line
    /// (`append(_:onto:)`), and moves `cursor` past them without reading
    /// them back when they all went into the segment it reads.
    private func writeOwn(_ stamped: EventStamping.Stamped, cursor: inout JournalCursor?, issues: ((LoadIssue) -> Void)?) throws {
        var pending: [(segment: String, bytes: [UInt8])] = []
        for (event, line) in zip(stamped.events, stamped.lines) {
            let segment = Self.segmentName(for: event.at)
            if pending.last?.segment != segment { pending.append((segment, [])) }
            pending[pending.count - 1].bytes += line
        }
        let before = try writeCopied(pending)
        let head = stamped.head
        try setUpstreamMark(seq: head.seq, hash: head.hash)
        guard var c = cursor else { return }
        if pending.count == 1, c.segment == pending[0].segment, c.offset == before[0], c.lastSeq + Int64(stamped.events.count) == head.seq {
            c.offset += Int64(pending[0].bytes.count)
            c.line += stamped.events.count
            c.lastSeq = head.seq
            c.tickets = head.tickets
            c.undecoded = 0
            lastWritten = (c, JournalTail(seq: head.seq, tickets: head.tickets, hash: head.hash, at: head.at))
        } else {
            _ = try catchUp(&c, follow: nil, issues: issues)
        }
        cursor = c
    }

    /// `append` with an upstream store: catch up from the store, build the
    /// events on its head, append them there, copy the stored lines down.
    /// When another server appended first, the events are built again (on
    /// the new head, with the same ids).
    func appendThroughUpstream(
        _ upstream: any JournalUpstream,
        cursor: inout JournalCursor?,
        follow: ((Event) -> Void)?,
        issues: ((LoadIssue) -> Void)?,
        make: (JournalTail) throws -> [Event]
    ) throws -> AppendReport {
        try ensureDirectory()
        let lockPath = path(Self.lockName)
        let lockFd = try openCreatingLock(lockPath)
        defer { fs.close(lockFd) }
        try acquireLock(lockFd, lockPath)
        defer { fs.unlock(lockFd) }
        var firstIds: [String]? = nil
        func tailOfCopy() throws -> JournalTail {
            guard var c = cursor else { return try readTail(try segments()) }
            defer { cursor = c }
            return try catchUp(&c, follow: follow, issues: issues)
        }
        for attempt in 0..<100 {
            // The first try chains on the mark if the copy is where this
            // server left it: the store's head lock then says whether
            // another server appended since (a conflict, and a full pull).
            var tail: JournalTail
            if attempt == 0, let mark = try markedEnd() {
                tail = try tailOfCopy()
                if tail.seq != mark.seq || tail.hash != mark.hash {
                    try pullLocked(upstream, through: Int64.max)
                    tail = try tailOfCopy()
                }
            } else {
                try pullLocked(upstream, through: Int64.max)
                tail = try tailOfCopy()
            }
            var made = try make(tail)
            if made.isEmpty { return AppendReport(events: []) }
            // The same ids on every try: a client's id must reach the store.
            if let ids = firstIds {
                for i in made.indices where i < ids.count { made[i].id = ids[i] }
            } else {
                firstIds = made.map(\.id)
            }
            let stored: [Event]
            let stamped: EventStamping.Stamped?
            do {
                (stored, stamped) = try upstream.append(made, onto: tail.storeHead)
            } catch EventStoreError.conflict {
                continue
            }
            guard let first = stored.first, let last = stored.last, first.seq > tail.seq else {
                // Saved by an earlier try whose answer was lost: already
                // copied and folded.
                throw JournalError.rejected("these events were saved earlier (seq \(stored.first?.seq ?? 0)); nothing new was saved")
            }
            if let stamped {
                // Stamped on our last line under the store's head lock:
                // exactly what the store now holds after it.
                try writeOwn(stamped, cursor: &cursor, issues: issues)
                return AppendReport(events: stored)
            }
            // Only our own lines: a later server's are copied (and
            // folded, in order) by the next catch-up.
            try pullLocked(upstream, through: last.seq)
            if var c = cursor {
                _ = try catchUp(&c, follow: nil, issues: issues)
                cursor = c
            }
            return AppendReport(events: stored)
        }
        throw JournalError.rejected("the shared journal kept moving on while this server tried to append (100 tries); nothing was saved")
    }

    /// The store has other lines than this copy at its last positions: the
    /// copy's were written by this server inside a group transaction that
    /// never committed (so never acknowledged). Finds the newest local line
    /// the store has too (same position and hash), at most
    /// `uncommittedLimit` back, and sets aside the lines after it; false if
    /// there is none (then this is another store's copy).
    func setAsideUncommitted(_ upstream: any JournalUpstream, localSeq: Int64) throws -> Bool {
        let from = max(0, localSeq - Self.uncommittedLimit)
        let decoder = EventDecoder()
        var storeHashes: [Int64: String] = [:]
        struct Done: Error {}
        do {
            try upstream.lines(after: from) { seq, line in
                if seq > localSeq { throw Done() }
                if let h = (try? decoder.decode(line))?.hash { storeHashes[seq] = h }
            }
        } catch is Done {}
        var best: (seq: Int64, hash: String)? = nil
        for segment in try segments().reversed() {
            let bytes = try SafeFile.read(path(segment), limit: Int.max)
            var start = 0
            var reachedFrom = false
            for (i, b) in bytes.enumerated() where b == 10 {
                if let d = try? decoder.decode(Array(bytes[start..<i])), let h = d.hash {
                    let seq = d.event.seq
                    if seq <= from { reachedFrom = true }
                    if storeHashes[seq] == h, seq > (best?.seq ?? -1) { best = (seq, h) }
                }
                start = i + 1
            }
            if best != nil || reachedFrom { break }
        }
        guard let best else { return false }
        return try setAsideBeyond(seq: best.seq, hash: best.hash)
    }

    /// How far back a copy's uncommitted lines are looked for: more than
    /// one group of requests ever holds.
    static let uncommittedLimit: Int64 = 10_000

    /// Moves every local line after position `seq` to
    /// `torn/beyond-store-SEQ.jsonl` if the local line at `seq` is the
    /// store's (same hash); true if it did.
    func setAsideBeyond(seq: Int64, hash storeHash: String) throws -> Bool {
        forgetUpstreamMark()
        // Find the byte just after the local line at `seq`.
        let decoder = EventDecoder()
        var cut: (segment: String, offset: Int)? = nil
        var localHash = StoreHead.genesisHash
        let all = try segments()
        outer: for segment in all {
            let bytes = try SafeFile.read(path(segment), limit: Int.max)
            var start = 0
            for (i, b) in bytes.enumerated() where b == 10 {
                if let d = try? decoder.decode(Array(bytes[start..<i])), d.event.seq <= seq {
                    localHash = d.hash ?? ""
                    if d.event.seq == seq {
                        cut = (segment, i + 1)
                        break outer
                    }
                }
                start = i + 1
            }
        }
        if seq == 0, let first = all.first { cut = (first, 0) }
        guard let cut, localHash == storeHash else { return false }
        try fs.makeDirectory(path("torn"), mode: directoryMode)
        try SafeFile.checkDirectory(path("torn"))
        let side = path("torn/beyond-store-\(seq).jsonl")
        let sfd = try fs.open(side, flags: O_WRONLY | O_CREAT | O_APPEND, mode: fileMode)
        defer { fs.close(sfd) }
        guard let from = all.firstIndex(of: cut.segment) else { return false }
        for (k, segment) in all[from...].enumerated() {
            let bytes = try SafeFile.read(path(segment), limit: Int.max)
            let keep = k == 0 ? cut.offset : 0
            if bytes.count > keep { try writeAll(sfd, Array(bytes[keep...]), path: side) }
        }
        try fs.fsync(sfd, path: side)
        for (k, segment) in all[from...].enumerated() {
            let fd = try fs.open(path(segment), flags: O_WRONLY, mode: 0)
            defer { fs.close(fd) }
            try fs.ftruncate(fd, size: Int64(k == 0 ? cut.offset : 0), path: path(segment))
            try fs.fdatasync(fd, path: path(segment))
        }
        return true
    }

    private func openCreatingLock(_ p: String) throws -> Int32 {
        let existed = fs.exists(p)
        let fd = try fs.open(p, flags: O_RDWR | O_CREAT, mode: fileMode)
        if !existed { try? fs.fchmod(fd, mode: fileMode, path: p) }
        return fd
    }

    private func acquireLock(_ fd: Int32, _ lockPath: String) throws {
        guard try fs.lock(fd, path: lockPath, timeoutSeconds: lockTimeoutSeconds) else {
            throw JournalError.locked(path: lockPath, waitedSeconds: lockTimeoutSeconds)
        }
    }
}
