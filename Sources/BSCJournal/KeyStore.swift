import BSCCore
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The key store: `DATA/keys/`, outside the journal. See
/// docs/data-protection.md.
///
/// - `index.key`: the blind-index key, one line of base64.
/// - `tickets/b-NNNN.keys`: the data keys of tickets whose number - 1
///   divided by 4096 is NNNN, one line `BSC-000123 <base64 key>` each.
///   Buckets keep a load to a few dozen files instead of one per ticket.
/// - `restricted/<queue>/<login>/b-NNNN.keys`: the same, for tickets of a
///   restricted queue, one folder per writer as for the old restricted
///   journals: with the queue's group, the queue folder is a drop box
///   (3773), each writer's folder 2750 and its files 0640, so the team
///   reads every key and a writer outside it only the keys it wrote.
/// - `erased.list`: one reference per line, tickets whose keys were
///   destroyed (so a stale process does not give an erased ticket a new key).
///
/// Adding a key appends a line and fsyncs it (and the folder when the file
/// is new), under `keys/.lock`. Destroying a key rewrites its bucket
/// without the line (new file, fsync, rename over, fsync the folder): the
/// old file's blocks are freed like an unlinked file's. Every file is
/// opened with `SafeFile` (no links, regular files only); a damaged line is
/// reported with file:line and skipped.
/// Where keys live when several servers share one journal (PostgreSQL):
/// the only copy of them, so an erasure there is an erasure everywhere,
/// and a ticket opened through one server can be read through another.
public protocol SharedKeys: AnyObject, Sendable {
    /// Stores keys; a ticket already erased stays erased.
    func store(_ entries: [(ref: TicketRef, key: DataKey, queue: String?)]) throws
    /// Destroys the keys of `refs` (and remembers them as erased).
    func erase(_ refs: [TicketRef]) throws
    /// Keys stored and erased since `version` (0: all), and the version now.
    func changes(after version: Int64) throws -> (keys: [(ref: TicketRef, key: DataKey, queue: String?)], erased: [TicketRef], version: Int64)
    /// The blind-index key every server uses: the stored one, else
    /// `proposed`, stored now.
    func indexKey(proposing proposed: DataKey) throws -> DataKey
    /// The key of a ticket being opened: the one stored for `ref` if
    /// another server stored one first (both are building that reference;
    /// one will lose the race for it and build again), else `proposed`,
    /// stored now. Never replaces a stored key: the winner's events must
    /// stay readable whatever the loser stores.
    func openingKey(_ ref: TicketRef, proposing proposed: DataKey, queue: String?) throws -> DataKey
}

public final class KeyStore: @unchecked Sendable {
    public let directory: String
    let owner: uid_t?
    let fileMode: mode_t
    let directoryMode: mode_t
    static let bucketSize = 4096

    public enum State: Equatable {
        case key(DataKey, queue: String?)
        case erased
        case none
    }

    private let lock = NSLock()
    /// 32 bytes per ticket number (index number - 1).
    private var flat: [UInt8] = []
    /// 0 none, 1 a key, 2 erased.
    private var kind: [UInt8] = []
    private var queueOf: [Int: String] = [:]
    private var loadedBuckets: Set<String> = []
    private var cachedIndexKey: DataKey?
    private var indexKeyAbsent = false
    public private(set) var problems: [String] = []

    /// The writer: restricted keys it stores go to its own folder.
    let login: String
    /// Set on a server whose journal is shared (PostgreSQL): keys then live
    /// there only, never in this directory, and are read into memory.
    public var shared: (any SharedKeys)?
    private var sharedVersion: Int64 = 0

