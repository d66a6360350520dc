import BSCCore
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Where a reader has got to: the next unread byte of a segment.
public struct JournalCursor: Sendable, Equatable {
    public var segment: String
    public var offset: Int64
    /// Complete lines consumed in `segment` (for file:line reports).
    public var line: Int
    /// `seq` and `tickets` of the last valid event read: the next must
    /// follow them (`chainProblem`). 0 at the start of the journal; -1 when
    /// unknown (a cursor made up mid-journal: the first event sets them).
    public var lastSeq: Int64
    public var tickets: Int
    /// Lines since the last valid event that did not decode: each may have
    /// been an event (damaged later), so the next may skip that many.
    public var undecoded: Int

    public init(segment: String = "", offset: Int64 = 0, line: Int = 0, lastSeq: Int64 = -1, tickets: Int = 0, undecoded: Int = 0) {
        self.segment = segment
        self.offset = offset
        self.line = line
        self.lastSeq = lastSeq
        self.tickets = tickets
        self.undecoded = undecoded
        // The very start of the journal: numbering begins at seq 1.
        if segment.isEmpty && offset == 0 && lastSeq < 0 { self.lastSeq = 0 }
    }

    /// The same numbering position at the start of another segment.
    func starting(_ segment: String) -> JournalCursor {
        JournalCursor(segment: segment, offset: 0, line: 0, lastSeq: lastSeq, tickets: tickets, undecoded: undecoded)
    }

    /// Why `d` cannot follow the last valid event, or nil. Its `seq` must
    /// be the previous one + 1, and `tickets` the previous count, or one
    /// more on the event that opens that very ticket (both may skip one
    /// per undecodable line in between). A few integer compares per event,
    /// on the replay's hot path; nothing here can trap.
    @inline(__always)
    public func chainProblem(_ d: EventDecoder.Decoded) -> String? {
        if lastSeq < 0 { return nil }
        let seq = d.event.seq
        let gap = Int64(undecoded)
        if seq <= lastSeq || seq > lastSeq &+ 1 &+ gap {
            return "sequence \(seq) where \(lastSeq &+ 1) was expected (a forged, repeated or misplaced line); skipped"
        }
        if case .opened = d.event.body {
            if d.tickets <= tickets || d.tickets > tickets &+ 1 &+ undecoded || d.event.ref.number != d.tickets {
                return "opens \(d.event.ref) with \"tickets\": \(d.tickets) where \(tickets &+ 1) was expected (a forged or misplaced line); skipped"
            }
        } else if d.tickets < tickets || d.tickets > tickets &+ undecoded {
            return "\"tickets\": \(d.tickets) where \(tickets) was expected (a forged or misplaced line); skipped"
        }
        return nil
    }

    mutating func follow(_ d: EventDecoder.Decoded) {
        lastSeq = d.event.seq
        tickets = d.tickets
        undecoded = 0
    }
}

/// What the last event in the journal says, for assigning the next ones.
public struct JournalTail: Sendable, Equatable {
    public var seq: Int64
    public var tickets: Int
    public var hash: String
    /// The last event's `ts`: the next is never stamped before it.
    public var at: Instant

    public init(seq: Int64, tickets: Int, hash: String, at: Instant = Instant(millis: 0)) {
        self.seq = seq
        self.tickets = tickets
        self.hash = hash
        self.at = at
    }

    public static let genesisHash = StoreHead.genesisHash
    public static let empty = JournalTail(seq: 0, tickets: 0, hash: genesisHash)

    public var storeHead: StoreHead { StoreHead(seq: seq, tickets: tickets, hash: hash, at: at) }

    /// The reference a new ticket gets if opened now.
    public var nextRef: TicketRef { TicketRef(tickets + 1) }
}

/// What an append did besides saving.
public struct AppendReport: Sendable {
    public var events: [Event]
    /// A torn last line left by a crashed writer, moved to this side file.
    public var repairedFragment: String?
    /// A last line that lacked only its newline (a whole event chained on
    /// the line before: it may have been acknowledged), completed in
    /// place: `file:line`.
    public var completedLine: String? = nil
}

/// The event journal: JSON-lines segment files `YYYY-MM.jsonl` (UTC month of
/// writing) in one directory, a lock file, and a `torn/` folder for
/// fragments that crashed writers left behind. See docs/journal-format.md.
public final class Journal: @unchecked Sendable {
    public let directory: String
    public let fs: FileLayer
    public var lockTimeoutSeconds: Double
    /// Mode for new files: 0600, or 0660 in group-shared mode.
    public var fileMode: mode_t
    public var directoryMode: mode_t
    /// When a read asked to go parallel does so (see ParallelRead.swift).
    public var parallelRead = ParallelReadSettings()
    /// When set, `append` writes but leaves the fdatasync to
    /// `syncDeferred()`, and the caller must not acknowledge the events
    /// before that returns. The team server sets it: one sync then covers
    /// every append that arrived while the disk was busy (group commit).
    public var defersSync = false
    /// Segments written since the last `syncDeferred()`, each with a
    /// descriptor kept open from the write: a writeback error is reported
    /// to descriptors open when it happened, so a fresh open could miss it.
    private var unsynced: [String: Int32] = [:]
    private let unsyncedLock = PthreadLock()
    /// Files that must be as durable as each group's lines (the key store's
    /// new keys, `KeyStore.defersSync`): synced by `syncDeferred()` before
    /// the segments, and its failure fails the group.
    public var companionSync: (() throws(FileError) -> Void)?
    /// Where this journal's own last append left its cursor, and the tail
    /// it wrote: the next append with that cursor, finding nothing new,
    /// chains on it without reading the last line back.
    var lastWritten: (cursor: JournalCursor, tail: JournalTail)?
    let clock: Clock
    /// A shared store this journal copies (JournalUpstream.swift); nil for
    /// a journal that is the store itself.
    public var upstream: (any JournalUpstream)?
    /// Where this copy is known to end on the upstream store's line
    /// (`UpstreamMark`, JournalUpstream.swift); guarded by `markLock`.
    var upstreamMark: UpstreamMark?
    let markLock = PthreadLock()

