import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// Keeps one agent's call draft at `drafts/<login>.json`: written on change
/// at most every `interval` millis (and on `flush`), atomically (temp file,
/// fsync, rename; mode 0600), removed after a successful save.
///
/// The newest encoded draft is also kept in plain C memory so that
/// `flushFromSignal()` can write it with async-signal-safe calls only
/// (open/write/fsync/rename) from a SIGHUP/SIGTERM handler.
public final class DraftStore: @unchecked Sendable {
    public let path: String
    private let tempPath: String
    public let interval: Int64
    private var pending: [UInt8]?
    private var lastWrite: Instant?
    /// The last write's error, if any (shown in the status line).
    public private(set) var lastError: String?

    public init(directory: String, login: String, interval: Int64 = 300) {
        // Logins are validated, but never let one name a path elsewhere.
        let safe = String(login.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
        path = directory + "/" + safe + ".json"
        tempPath = directory + "/." + safe + ".json.tmp"
        self.interval = interval
        mkdir(directory, 0o700)
    }

    /// The saved draft, if one exists and is readable.
    public func load() -> CallDraft? {
        guard let text = readSmallFile(path) else { return nil }
        return CallDraft.decode(Array(text.utf8))
    }

    /// Records the current form; writes now if the last write is older than
    /// the interval, else on the next `tick`/`flush`.
    public func update(_ draft: CallDraft, now: Instant) {
        let bytes = draft.encoded()
        pending = bytes
        SignalDraft.shared.publish(bytes, path: path, tempPath: tempPath)
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
        pending = nil
        SignalDraft.shared.withdraw()
        unlink(path)
    }

    private func write(now: Instant) {
        guard let bytes = pending else { return }
        if atomicWrite(bytes, to: path, temp: tempPath) {
            pending = nil
            lastError = nil
            SignalDraft.shared.withdraw()
        } else {
            lastError = "cannot save the draft to \(path): \(String(cString: strerror(errno)))"
        }
        lastWrite = now
    }

    /// Called from a signal handler: writes the newest unsaved draft with
    /// async-signal-safe calls only.
    public static func flushFromSignal() { SignalDraft.shared.flush() }
}

/// temp file, write, fsync, rename, fsync the directory.
@discardableResult
func atomicWrite(_ bytes: [UInt8], to path: String, temp: String) -> Bool {
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
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
    nonisolated(unsafe) static let shared = SignalDraft()
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
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let ok = writeAll(fd, buf, lengths[slot]) && fsync(fd) == 0
        close(fd)
        if ok && rename(temp, path) == 0 { current = -1 } else { unlink(temp) }
    }
}