    /// When set, a new ticket's key line is written but its fsync left to
    /// `syncDeferred()`, which the caller must run before acknowledging the
    /// event the key belongs to (the team server runs it with each group's
    /// journal sync: `Journal.companionSync`). A crash before that sync may
    /// lose the key of an unacknowledged event, never of an acknowledged
    /// one. Moves (`move`) still sync at once: they remove the old line.
    public var defersSync = false
    /// Key files written since the last `syncDeferred()`: a descriptor
    /// kept open from the write for each (file, inode), so a writeback
    /// error is reported to it; an erasure may replace a bucket's inode.
    private var unsynced: [String: (fd: Int32, inode: ino_t)] = [:]
    private var unsyncedReplaced: [Int32] = []
    private let unsyncedLock = NSLock()

    /// Every key this process has read, and every erased ticket: a data
    /// directory's keys moved into a shared store, or back out.
    public func everyKey() -> (keys: [(ref: TicketRef, key: DataKey, queue: String?)], erased: [TicketRef]) {
        lock.lock(); defer { lock.unlock() }
        var keys: [(ref: TicketRef, key: DataKey, queue: String?)] = []
        var erased: [TicketRef] = []
        for i in kind.indices {
            if kind[i] == 1, let k = DataKey(bytes: Array(flat[i * 32 ..< i * 32 + 32])) { keys.append((TicketRef(i + 1), k, queueOf[i])) }
            if kind[i] == 2 { erased.append(TicketRef(i + 1)) }
        }
        return (keys, erased)
    }

    /// Writes `key` as this directory's blind-index key (a directory
    /// exported from a shared store); refuses if it already has another.
    public func adoptIndexKey(_ key: DataKey) throws(FileError) {
        if let existing = try indexKey(create: false) {
            guard existing == key else { throw FileError("write", directory + "/index.key", EEXIST, detail: "already holds another blind-index key") }
            return
        }
        lock.lock(); defer { lock.unlock() }
        try makeDirectory(directory, mode: directoryMode, gid: nil)
        try appendLine(directory + "/index.key", Data(key.bytes).base64EncodedString() + "\n", exclusive: true)
        cachedIndexKey = key
        indexKeyAbsent = false
    }

    /// Reads what other servers stored or erased since the last look;
    /// returns the tickets erased since that this store still had a key
    /// for (a projection may hold their content decrypted).
    @discardableResult
    public func refreshShared() throws -> [TicketRef] {
        guard let shared else { return [] }
        let (keys, erased, version) = try shared.changes(after: lock.withLock { sharedVersion })
        lock.lock(); defer { lock.unlock() }
        for k in keys { set(k.ref, k.key, queue: k.queue) }
        var newlyErased: [TicketRef] = []
        for r in erased {
            let i = r.number - 1
            if i >= 0, i < kind.count, kind[i] == 1 { newlyErased.append(r) }
            markErased(r)
        }
        sharedVersion = max(sharedVersion, version)
        return newlyErased
    }

    public init(directory: String, login: String, owner: uid_t?, fileMode: mode_t, directoryMode: mode_t) {
        self.login = login
        self.directory = directory
        self.owner = owner
        self.fileMode = fileMode
        self.directoryMode = directoryMode
    }

    public var exists: Bool { access(directory, F_OK) == 0 }
    var ticketsDir: String { directory + "/tickets" }
    func restrictedDir(_ q: String) -> String { directory + "/restricted/" + q }
    func writerDir(_ q: String) -> String { restrictedDir(q) + "/" + login }

    /// The writer folders of queue `q` this process may look in: all of
    /// them when it can list the queue folder (the team), else its own.
    func writerDirs(_ q: String) -> [String] {
        let all = list(restrictedDir(q))
        if !all.isEmpty { return all.map { restrictedDir(q) + "/" + $0 } }
        return access(writerDir(q), R_OK | X_OK) == 0 ? [writerDir(q)] : []
    }
    static func bucketName(_ ref: TicketRef) -> String {
        let b = max(0, ref.number - 1) / bucketSize
        let s = String(b)
        return "b-" + String(repeating: "0", count: max(0, 4 - s.count)) + s + ".keys"
    }

    // MARK: - Reading