    public static let segmentSuffix = ".jsonl"
    public static let lockName = ".lock"

    public init(directory: String, fs: FileLayer = PosixFileLayer(), clock: Clock, lockTimeoutSeconds: Double = 2.0,
                fileMode: mode_t = 0o600, directoryMode: mode_t = 0o700) {
        self.directory = directory
        self.fs = fs
        self.clock = clock
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.fileMode = fileMode
        self.directoryMode = directoryMode
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Segment file names in order: regular files named `YYYY-MM.jsonl`
    /// for a real month (see `skippedEntries`).
    public func segments() throws(FileError) -> [String] { try scan().segments }

    /// Entries of the journal directory that claim to be segments but are
    /// not used (a link, directory or FIFO named like a segment, a name
    /// that is no real month such as `2026-13.jsonl`), and segments named
    /// for a month after the current one: those are read but never
    /// written into, so a planted `2099-01.jsonl` cannot capture every new
    /// event. Reported with line 0.
    public func skippedEntries() throws(FileError) -> [LoadIssue] {
        let (_, skipped) = try scan()
        let current = Self.segmentName(for: clock.now())
        return try skipped + segments().filter { $0 > current }.map {
            LoadIssue(file: $0, line: 0, reason: "is named for a month after the current one (\(current.prefix(7))): read, but never written into")
        }
    }

    func scan() throws(FileError) -> (segments: [String], skipped: [LoadIssue]) {
        try SafeFile.checkDirectory(directory)
        guard fs.exists(directory) else { return ([], []) }
        // The team server (`defersSync`) scans for every append: with many
        // months, checking every entry was a sixth of an append's CPU. Any
        // entry added, removed, renamed or replaced changes the folder's
        // mtime and ctime, so an unchanged folder has the same entries; a
        // stamp within two seconds of the scan is not trusted (timestamps
        // are coarse: a change in the same tick would not show).
        let stamp = defersSync ? DirectoryStamp(directory) : nil
        if let stamp, let (was, result) = scanLock.locked({ lastScan }), was == stamp { return result }
        let result = try scanEntries()
        if let stamp, stamp.settled { scanLock.locked { lastScan = (stamp, result) } }
        return result
    }

    private var lastScan: (DirectoryStamp, (segments: [String], skipped: [LoadIssue]))?
    private let scanLock = PthreadLock()

    private func scanEntries() throws(FileError) -> (segments: [String], skipped: [LoadIssue]) {
        var segments: [String] = []
        var skipped: [LoadIssue] = []
        for name in try fs.list(directory) where name.hasSuffix(Self.segmentSuffix) {
            guard Self.isSegmentName(name) else {
                skipped.append(LoadIssue(file: name, line: 0, reason: "is not a segment name (YYYY-MM.jsonl with a month 01-12); skipped"))
                continue
            }
            if let problem = fs.entryProblem(path(name)) {
                skipped.append(LoadIssue(file: name, line: 0, reason: problem + "; skipped"))
                continue
            }
            segments.append(name)
        }
        return (segments, skipped)
    }

    /// Exactly `YYYY-MM.jsonl` with a month from 01 to 12.
    static func isSegmentName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count == 13 && name.hasSuffix(segmentSuffix) && u[4] == 45
            && u[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }) && u[5..<7].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let month = Int(u[5] - 48) * 10 + Int(u[6] - 48)
        return month >= 1 && month <= 12
    }

    /// The segment an event stamped at `instant` belongs in (its UTC month).
    public static func segmentName(for instant: Instant) -> String {
        let d = CivilDateTime(utc: instant).date
        return pad4(d.year) + "-" + (d.month < 10 ? "0" : "") + String(d.month) + segmentSuffix
    }

    private static func pad4(_ v: Int) -> String {
        let s = String(v)
        return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
    }

    /// Creates the journal directory if missing; a link in its place is
    /// refused (every write would land somewhere else).
    public func ensureDirectory() throws(FileError) {
        try fs.makeDirectory(directory, mode: directoryMode)
        try SafeFile.checkDirectory(directory)
    }

    // MARK: - Appending

    /// Appends the events that `make` builds, following the protocol in
    /// docs/journal-format.md: lock, catch up, repair a torn tail, write in
    /// one call, roll back a short write, fdatasync, unlock. Only when this
    /// returns are the events saved.
    ///
    /// `follow`, if given, receives every event other processes appended
    /// since `cursor`, before `make` runs, so checks see the true state.
    /// `make` gets the tail (last seq, tickets issued, last hash) and returns
    /// events whose `seq` is filled in here; an opening event must use
    /// `tail.nextRef`, the next one `nextRef + 1`, and so on.
    public func append(
        cursor: inout JournalCursor?,
        follow: ((Event) -> Void)? = nil,
        issues: ((LoadIssue) -> Void)? = nil,
        make: (JournalTail) throws -> [Event]
    ) throws -> AppendReport {
        if let upstream { return try appendThroughUpstream(upstream, cursor: &cursor, follow: follow, issues: issues, make: make) }
        try ensureDirectory()
        let lockPath = path(Self.lockName)
        let lockFd = try openCreating(lockPath, flags: O_RDWR)
        defer { fs.close(lockFd) }
        try acquire(lockFd, lockPath)
        var locked = true
        defer { if locked { fs.unlock(lockFd) } }

        var repaired: String? = nil
        var completed: String? = nil
        let all = try segments()
        let target = Self.segmentName(for: clock.now())
        // A segment named for a later month is never written into (a
        // planted `2099-01.jsonl` would capture every event); one that
        // holds events means the clock went back: writing behind it would
        // put new lines before old ones, so nothing is written.
        for later in all where later > target {
            let p = path(later)
            let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
            let size = try fs.size(fd, path: p)
            fs.close(fd)
            if size > 0 {
                throw JournalError.rejected("the journal has events in \(later), a month after the current one (\(target.prefix(7))): the system clock is behind, or the file was planted; nothing was saved. Fix the clock, or move \(later) out of the journal")
            }
        }
        let existing = all.filter { $0 <= target }
        if let newest = existing.last {
            (repaired, completed) = try repairTornTail(newest)
        }

        let tail: JournalTail
        if var c = cursor {
            tail = try catchUp(&c, follow: follow, issues: issues, segments: all)
            cursor = c
        } else {
            tail = try readTail(existing)
        }

        // Numbers come from the file: a forged tail must not make the
        // arithmetic below (or `nextRef` in `make`) trap.
        guard tail.seq >= 0, tail.seq < Int64.max / 2, tail.tickets >= 0, tail.tickets < Int.max / 2 else {
            throw JournalError.rejected("the journal's last line claims seq \(tail.seq) and \(tail.tickets) tickets, which no journal reaches: it is forged or damaged; nothing was saved. Run 'bscdesk doctor'")
        }
        let made = try make(tail)
        if made.isEmpty { return AppendReport(events: [], repairedFragment: repaired, completedLine: completed) }
        // seq, ts, the reference counter and the hash are stamped here,
        // under the lock, by the rules every store shares.
        let stamped = try EventStamping.stamp(made, onto: tail.storeHead, now: clock.now())
        let events = stamped.events
        var buffer: [UInt8] = []
        buffer.reserveCapacity(stamped.lines.reduce(0) { $0 + $1.count })
        for line in stamped.lines { buffer.append(contentsOf: line) }

        let segPath = path(target)
        let isNew = !existing.contains(target)
        let fd = try openCreating(segPath, flags: O_RDWR | O_APPEND)
        defer { fs.close(fd) }
        if isNew { try syncDirectory() }
        let before = try fs.size(fd, path: segPath)
        let wrote: Int
        do {
            wrote = try buffer.withUnsafeBytes { raw throws(FileError) in try fs.write(fd, raw, path: segPath) }
        } catch let error as FileError {
            // A failed write may still have left bytes behind.
            try? fs.ftruncate(fd, size: before, path: segPath)
            throw JournalError.writeFailed(error)
        }
        if wrote != buffer.count {
            do {
                try fs.ftruncate(fd, size: before, path: segPath)
            } catch {
                throw JournalError.outcomeUnknown(error)
            }
            throw JournalError.shortWrite(path: segPath, wrote: wrote, of: buffer.count)
        }
        var advanced = cursor
        if var c = advanced {
            // Our own lines are consumed; the caller folds the returned events.
            if c.segment != target { c = JournalCursor(segment: target, offset: before, line: try lineCount(segPath, upTo: before)) }
            c.offset = before + Int64(buffer.count)
            c.line += events.count
            c.lastSeq = stamped.head.seq
            c.tickets = stamped.head.tickets
            advanced = c
            lastWritten = (c, JournalTail(seq: stamped.head.seq, tickets: stamped.head.tickets, hash: stamped.head.hash, at: stamped.head.at))
        } else {
            lastWritten = nil
        }
        // The lines are complete in the file: the next writer may chain on
        // them now. The sync runs outside the lock, so concurrent writers'
        // syncs overlap (one journal commit can carry several) instead of
        // queueing behind each other; the acknowledgement still waits for
        // our own fdatasync, which also covers every line before ours.
        fs.unlock(lockFd)
        locked = false
        if !deferSync(fd, path: segPath) {
            do {
                try fs.fdatasync(fd, path: segPath)
            } catch {
                throw JournalError.outcomeUnknown(error)
            }
        }
        cursor = advanced
        return AppendReport(events: events, repairedFragment: repaired, completedLine: completed)
    }

    /// With `defersSync`, keeps a descriptor of `path` (just written
    /// through `fd`) for `syncDeferred()` and returns true; false when the
    /// caller must sync now.
    func deferSync(_ fd: Int32, path segPath: String) -> Bool {
        defersSync && unsyncedLock.locked { () -> Bool in
            if unsynced[segPath] != nil { return true }
            let kept = dup(fd)
            guard kept >= 0 else { return false }  // out of descriptors: sync now
            unsynced[segPath] = kept
            return true
        }
    }

    /// Syncs every segment written since the last call (see `defersSync`),
    /// after committing what an upstream store holds open (its group
    /// transaction). Returns how many segments it synced. A failure means
    /// the appends since the last call may or may not be stored.
    @discardableResult
    public func syncDeferred() throws -> Int {
        var committed: Error? = nil
        if let companionSync {
            do { try companionSync() } catch { committed = JournalError.outcomeUnknown(error) }
        }
        if committed == nil, let upstream {
            do { try upstream.commitHeld() } catch { committed = error }
        }
        let pending = unsyncedLock.locked { () -> [String: Int32] in
            let p = unsynced
            unsynced = [:]
            return p
        }
        if let committed {
            for (_, fd) in pending { fs.close(fd) }
            // The copy may hold lines the store does not: pull in full.
            forgetUpstreamMark()
            unsyncedLock.locked { failedSyncs += 1 }
            throw committed
        }
        var failure: FileError? = nil
        for (p, fd) in pending {
            do {
                try fs.fdatasync(fd, path: p)
            } catch {
                failure = failure ?? error
            }
            fs.close(fd)
        }
        if let failure {
            forgetUpstreamMark()
            unsyncedLock.locked { failedSyncs += 1 }
            throw JournalError.outcomeUnknown(failure)
        }
        return pending.count
    }

    /// How many `syncDeferred()` calls have failed, whoever called it. A
    /// sync takes every file written since the last one: an append is only
    /// known to be stored if none failed between its write and the sync
    /// that acknowledges it.
    public var syncFailures: Int { unsyncedLock.locked { failedSyncs } }
    private var failedSyncs = 0

    /// SHA-256 over the previous hash (hex) and this line's bytes before `"h"`.
    public static func chainHash(previous: String, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: body)
        let digest = hasher.finalize()
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func openCreating(_ p: String, flags: Int32) throws(FileError) -> Int32 {
        let existed = fs.exists(p)
        let fd = try fs.open(p, flags: flags | O_CREAT, mode: fileMode)
        if !existed { try? fs.fchmod(fd, mode: fileMode, path: p) }
        return fd
    }

    private func acquire(_ fd: Int32, _ lockPath: String) throws {
        guard try fs.lock(fd, path: lockPath, timeoutSeconds: lockTimeoutSeconds) else {
            throw JournalError.locked(path: lockPath, waitedSeconds: lockTimeoutSeconds)
        }
    }

    private func syncDirectory() throws {
        let fd = try fs.open(directory, flags: O_RDONLY | O_DIRECTORY, mode: 0)
        defer { fs.close(fd) }
        try fs.fsync(fd, path: directory)
    }

    /// If the segment does not end in a newline, something cut its last
    /// line. A line lacking only its `\n` (a whole event, chained on the
    /// line before it) may have been acknowledged: the newline is added
    /// and it stays. Anything else is a fragment of a writer that died
    /// mid-line: moved to `torn/` and the segment cut back to its last
    /// complete line, so the next event is never glued onto it.
    func repairTornTail(_ segment: String) throws -> (fragment: String?, completed: String?) {
        let p = path(segment)
        let fd = try fs.open(p, flags: O_RDWR, mode: 0)
        defer { fs.close(fd) }
        let size = try fs.size(fd, path: p)
        guard size > 0 else { return (nil, nil) }
        var last: UInt8 = 0
        _ = try withUnsafeMutableBytes(of: &last) { b throws(FileError) in try fs.pread(fd, b, offset: size - 1, path: p) }
        if last == 10 { return (nil, nil) }
        let cut = try lastNewline(fd, p, before: size)
        let keep = cut.map { $0 + 1 } ?? 0
        var fragment = [UInt8](repeating: 0, count: Int(size - keep))
        _ = try fragment.withUnsafeMutableBytes { b throws(FileError) in try fs.pread(fd, b, offset: keep, path: p) }
        if try isWholeChainedLine(fragment, segment: segment, fd: fd, before: keep) {
            // Appended (this descriptor has no O_APPEND: it would write at 0).
            let afd = try fs.open(p, flags: O_WRONLY | O_APPEND, mode: 0)
            defer { fs.close(afd) }
            let lf: [UInt8] = [10]
            try writeAll(afd, lf, path: p)
            try fs.fdatasync(afd, path: p)
            return (nil, segment + ":" + String(try lineCount(p, upTo: size + 1)))
        }
        let tornDir = path("torn")
        try fs.makeDirectory(tornDir, mode: directoryMode)
        // A linked torn/ would put the fragment somewhere else.
        try SafeFile.checkDirectory(tornDir)
        let sideName = "torn/" + segment + "." + String(keep) + ".fragment"
        let side = try fs.open(path(sideName), flags: O_WRONLY | O_CREAT | O_TRUNC, mode: fileMode)
        do {
            defer { fs.close(side) }
            try writeAll(side, fragment, path: path(sideName))
            try fs.fsync(side, path: path(sideName))
        } catch {
            // A full disk: no empty or partial copy is left behind; the
            // segment is untouched, and the next writer tries again.
            unlink(path(sideName))
            throw error
        }
        try fs.ftruncate(fd, size: keep, path: p)
        try fs.fdatasync(fd, path: p)
        return (sideName, nil)
    }

    /// Whether `fragment` is a whole event that follows the last decodable
    /// line before it (numbers and chain hash), in this segment or an
    /// earlier one.
    func isWholeChainedLine(_ fragment: [UInt8], segment: String, fd: Int32, before offset: Int64) throws -> Bool {
        let decoder = EventDecoder()
        guard let d = try? decoder.decode(fragment), let h = d.hash,
              let marker = ChainVerifier.lastMarker(in: fragment[...]) else { return false }
        var previous: EventDecoder.Decoded? = nil
        if offset > 0 {
            previous = try lastDecodable(fd, path(segment), before: offset, decoder: decoder)
        }
        if previous == nil {
            for earlier in try segments().reversed() where earlier < segment {
                let p = path(earlier)
                let efd = try fs.open(p, flags: O_RDONLY, mode: 0)
                defer { fs.close(efd) }
                if let found = try lastDecodable(efd, p, before: try fs.size(efd, path: p), decoder: decoder) {
                    previous = found
                    break
                }
            }
        }
        let position = previous.map { JournalCursor(segment: "-", lastSeq: $0.event.seq, tickets: $0.tickets) } ?? JournalCursor()
        let previousHash = previous?.hash ?? JournalTail.genesisHash
        return position.chainProblem(d) == nil && h == Self.chainHash(previous: previousHash, body: Array(fragment[..<marker]))
    }

    /// The last line ending before `end` (just past a newline) that decodes.
    private func lastDecodable(_ fd: Int32, _ p: String, before end: Int64, decoder: EventDecoder) throws -> EventDecoder.Decoded? {
        var end = end
        var tries = 0
        while end > 0 && tries < 64 {
            let nl = try lastNewline(fd, p, before: end - 1)
            let start = nl.map { $0 + 1 } ?? 0
            var line = [UInt8](repeating: 0, count: Int(end - 1 - start))
            _ = try line.withUnsafeMutableBytes { b throws(FileError) in try fs.pread(fd, b, offset: start, path: p) }
            if let d = try? decoder.decode(line), d.hash != nil { return d }
            end = start
            tries += 1
        }
        return nil
    }

    func writeAll(_ fd: Int32, _ bytes: [UInt8], path p: String) throws {
        var written = 0
        while written < bytes.count {
            let n = try bytes[written...].withUnsafeBytes { raw throws(FileError) in try fs.write(fd, raw, path: p) }
            if n <= 0 { throw JournalError.shortWrite(path: p, wrote: written, of: bytes.count) }
            written += n
        }
    }

    private func lastNewline(_ fd: Int32, _ p: String, before end: Int64) throws -> Int64? {
        var pos = end
        // Lines are a few hundred bytes: start small (this runs under the
        // append lock) and widen the window while no newline turns up.
        var chunk = 4 * 1024
        var buf = [UInt8](repeating: 0, count: chunk)
        while pos > 0 {
            let start = max(0, pos - Int64(chunk))
            let n = Int(pos - start)
            _ = try buf.withUnsafeMutableBytes { b throws(FileError) in
                try fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[0..<n]), offset: start, path: p)
            }
            var i = n - 1
            while i >= 0 {
                if buf[i] == 10 { return start + Int64(i) }
                i -= 1
            }
            pos = start
            if chunk < 64 * 1024 {
                chunk *= 4
                buf = [UInt8](repeating: 0, count: chunk)
            }
        }
        return nil
    }

    /// The tail a writer chains on, found reading backwards from the end.
    ///
    /// With `expecting` (a reader's cursor: the last valid seq and tickets
    /// it saw), the line that carries them. Without (a writer that never
    /// read the history), the last line that follows the decodable line
    /// before it: seq + 1, tickets as `chainProblem` wants, and its chain
    /// hash over that line's; so one forged last line is passed over, not
    /// chained on. If neither turns up within the last lines, a full read
    /// decides.
    func readTail(_ existing: [String], expecting: (seq: Int64, tickets: Int)? = nil) throws -> JournalTail {
        let decoder = EventDecoder()
        // The decodable line after the one being looked at, with its body.
        var later: (d: EventDecoder.Decoded, body: [UInt8])? = nil
        // Undecodable lines between `later` and the line looked at: the
        // numbers may skip them, and the hash cannot be checked across them.
        var between = 0
        var looked = 0
        func tail(_ d: EventDecoder.Decoded) -> JournalTail {
            JournalTail(seq: d.event.seq, tickets: d.tickets, hash: d.hash ?? JournalTail.genesisHash, at: d.event.at)
        }
        func follows(_ l: (d: EventDecoder.Decoded, body: [UInt8]), after seq: Int64, tickets: Int, hash: String) -> Bool {
            JournalCursor(segment: "-", lastSeq: seq, tickets: tickets, undecoded: between).chainProblem(l.d) == nil
                && (between > 0 || l.d.hash == Self.chainHash(previous: hash, body: l.body))
        }
        search: for segment in existing.reversed() {
            let p = path(segment)
            let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
            defer { fs.close(fd) }
            var end = try fs.size(fd, path: p)
            // end points just past a newline (the torn tail was repaired).
            while end > 0 {
                let nl = try lastNewline(fd, p, before: end - 1)
                let start = nl.map { $0 + 1 } ?? 0
                var line = [UInt8](repeating: 0, count: Int(end - 1 - start))
                _ = try line.withUnsafeMutableBytes { b throws(FileError) in try fs.pread(fd, b, offset: start, path: p) }
                end = start
                guard let d = try? decoder.decode(line), let h = d.hash,
                      let cut = ChainVerifier.lastMarker(in: line[...]) else {
                    between += 1
                    continue
                }
                if let expecting {
                    if d.event.seq == expecting.seq && d.tickets == expecting.tickets { return tail(d) }
                } else if let l = later, follows(l, after: d.event.seq, tickets: d.tickets, hash: h) {
                    return tail(l.d)
                }
                later = (d, Array(line[..<cut]))
                between = 0
                looked += 1
                if looked >= 256 { break search }
            }
        }
        if looked == 0 { return .empty }
        if looked < 256, expecting == nil, let first = later, follows(first, after: 0, tickets: 0, hash: JournalTail.genesisHash) {
            return tail(first.d)
        }
        // Nothing usable near the end: the numbering of a full read decides.
        var c = JournalCursor()
        var hash = JournalTail.genesisHash
        var at = Instant(millis: 0)
        _ = try read(from: &c) { hash = $0.hash ?? hash; at = $0.event.at } issue: { _ in }
        return c.lastSeq == 0 ? .empty : JournalTail(seq: c.lastSeq, tickets: c.tickets, hash: hash, at: at)
    }

    private func lineCount(_ p: String, upTo limit: Int64) throws -> Int {
        let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
        defer { fs.close(fd) }
        var count = 0
        var offset: Int64 = 0
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while offset < limit {
            let want = Int(min(Int64(buf.count), limit - offset))
            let n = try buf.withUnsafeMutableBytes { b throws(FileError) in
                try fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[0..<want]), offset: offset, path: p)
            }
            if n <= 0 { break }
            for i in 0..<n where buf[i] == 10 { count += 1 }
            offset += Int64(n)
        }
        return count
    }

    /// Reads what was appended since `cursor`, feeding events to `follow`.
    func catchUp(_ cursor: inout JournalCursor, follow: ((Event) -> Void)?, issues: ((LoadIssue) -> Void)?,
                 segments all: [String]? = nil) throws -> JournalTail {
        var hash: String? = nil
        var at = Instant(millis: 0)
        _ = try read(from: &cursor, segmentList: all) { decoded in
            follow?(decoded.event)
            hash = decoded.hash
            at = decoded.event.at
        } issue: { issues?($0) }
        if cursor.lastSeq == 0 { return .empty }
        if let hash { return JournalTail(seq: cursor.lastSeq, tickets: cursor.tickets, hash: hash, at: at) }
        // Nothing new since this journal's own last append: its tail.
        if let (c, tail) = lastWritten, c == cursor { return tail }
        // Nothing new: the hash of the last valid line (a bulk load does
        // not keep hashes).
        return try readTail(try segments(), expecting: (cursor.lastSeq, cursor.tickets))
    }

    // MARK: - Reading

    /// Reads every complete line from `cursor` to the end of the journal.
    /// Lines that fail to parse or validate go to `issue` with file and line
    /// and are skipped; a partial last line is left for next time. Returns
    /// the bytes read. `parallel` lets a large read (`parallelRead`) decode
    /// on worker threads; `event` and `issue` still run on the caller's
    /// thread, in journal order (ParallelRead.swift).
    @discardableResult
    public func read(
        from cursor: inout JournalCursor,
        keepIdsAndHashes: Bool = true,
        containing needle: [UInt8]? = nil,
        through lastSegment: String? = nil,
        parallel: Bool = false,
        prepare: (@Sendable (inout EventDecoder.Decoded) -> Void)? = nil,
        segmentList: [String]? = nil,
        event: (EventDecoder.Decoded) throws -> Void,
        issue: (LoadIssue) -> Void
    ) throws -> Int64 {
        let all = try segmentList ?? segments()
        if parallel, needle == nil, lastSegment == nil, parallelRead.threads > 0, try unreadBytes(all, after: cursor) >= parallelRead.minimumBytes,
           let total = try readInParallel(from: &cursor, segments: all, threads: parallelRead.threads,
                                          keepIdsAndHashes: keepIdsAndHashes, prepare: prepare, event: event, issue: issue) {
            return total
        }
        // Made when a segment has something to read: its string table
        // costs more than an append's catch-up that finds nothing.
        var madeDecoder: EventDecoder? = nil
        var total: Int64 = 0
        // One buffer for all segments, allocated when first needed: a fresh
        // zero-filled 8 MiB per segment cost a memset and page faults each.
        var buf: [UInt8] = []
        // A read of one ticket's lines (`needle`) skips the others, so it
        // cannot check the numbering; full reads do.
        let checked = needle == nil
        for segment in all where segment >= cursor.segment {
            if let lastSegment, segment > lastSegment { break }
            if segment != cursor.segment { cursor = cursor.starting(segment) }
            let p = path(segment)
            let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
            defer { fs.close(fd) }
            let size = try fs.size(fd, path: p)
            guard size > cursor.offset else { continue }
            let decoder = madeDecoder ?? EventDecoder(keepIdsAndHashes: keepIdsAndHashes)
            madeDecoder = decoder
            let chunkSize = 8 << 20
            if buf.count < chunkSize { buf = [UInt8](repeating: 0, count: chunkSize) }
            var carry = 0  // bytes of an incomplete line kept at the front of buf
            var offset = cursor.offset
            while offset < size {
                if carry == buf.count { buf.append(contentsOf: repeatElement(0, count: buf.count)) }
                let want = min(buf.count - carry, Int(size - offset))
                let n = try buf.withUnsafeMutableBytes { b throws(FileError) in
                    try fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[carry..<(carry + want)]), offset: offset, path: p)
                }
                if n <= 0 { break }
                offset += Int64(n)
                let filled = carry + n
                var consumed = 0
                var position = cursor
                try buf.withUnsafeBufferPointer { all in
                    consumed = try Self.decodeLines(UnsafeBufferPointer(rebasing: all[0..<filled]), decoder: decoder, needle: needle,
                                                    lines: &cursor.line) { d, line in
                        if checked {
                            if let problem = position.chainProblem(d) {
                                issue(LoadIssue(file: segment, line: line, reason: problem))
                                return
                            }
                            position.follow(d)
                        }
                        if let prepare {
                            var d = d
                            prepare(&d)
                            try event(d)
                        } else {
                            try event(d)
                        }
                    } issue: { line, reason in
                        position.undecoded &+= 1
                        issue(LoadIssue(file: segment, line: line, reason: reason))
                    }
                }
                cursor.lastSeq = position.lastSeq
                cursor.tickets = position.tickets
                cursor.undecoded = position.undecoded
                cursor.offset += Int64(consumed)
                total += Int64(consumed)
                carry = filled - consumed
                if carry > 0 && consumed > 0 {
                    buf.withUnsafeMutableBytes { b in
                        b.baseAddress!.copyMemory(from: b.baseAddress! + consumed, byteCount: carry)
                    }
                }
            }
        }
        return total
    }

    /// Decodes every complete line in `bytes`, counting lines in `lines`;
    /// returns the bytes consumed (through the last newline). Rejected
    /// lines go to `issue` with their line number. Shared by the
    /// sequential and the parallel read.
    static func decodeLines(
        _ bytes: UnsafeBufferPointer<UInt8>, decoder: EventDecoder, needle: [UInt8]?, lines: inout Int,
        event: (EventDecoder.Decoded, _ line: Int) throws -> Void, issue: (Int, String) -> Void
    ) rethrows -> Int {
        var start = 0
        let filled = bytes.count
        while start < filled {
            guard let nl = memchrIndex(bytes, from: start, to: filled) else { break }
            lines += 1
            let line = UnsafeBufferPointer(rebasing: bytes[start..<nl])
            if line.isEmpty {
                issue(lines, "empty line")
            } else {
                // A needle skips the decoding of lines that cannot match
                // (one ticket's history).
                if needle.map({ contains(line, $0) }) ?? true {
                    let decoded: EventDecoder.Decoded
                    do {
                        decoded = try decoder.decode(line)
                    } catch {
                        issue(lines, error.message)
                        start = nl + 1
                        continue
                    }
                    try event(decoded, lines)
                }
            }
            start = nl + 1
        }
        return start
    }

    /// Bytes not yet read after `cursor`.
    func unreadBytes(_ all: [String], after cursor: JournalCursor) throws -> Int64 {
        var total: Int64 = 0
        for segment in all where segment >= cursor.segment {
            let p = path(segment)
            let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
            defer { fs.close(fd) }
            total += max(0, try fs.size(fd, path: p) - (segment == cursor.segment ? cursor.offset : 0))
        }
        return total
    }

    /// The last complete, decodable event's seq, tickets issued and hash.
    public func tail() throws -> JournalTail { try readTail(try segments()) }

    static func contains(_ line: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let base = line.baseAddress, !needle.isEmpty else { return true }
        return needle.withUnsafeBufferPointer { n in
            var i = 0
            let last = line.count - n.count
            while i <= last {
                guard let hit = memchr(base + i, Int32(n[0]), last - i + 1) else { return false }
                i = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                if memcmp(base + i, n.baseAddress!, n.count) == 0 { return true }
                i += 1
            }
            return false
        }
    }

    /// Bytes after the last newline of the newest segment: a torn line, or a
    /// line being written right now.
    public func unterminatedTail() throws -> (segment: String, bytes: Int64)? {
        guard let newest = try segments().last else { return nil }
        let p = path(newest)
        let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
        defer { fs.close(fd) }
        let size = try fs.size(fd, path: p)
        guard size > 0 else { return nil }
        let nl = try lastNewline(fd, p, before: size)
        let keep = nl.map { $0 + 1 } ?? 0
        return keep < size ? (newest, size - keep) : nil
    }
}

