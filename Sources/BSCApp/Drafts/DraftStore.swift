import BSCCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps one terminal's call draft at `drafts/<login>.<terminal>.json`:
/// written on change at most every `interval` millis (and on `flush`),
/// atomically (temp file, fsync, rename; mode 0600), removed after a
/// successful save. Each terminal has its own draft, so two terminals of
/// one login never overwrite each other.
///
/// A terminal claims its draft with an flock on `.<name>.lock`, held for
/// the session's life; the kernel drops it when the process dies however
/// it dies. A draft whose lock nobody holds is an orphan of a crashed or
/// killed session, and `adoptOrphans` hands it to the next session.
///
/// The newest encoded draft is also kept in plain C memory so that
/// `flushFromSignal()` can write it with async-signal-safe calls only
/// (open/write/fsync/rename) from a SIGHUP/SIGTERM handler.
public final class DraftStore: @unchecked Sendable {
    /// An unsaved draft left by a session that is gone, claimed by this one.
    public struct Orphan: Sendable {
        public var draft: CallDraft
        let path: String
        let lockPath: String
        let lockFD: Int32
    }

    public let path: String
    private let tempPath: String
    private let directory: String
    private let login: String
    private let lockPath: String
    private var lockFD: Int32 = -1
    public let interval: Int64
    private var pending: [UInt8]?
    private var lastWrite: Instant?
    /// The last write's error, if any (shown in the status line).
    public private(set) var lastError: String?
    /// The newest draft recorded, nil once cleared: the team server
    /// mirrors it to the terminal, which keeps it if the server goes away.
    public private(set) var latest: CallDraft?

    /// `terminal`: this session's draft id; a fresh one (process id and
    /// start time) when nil.
    public init(directory: String, login: String, terminal: String? = nil, interval: Int64 = 300) {
        // Logins are validated, but never let one name a path elsewhere.
        let safe = Self.safeName(login)
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let id = Self.safeName(terminal ?? "\(Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)-\(getpid())-\(Self.nextSerial())")
        self.directory = directory
        self.login = safe
        path = directory + "/" + safe + "." + id + ".json"
        tempPath = directory + "/." + safe + "." + id + ".json.tmp"
        lockPath = directory + "/." + safe + "." + id + ".lock"
        self.interval = interval
        mkdir(directory, 0o700)
        lockFD = Self.claim(lockPath)
    }

    deinit { close() }

    /// Tells apart stores made in the same millisecond by one process.
    private static let serial = Mutex(0)
    static func nextSerial() -> Int { serial.withLock { $0 += 1; return $0 } }

    static func safeName(_ s: String) -> String {
        String(s.map { $0 == "/" || $0 == "\0" || $0 == "." ? "_" : $0 })
    }

    /// Opens and locks a claim file without waiting; -1 if another live
    /// session holds it (or it cannot be made).
    static func claim(_ lockPath: String) -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return -1 }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(fd)
            return -1
        }
        return fd
    }

    /// Gives up this terminal's claim (at exit). A draft still on disk then
    /// becomes an orphan the next session offers. Safe to call twice.
    public func close() {
        guard lockFD >= 0 else { return }
        Glibc.close(lockFD)
        lockFD = -1
    }

    /// This terminal's saved draft, if one exists and is readable.
    public func load() -> CallDraft? {
        readDraftFile(path).flatMap(CallDraft.decode)
    }

    /// Every unsaved draft of this login whose session is gone (oldest
    /// first), each claimed for this session until `release`d. Includes a
    /// `<login>.json` left by versions that kept one draft per login.
    public func adoptOrphans() -> [Orphan] {
        guard let dir = opendir(directory) else { return [] }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasSuffix(".json"), name == login + ".json" || name.hasPrefix(login + ".") else { continue }
            names.append(name)
        }
        closedir(dir)
        var out: [(Int64, Orphan)] = []
        for name in names {
            let full = directory + "/" + name
            guard full != path else { continue }
            let lock = directory + "/." + String(name.dropLast(5)) + ".lock"
            let fd = Self.claim(lock)
            guard fd >= 0 else { continue }  // its terminal is still running
            guard let draft = readDraftFile(full).flatMap(CallDraft.decode), !draft.isBlank else {
                Glibc.close(fd)
                continue
            }
            out.append((draft.startedAtMillis, Orphan(draft: draft, path: full, lockPath: lock, lockFD: fd)))
        }
        // Oldest call first; drafts of one moment in the order their
        // terminals started (the name begins with the start time).
        return out.sorted { ($0.0, $0.1.path) < ($1.0, $1.1.path) }.map(\.1)
    }

    /// An adopted draft is now this terminal's (restored into the form) or
    /// gone: writes it as this terminal's draft first when `keep`, so a
    /// crash in between loses nothing, then removes the orphan's files.
    public func release(_ orphan: Orphan, keep: Bool) {
        if keep {
            latest = orphan.draft
            pending = orphan.draft.encoded()
            write(now: lastWrite ?? Instant(millis: 0))
        }
        unlink(orphan.path)
        unlink(orphan.lockPath)
        Glibc.close(orphan.lockFD)
    }

    /// Records the current form; writes now if the last write is older than
    /// the interval, else on the next `tick`/`flush`.
    public func update(_ draft: CallDraft, now: Instant) {
        let bytes = draft.encoded()
        latest = draft
        pending = bytes
        // The crash-time writer follows nothing it has not checked: only a
        // folder of our own gets the draft (write says why otherwise).
        if Self.isOwnFolder(directory) { SignalDraft.shared.publish(bytes, path: path, tempPath: tempPath) }
        if let last = lastWrite, now.millis - last.millis < interval { return }
        write(now: now)
    }

    /// Writes a pending draft once the interval has passed. True if written.
    @discardableResult
    public func tick(now: Instant) -> Bool {
        guard pending != nil else { return false }
        if let last = lastWrite, now.millis - last.millis < interval { return false }
        write(now: now)
        return true
    }

    /// Writes a pending draft now (before exit).
    public func flush() {
        if pending != nil { write(now: lastWrite ?? Instant(millis: 0)) }
    }

    public var hasPending: Bool { pending != nil }

    /// Forgets the draft: the call was saved (or the form cleared).
    public func clear() {
        latest = nil
        pending = nil
        SignalDraft.shared.withdraw()
        unlink(path)
    }

    private func write(now: Instant) {
        guard let bytes = pending else { return }
        guard Self.isOwnFolder(directory) else {
            lastError = "cannot save the draft: \(directory) is not a folder of this user's own (a link, or someone else's); nothing was written there"
            lastWrite = now
            return
        }
        if atomicWrite(bytes, to: path, temp: tempPath) {
            pending = nil
            lastError = nil
            SignalDraft.shared.withdraw()
        } else {
            lastError = "cannot save the draft to \(path): \(String(cString: strerror(errno)))"
        }
        lastWrite = now
    }

    /// A real folder (not a link) owned by this process's user.
    static func isOwnFolder(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR && st.st_uid == geteuid()
    }

    /// Called from a signal handler: writes the newest unsaved draft with
    /// async-signal-safe calls only.
    public static func flushFromSignal() { SignalDraft.shared.flush() }
}