    /// Reads every bucket this process may read: the main ones and those
    /// of `restrictedQueues` (a folder it cannot read is skipped quietly:
    /// that is the restriction working).
    public func loadAll(restrictedQueues: [String]) {
        if shared != nil {
            do { try refreshShared() } catch { lock.withLock { problems.append("the shared key store: \(error)") } }
            return
        }
        lock.lock(); defer { lock.unlock() }
        let names = list(ticketsDir).filter { $0.hasSuffix(".keys") }
        // Sized once from the last bucket's number: grown by doubling, the
        // table of a third of a million keys kept 6 MB it never used.
        if let last = names.last, let b = Int(last.dropFirst(2).prefix { $0.isNumber }), b < 1 << 20 {
            let n = (b + 1) * Self.bucketSize
            if n > kind.count {
                kind.reserveCapacity(n)
                flat.reserveCapacity(n * 32)
                grow(n - 1)
            }
        }
        loadErased()
        for name in names { loadBucket(ticketsDir + "/" + name, queue: nil) }
        for q in restrictedQueues {
            for dir in writerDirs(q) {
                for name in list(dir) where name.hasSuffix(".keys") { loadBucket(dir + "/" + name, queue: q) }
            }
        }
    }

    /// Whether this process can read any restricted queue's keys.
    public func readsRestricted(_ queues: [String]) -> Bool {
        queues.contains { q in writerDirs(q).contains { dir in list(dir).contains { $0.hasSuffix(".keys") } } }
    }

    /// The key of `ref`; a miss re-reads its buckets once (another
    /// process may have opened the ticket since).
    public func state(_ ref: TicketRef, restrictedQueues: [String], fresh: Bool = false) -> State {
        if shared != nil {
            if !fresh, let s = lock.withLock({ known(ref) }) { return s }
            do { try refreshShared() } catch { lock.withLock { problems.append("the shared key store: \(error)") } }
            return lock.withLock { known(ref) } ?? .none
        }
        lock.lock(); defer { lock.unlock() }
        if !fresh, let s = known(ref) { return s }
        loadErased()
        let b = Self.bucketName(ref)
        loadBucket(ticketsDir + "/" + b, queue: nil, force: true)
        for q in restrictedQueues {
            for dir in writerDirs(q) { loadBucket(dir + "/" + b, queue: q, force: true) }
        }
        return known(ref) ?? .none
    }

    private func known(_ ref: TicketRef) -> State? {
        let i = ref.number - 1
        guard i >= 0, i < kind.count else { return nil }
        switch kind[i] {
        case 1: return .key(DataKey(bytes: Array(flat[i * 32 ..< i * 32 + 32]))!, queue: queueOf[i])
        case 2: return .erased
        default: return nil
        }
    }

    private func grow(_ i: Int) {
        if i >= kind.count {
            let n = max(i + 1, kind.capacity > i ? kind.capacity : kind.count * 2)
            kind += [UInt8](repeating: 0, count: n - kind.count)
            flat += [UInt8](repeating: 0, count: n * 32 - flat.count)
        }
    }

    private func set(_ ref: TicketRef, _ key: DataKey, queue: String?) {
        set(number: ref.number, key.bytes, queue: queue)
    }

    private func set(number: Int, _ key: [UInt8], queue: String?) {
        let i = number - 1
        guard i >= 0, key.count == 32 else { return }
        grow(i)
        if kind[i] == 2 { return }
        kind[i] = 1
        flat.withUnsafeMutableBufferPointer { f in
            for j in 0..<32 { f[i * 32 + j] = key[j] }
        }
        if let queue { queueOf[i] = queue } else if !queueOf.isEmpty { queueOf[i] = nil }
    }

    /// The keys read so far, copied out (copy-on-write) for a replay's
    /// decoding threads, which then look keys up without the lock.
    public func table() -> KeyTable {
        lock.withLock { KeyTable(flat: flat, kind: kind, queueOf: queueOf) }
    }