@inline(__always)
func memchrIndex(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    guard from < to, let base = p.baseAddress else { return nil }
    guard let hit = memchr(base + from, 10, to - from) else { return nil }
    return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
}

func clockMonotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension Journal {
    /// Writes a whole history into an empty journal in bulk (the demo
    /// generator, imports): events are numbered, chained and split into
    /// monthly segments by their own timestamps. Refuses a journal that
    /// already holds events.
    public func writeHistory(_ events: [Event]) throws {
        try writeHistory { emit in
            for e in events { try emit(e) }
        }
    }

    /// The same, streamed: `produce` calls `emit` once per event, oldest
    /// first; lines are encoded as they come and written (with
    /// `fdatasync`) in batches of about 8 MiB, so a history larger than
    /// memory can be generated and written in bounded memory. The lock is
    /// held throughout. `segmentOf` names each event's segment (by default
    /// the month of its timestamp); names must never go backwards, since
    /// the chain runs through the segments in name order.
    public func writeHistory(segmentOf: @escaping (Event) -> String = { Journal.segmentName(for: $0.at) },
                             streaming produce: (_ emit: (Event) throws -> Void) throws -> Void) throws {
        try ensureDirectory()
        let lockPath = path(Self.lockName)
        let lockFd = try fs.open(lockPath, flags: O_RDWR | O_CREAT, mode: fileMode)
        defer { fs.close(lockFd) }
        guard try fs.tryLock(lockFd, path: lockPath) else { throw JournalError.locked(path: lockPath, waitedSeconds: 0) }
        defer { fs.unlock(lockFd) }
        for s in try segments() {
            let fd = try fs.open(path(s), flags: O_RDONLY, mode: 0)
            let size = try fs.size(fd, path: path(s))
            fs.close(fd)
            guard size == 0 else { throw JournalError.rejected("the journal in \(directory) already holds events; use an empty data directory") }
        }
        var tail = JournalTail.empty
        var buffer: [UInt8] = []
        var currentSegment: String? = nil
        func flush() throws {
            guard let seg = currentSegment, !buffer.isEmpty else { return }
            let p = path(seg)
            let fd = try fs.open(p, flags: O_WRONLY | O_CREAT | O_APPEND, mode: fileMode)
            defer { fs.close(fd) }
            try? fs.fchmod(fd, mode: fileMode, path: p)
            try writeAll(fd, buffer, path: p)
            try fs.fdatasync(fd, path: p)
            buffer.removeAll(keepingCapacity: true)
        }
        func emit(_ event: Event) throws {
            var e = event
            let seg = segmentOf(e)
            if let current = currentSegment, seg < current {
                throw JournalError.rejected("history puts an event in \(seg) after \(current): segments are read in name order")
            }
            if seg != currentSegment {
                try flush()
                currentSegment = seg
            }
            tail.seq += 1
            e.seq = tail.seq
            if case .opened = e.body {
                guard e.ref.number == tail.tickets + 1 else {
                    throw JournalError.rejected("history opens \(e.ref) where \(tail.nextRef) was expected")
                }
                tail.tickets += 1
            }
            let body = EventEncoder.body(e, tickets: tail.tickets)
            tail.hash = Self.chainHash(previous: tail.hash, body: body)
            buffer.append(contentsOf: body)
            buffer.append(contentsOf: #","h":""#.utf8)
            buffer.append(contentsOf: tail.hash.utf8)
            buffer.append(contentsOf: "\"}\n".utf8)
            if buffer.count > 8 << 20 { try flush() }
        }
        try produce(emit)
        try flush()
        let dfd = try fs.open(directory, flags: O_RDONLY | O_DIRECTORY, mode: 0)
        defer { fs.close(dfd) }
        try fs.fsync(dfd, path: directory)
    }
}

/// What changes when a folder's entries do (see `Journal.scan`).
struct DirectoryStamp: Equatable {
    var device: UInt64 = 0, inode: UInt64 = 0
    var modified: timespec = timespec(), changed: timespec = timespec()
    /// Both times at least two seconds before the stamp was taken.
    var settled = false

    init?(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        modified = st.st_mtim
        changed = st.st_ctim
        settled = st.st_mtim.tv_sec < now.tv_sec - 2 && st.st_ctim.tv_sec < now.tv_sec - 2
    }

    static func == (a: Self, b: Self) -> Bool {
        a.device == b.device && a.inode == b.inode
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
}