/// A draft file, read only if it is a small regular file (never through a
/// symlink): another login could have planted anything in the folder.
func readDraftFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size <= 1 << 20 else { return nil }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while out.count <= 1 << 20 {
        let n = read(fd, &buf, buf.count)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

/// temp file, write, fsync, rename, fsync the directory.
@discardableResult
func atomicWrite(_ bytes: [UInt8], to path: String, temp: String) -> Bool {
    // A new file only: whatever was planted under the temp name (a link,
    // a FIFO) is removed, never written through or waited on.
    unlink(temp)
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    fchmod(fd, 0o600)
    let ok = bytes.withUnsafeBytes { writeAll(fd, $0.baseAddress, $0.count) } && fsync(fd) == 0
    close(fd)
    guard ok, rename(temp, path) == 0 else { unlink(temp); return false }
    let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
    return true
}

private func writeAll(_ fd: Int32, _ base: UnsafeRawPointer?, _ count: Int) -> Bool {
    guard var p = base else { return count == 0 }
    var left = count
    while left > 0 {
        let n = Glibc.write(fd, p, left)
        if n < 0 { if errno == EINTR { continue }; return false }
        left -= n
        p = p.advanced(by: n)
    }
    return true
}

/// Two preallocated C buffers: the main thread fills the inactive one and
/// then flips `current`, so a signal arriving mid-update still sees a
/// whole draft. Paths are copied to C strings once.
final class SignalDraft: @unchecked Sendable {
    static let shared = SignalDraft()
    private var buffers: [UnsafeMutablePointer<UInt8>?] = [nil, nil]
    private var capacities = [0, 0]
    private var lengths = [0, 0]
    /// -1: nothing unsaved.
    private var current: Int = -1
    private var path: UnsafeMutablePointer<CChar>?
    private var temp: UnsafeMutablePointer<CChar>?

    func publish(_ bytes: [UInt8], path p: String, tempPath t: String) {
        if path == nil { path = strdup(p); temp = strdup(t) }
        let slot = current == 0 ? 1 : 0
        if capacities[slot] < bytes.count {
            buffers[slot]?.deallocate()
            let cap = max(4096, bytes.count * 2)
            buffers[slot] = .allocate(capacity: cap)
            capacities[slot] = cap
        }
        bytes.withUnsafeBufferPointer { buffers[slot]!.update(from: $0.baseAddress!, count: bytes.count) }
        lengths[slot] = bytes.count
        current = slot
    }

    func withdraw() { current = -1 }

    func flush() {
        let slot = current
        guard slot >= 0, let buf = buffers[slot], let path, let temp else { return }
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let ok = writeAll(fd, buf, lengths[slot]) && fsync(fd) == 0
        close(fd)
        if ok && rename(temp, path) == 0 { current = -1 } else { unlink(temp) }
    }
}