    private func markErased(_ ref: TicketRef) {
        let i = ref.number - 1
        guard i >= 0 else { return }
        grow(i)
        kind[i] = 2
        flat.replaceSubrange(i * 32 ..< i * 32 + 32, with: [UInt8](repeating: 0, count: 32))
        queueOf[i] = nil
    }

    private func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { out.append(name) }
        }
        return out.sorted()
    }

    private func readFile(_ path: String) -> [UInt8]? {
        guard access(path, F_OK) == 0 else { return nil }
        do {
            return try SafeFile.read(path, limit: 64 << 20, owner: owner)
        } catch {
            if error.code != EACCES { problems.append("\(path): \(error.reason); skipped") }
            return nil
        }
    }

    private func loadBucket(_ path: String, queue: String?, force: Bool = false) {
        if !force && loadedBuckets.contains(path) { return }
        guard let bytes = readFile(path) else { return }
        loadedBuckets.insert(path)
        var lineNo = 0
        var key: [UInt8] = []
        key.reserveCapacity(33)
        // Parsed from bytes: a replay reads every key, a third of a
        // million lines for a busy year.
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                var end = start
                while end < all.count && all[end] != 0x0A { end += 1 }
                lineNo += 1
                defer { start = end + 1 }
                if end == start { continue }
                let line = UnsafeBufferPointer(rebasing: all[start..<end])
                key.removeAll(keepingCapacity: true)
                guard let space = line.firstIndex(of: 0x20), let number = Self.ticketNumber(UnsafeBufferPointer(rebasing: line[..<space])),
                      Base64.decode(UnsafeBufferPointer(rebasing: line[(space + 1)...]), into: &key), key.count == 32
                else {
                    problems.append("\(path):\(lineNo): not a key line (BSC-000123 and a base64 key); skipped")
                    continue
                }
                set(number: number, key, queue: queue)
            }
        }
    }

    /// The number of `BSC-000123` as written in a bucket (nil otherwise).
    private static func ticketNumber(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count > 4, b.count <= 16, b[0] == UInt8(ascii: "B"), b[1] == UInt8(ascii: "S"), b[2] == UInt8(ascii: "C"),
              b[3] == UInt8(ascii: "-") else { return nil }
        var n = 0
        for c in b[4...] {
            guard c >= 0x30, c <= 0x39 else { return nil }
            n = n * 10 + Int(c - 0x30)  // at most 12 digits: cannot overflow
        }
        return n > 0 ? n : nil
    }

    private func loadErased() {
        guard let bytes = readFile(directory + "/erased.list") else { return }
        var lineNo = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNo += 1
            if line.isEmpty { continue }
            guard let ref = TicketRef(parsing: String(decoding: line, as: UTF8.self)) else {
                problems.append("\(directory)/erased.list:\(lineNo): not a ticket reference; skipped")
                continue
            }
            markErased(ref)
        }
    }

    /// The blind-index key, created on first use when `create`.
    public func indexKey(create: Bool) throws(FileError) -> DataKey? {
        if let shared {
            if let k = lock.withLock({ cachedIndexKey }) { return k }
            do {
                let k = try shared.indexKey(proposing: DataKey.random())
                lock.withLock { cachedIndexKey = k }
                return k
            } catch {
                throw FileError("read", "the shared key store", EIO, detail: "cannot give the blind-index key: \(error)")
            }
        }
        lock.lock(); defer { lock.unlock() }
        if let k = cachedIndexKey { return k }
        // Readers of a directory without one look once, not per event.
        if !create && indexKeyAbsent { return nil }
        let path = directory + "/index.key"
        if let bytes = readFile(path) {
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let data = Data(base64Encoded: text), let k = DataKey(bytes: Array(data)) else {
                throw FileError("read", path, EINVAL, detail: "is damaged (not one base64 line of a 32-byte key); the blind index cannot be computed. Restore it from the key store's backup")
            }
            cachedIndexKey = k
            return k
        }
        guard create else { indexKeyAbsent = true; return nil }
        let k = DataKey.random()
        try makeDirectory(directory, mode: directoryMode, gid: nil)
        try appendLine(path, Data(k.bytes).base64EncodedString() + "\n", exclusive: true)
        cachedIndexKey = k
        return k
    }

    // MARK: - Writing (callers hold the journal lock; the key lock is taken here)

    func makeDirectory(_ path: String, mode: mode_t, gid: gid_t?) throws(FileError) {
        try SafeFile.checkDirectory(path, owner: nil)
        if mkdir(path, mode) != 0 {
            guard errno == EEXIST else { throw FileError("mkdir", path, errno) }
            return
        }
        if let gid { _ = chown(path, uid_t.max, gid) }
        _ = chmod(path, mode)
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// This writer's folder of a restricted queue, made as for the old
    /// restricted journals (see the type's comment).
    func makeWriterDir(_ q: String, gid: gid_t?) throws(FileError) -> String {
        try makeDirectory(directory + "/restricted", mode: 0o711, gid: nil)
        try makeDirectory(restrictedDir(q), mode: gid == nil ? 0o700 : 0o3773, gid: gid)
        try makeDirectory(writerDir(q), mode: gid == nil ? 0o700 : 0o2750, gid: gid)
        return writerDir(q)
    }

    func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    private func appendLine(_ path: String, _ text: String, exclusive: Bool = false, mode: mode_t? = nil,
                            deferrable: Bool = false) throws(FileError) {
        let isNew = access(path, F_OK) != 0
        let fd = try SafeFile.open(path, flags: O_WRONLY | O_APPEND | O_CREAT | (exclusive ? O_EXCL : 0), mode: mode ?? fileMode, owner: nil)
        var kept = false
        defer { if !kept { close(fd) } }
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw FileError("write", path, n < 0 ? errno : EIO) }
        // A new file (and its folder entry) is synced at once: rare, and
        // the folder's sync must follow the file's.
        if deferrable && defersSync && !isNew, let keptIt = keepUnsynced(fd, path: path) {
            kept = keptIt
            return
        }
        guard fsync(fd) == 0 else { throw FileError("fsync", path, errno) }
        if isNew {
            if let mode { _ = fchmod(fd, mode) }
            syncDirectory((path as NSString).deletingLastPathComponent)
        }
    }

    /// Leaves the sync of `fd` (just written) to `syncDeferred()`: true
    /// when it keeps `fd`, false when a kept descriptor of the same file
    /// covers it, nil when the caller must sync now.
    private func keepUnsynced(_ fd: Int32, path: String) -> Bool? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return unsyncedLock.withLock { () -> Bool in
            if let old = unsynced[path] {
                if old.inode == st.st_ino { return false }
                unsyncedReplaced.append(old.fd)
            }
            unsynced[path] = (fd, st.st_ino)
            return true
        }
    }

    /// Syncs every key file written since the last call (`defersSync`).
    /// A failure means keys written since then may be lost: the events
    /// they belong to must not be acknowledged.
    public func syncDeferred() throws(FileError) {
        let (pending, replaced) = unsyncedLock.withLock { () -> ([String: (fd: Int32, inode: ino_t)], [Int32]) in
            defer { unsynced = [:]; unsyncedReplaced = [] }
            return (unsynced, unsyncedReplaced)
        }
        var failure: FileError? = nil
        for (path, kept) in pending {
            if fsync(kept.fd) != 0 { failure = failure ?? FileError("fsync", path, errno) }
            close(kept.fd)
        }
        for fd in replaced {
            if fsync(fd) != 0 { failure = failure ?? FileError("fsync", directory, errno) }
            close(fd)
        }
        if let failure { throw failure }
    }

    private func withKeyLock<T>(_ body: () throws -> T) throws -> T {
        try makeDirectory(directory, mode: directoryMode, gid: nil)
        let path = directory + "/.lock"
        let fd = try SafeFile.open(path, flags: O_RDWR | O_CREAT, mode: fileMode, owner: nil)
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 { if errno != EINTR { throw FileError("flock", path, errno) } }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    /// Stores a new ticket's key: in the main store, or in a restricted
    /// queue's folder (group `gid` when there is one).
    /// The key for a ticket being opened, made now (`proposed`) or, on a
    /// shared store, the one another server already stored for the same
    /// reference (SharedKeys.openingKey).
    public func addOpening(_ ref: TicketRef, _ proposed: DataKey, queue: String?, gid: gid_t?) throws -> DataKey {
        guard let shared else {
            try add(ref, proposed, queue: queue, gid: gid)
            return proposed
        }
        let key = try shared.openingKey(ref, proposing: proposed, queue: queue)
        lock.withLock { set(ref, key, queue: queue) }
        return key
    }

    public func add(_ ref: TicketRef, _ key: DataKey, queue: String?, gid: gid_t?) throws {
        try add(ref, key, queue: queue, gid: gid, deferrable: true)
    }

    private func add(_ ref: TicketRef, _ key: DataKey, queue: String?, gid: gid_t?, deferrable: Bool) throws {
        if let shared {
            try shared.store([(ref, key, queue)])
            lock.withLock { set(ref, key, queue: queue) }
            return
        }
        try withKeyLock {
            let dir: String
            var mode = fileMode
            if let queue {
                dir = try makeWriterDir(queue, gid: gid)
                mode = gid == nil ? 0o600 : 0o640
            } else {
                dir = ticketsDir
                try makeDirectory(dir, mode: directoryMode, gid: nil)
            }
            try appendLine(dir + "/" + Self.bucketName(ref), ref.description + " " + Data(key.bytes).base64EncodedString() + "\n", mode: mode,
                           deferrable: deferrable)
            lock.lock(); set(ref, key, queue: queue); lock.unlock()
        }
    }

    /// Stores many new keys at once (a generated history): one write and
    /// one fsync per bucket file.
    public func addMany(_ entries: [(TicketRef, DataKey, String?)], gid: (String) -> gid_t?) throws {
        if let shared {
            try shared.store(entries.map { (ref: $0.0, key: $0.1, queue: $0.2) })
            lock.withLock { for (ref, key, queue) in entries { set(ref, key, queue: queue) } }
            return
        }
        try withKeyLock {
            var byFile: [String: (text: String, queue: String?)] = [:]
            for (ref, key, queue) in entries {
                let dir = queue.map(writerDir) ?? ticketsDir
                byFile[dir + "/" + Self.bucketName(ref), default: ("", queue)].text += ref.description + " " + Data(key.bytes).base64EncodedString() + "\n"
            }
            for (path, v) in byFile.sorted(by: { $0.key < $1.key }) {
                var mode = fileMode
                if let q = v.queue {
                    let g = gid(q)
                    _ = try makeWriterDir(q, gid: g)
                    mode = g == nil ? 0o600 : 0o640
                } else {
                    try makeDirectory(ticketsDir, mode: directoryMode, gid: nil)
                }
                try appendLine(path, v.text, mode: mode)
            }
            lock.lock()
            for (ref, key, queue) in entries { set(ref, key, queue: queue) }
            lock.unlock()
        }
    }

    /// Moves a ticket's key into a restricted queue's folder: written
    /// there first, then removed from where it was.
    public func move(_ ref: TicketRef, key: DataKey, to queue: String, gid: gid_t?) throws {
        // Synced now: the line it replaces is removed next.
        try add(ref, key, queue: queue, gid: gid, deferrable: false)
        if shared != nil { return }
        _ = try withKeyLock { try removeLines([ref], from: ticketsDir) }
    }

    /// Destroys the keys of `refs` wherever they are, after recording them
    /// in `erased.list`. Returns the files rewritten.
    @discardableResult
    public func destroy(_ refs: [TicketRef], restrictedQueues: [String]) throws -> [String] {
        if let shared {
            try shared.erase(refs)
            lock.withLock { for r in refs { markErased(r) } }
            return []
        }
        return try withKeyLock {
            try appendLine(directory + "/erased.list", refs.map { $0.description + "\n" }.joined())
            var changed = try removeLines(refs, from: ticketsDir)
            for q in restrictedQueues {
                for dir in writerDirs(q) { changed += try removeLines(refs, from: dir) }
            }
            lock.lock(); for r in refs { markErased(r) }; lock.unlock()
            return changed
        }
    }

    private func removeLines(_ refs: [TicketRef], from dir: String) throws -> [String] {
        var byBucket: [String: Set<String>] = [:]
        for r in refs { byBucket[Self.bucketName(r), default: []].insert(r.description) }
        var changed: [String] = []
        for (bucket, names) in byBucket.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + bucket
            guard access(path, F_OK) == 0 else { continue }
            let bytes = try SafeFile.read(path, limit: 64 << 20, owner: owner)
            var kept: [UInt8] = []
            var removed = false
            for line in bytes.split(separator: 0x0A) {
                let name = String(decoding: line.prefix { $0 != 0x20 }, as: UTF8.self)
                if names.contains(name) { removed = true; continue }
                kept += line
                kept.append(0x0A)
            }
            guard removed else { continue }
            var st = stat()
            _ = stat(path, &st)
            let tmp = dir + "/." + bucket + ".new"
            _ = unlink(tmp)
            let fd = try SafeFile.open(tmp, flags: O_WRONLY | O_CREAT | O_EXCL, mode: st.st_mode & 0o777, owner: nil)
            let n = kept.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n != kept.count || fsync(fd) != 0 {
                let e = errno
                close(fd)
                unlink(tmp)
                throw FileError("write", tmp, e == 0 ? EIO : e)
            }
            _ = fchown(fd, uid_t.max, st.st_gid)
            _ = fchmod(fd, st.st_mode & 0o777)
            close(fd)
            guard rename(tmp, path) == 0 else {
                let e = errno
                unlink(tmp)
                throw FileError("rename", path, e)
            }
            syncDirectory(dir)
            loadedBuckets.remove(path)
            changed.append(path)
        }
        return changed
    }
}

/// A copy of the key store's keys at one moment (`KeyStore.table()`).
public struct KeyTable: Sendable {
    let flat: [UInt8]
    let kind: [UInt8]
    let queueOf: [Int: String]

    public enum Entry {
        /// A key, and the restricted queue whose folder holds it (if any).
        case key(queue: String?)
        case erased
        /// Not in the table: no key, or one written after it was taken.
        case unknown
    }

    public func entry(_ ref: TicketRef) -> Entry {
        let i = ref.number - 1
        guard i >= 0, i < kind.count else { return .unknown }
        switch kind[i] {
        case 1: return .key(queue: queueOf.isEmpty ? nil : queueOf[i])
        case 2: return .erased
        default: return .unknown
        }
    }

    /// Calls `body` with the ticket's 32 key bytes where they lie (nil
    /// unless `entry` is `.key`): no `SymmetricKey` per event.
    public func withKey<R>(_ ref: TicketRef, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        let i = ref.number - 1
        guard i >= 0, i < kind.count, kind[i] == 1, flat.count >= i * 32 + 32 else { return nil }
        return flat.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[i * 32 ..< i * 32 + 32])) }
    }

    /// The ticket's key for AES (nil unless `entry` is `.key`).
    public func symmetricKey(_ ref: TicketRef) -> SymmetricKey? {
        let i = ref.number - 1
        guard i >= 0, i < kind.count, kind[i] == 1 else { return nil }
        return SymmetricKey(data: flat[i * 32 ..< i * 32 + 32])
    }
}
