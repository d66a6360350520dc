import BSCCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, with what was being done and to which file.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32
    /// What was wrong when it was not the system call that failed (a link,
    /// a FIFO, another owner): replaces strerror's text.
    public var detail: String?

    public init(_ operation: String, _ path: String, _ code: Int32, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.code = code
        self.detail = detail
    }

    public var reason: String { detail ?? String(cString: strerror(code)) }
    /// The path is text from the file system: made safe for a terminal.
    public var description: String {
        detail != nil ? "\(terminalSafe(path)) \(reason)" : "\(operation) \(terminalSafe(path)): \(reason)"
    }
}

/// The system calls the journal makes, behind a protocol so tests can fail
/// the Nth write, sync or truncate, or cut a write short (SQLite's I/O-error
/// tests), and check the order of calls.
public protocol FileLayer: Sendable {
    func open(_ path: String, flags: Int32, mode: mode_t) throws(FileError) -> Int32
    func close(_ fd: Int32)
    /// May write fewer bytes than asked (a signal, a size limit, a full disk).
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) -> Int
    func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws(FileError) -> Int
    func fdatasync(_ fd: Int32, path: String) throws(FileError)
    func fsync(_ fd: Int32, path: String) throws(FileError)
    func ftruncate(_ fd: Int32, size: Int64, path: String) throws(FileError)
    func size(_ fd: Int32, path: String) throws(FileError) -> Int64
    func fchmod(_ fd: Int32, mode: mode_t, path: String) throws(FileError)
    /// Non-blocking exclusive `flock`; false when another holder has it.
    func tryLock(_ fd: Int32, path: String) throws(FileError) -> Bool
    /// Exclusive `flock`, waiting up to `timeoutSeconds`; false on timeout.
    func lock(_ fd: Int32, path: String, timeoutSeconds: Double) throws(FileError) -> Bool
    func unlock(_ fd: Int32)
    func list(_ directory: String) throws(FileError) -> [String]
    func makeDirectory(_ path: String, mode: mode_t) throws(FileError)
    func exists(_ path: String) -> Bool
    /// Why `path` (not followed if a link) is unusable as a regular file of
    /// the journal, or nil.
    func entryProblem(_ path: String) -> String?
}

extension FileLayer {
    public func entryProblem(_ path: String) -> String? { SafeFile.entryProblem(path) }

    /// Waiting by polling `tryLock` (for test layers; the real one blocks
    /// in the kernel).
    public func lock(_ fd: Int32, path: String, timeoutSeconds: Double) throws(FileError) -> Bool {
        try pollingLock(fd, path: path, timeoutSeconds: timeoutSeconds)
    }

    func pollingLock(_ fd: Int32, path: String, timeoutSeconds: Double) throws(FileError) -> Bool {
        let start = clockMonotonic()
        var delay: UInt32 = 100
        var rng = SystemRandomNumberGenerator()
        while try !tryLock(fd, path: path) {
            if clockMonotonic() - start >= timeoutSeconds { return false }
            usleep(delay / 2 + UInt32.random(in: 0...delay, using: &rng))
            delay = min(delay * 2, 1_500)
        }
        return true
    }
}

/// The real thing. Every open goes through `SafeFile`: no links followed,
/// no FIFO waited on, only regular files (or directories asked for).
public struct PosixFileLayer: FileLayer {
    /// In a single-user data directory, the user every file must belong to.
    public var owner: uid_t?

    public init(owner: uid_t? = nil) { self.owner = owner }

    public func open(_ path: String, flags: Int32, mode: mode_t) throws(FileError) -> Int32 {
        try SafeFile.open(path, flags: flags, mode: mode, owner: owner)
    }

    public func entryProblem(_ path: String) -> String? { SafeFile.entryProblem(path, owner: owner) }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) -> Int {
        while true {
            let n = Glibc.write(fd, bytes.baseAddress, bytes.count)
            if n >= 0 { return n }
            if errno != EINTR { throw FileError("write to", path, errno) }
        }
    }

    public func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws(FileError) -> Int {
        while true {
            let n = Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw FileError("read", path, errno) }
        }
    }

    public func fdatasync(_ fd: Int32, path: String) throws(FileError) {
        // Never retry a failed sync: the kernel may already have dropped the
        // dirty pages, so a second "success" would be a lie (fsyncgate).
        if Glibc.fdatasync(fd) != 0 { throw FileError("fdatasync", path, errno) }
    }

    public func fsync(_ fd: Int32, path: String) throws(FileError) {
        if Glibc.fsync(fd) != 0 { throw FileError("fsync", path, errno) }
    }

    public func ftruncate(_ fd: Int32, size: Int64, path: String) throws(FileError) {
        if Glibc.ftruncate(fd, off_t(size)) != 0 { throw FileError("truncate", path, errno) }
    }

    public func size(_ fd: Int32, path: String) throws(FileError) -> Int64 {
        var st = stat()
        if fstat(fd, &st) != 0 { throw FileError("stat", path, errno) }
        return Int64(st.st_size)
    }

    public func fchmod(_ fd: Int32, mode: mode_t, path: String) throws(FileError) {
        if Glibc.fchmod(fd, mode) != 0 { throw FileError("chmod", path, errno) }
    }

    public func tryLock(_ fd: Int32, path: String) throws(FileError) -> Bool {
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno == EWOULDBLOCK { return false }
            if errno != EINTR { throw FileError("lock", path, errno) }
        }
    }

    /// Waits in the kernel: a blocked `flock` is woken as soon as the
    /// holder lets go, where polling sleeps through releases and lets the
    /// same writers win again and again (8 writers: p99 150 ms polling).
    /// A timer aimed at this thread interrupts the wait at the deadline.
    public func lock(_ fd: Int32, path: String, timeoutSeconds: Double) throws(FileError) -> Bool {
        if try tryLock(fd, path: path) { return true }
        let deadline = clockMonotonic() + timeoutSeconds
        // Threads may block signals (Dispatch's worker threads do): let
        // the timer's SIGALRM through to this one while it waits.
        var alarm = sigset_t()
        var previous = sigset_t()
        sigemptyset(&alarm)
        sigaddset(&alarm, SIGALRM)
        pthread_sigmask(SIG_UNBLOCK, &alarm, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        guard let timer = LockWaitTimer(seconds: timeoutSeconds) else {
            // No timer to be had: poll instead.
            return try pollingLock(fd, path: path, timeoutSeconds: timeoutSeconds)
        }
        // Deleted before the mask is restored: no alarm is left pending.
        defer { timer.cancel() }
        while true {
            if flock(fd, LOCK_EX) == 0 { return true }
            if errno != EINTR { throw FileError("lock", path, errno) }
            if clockMonotonic() >= deadline { return false }
        }
    }

    public func unlock(_ fd: Int32) { _ = flock(fd, LOCK_UN) }

    public func list(_ directory: String) throws(FileError) -> [String] {
        try SafeFile.checkDirectory(directory, owner: owner)
        guard let dir = opendir(directory) else { throw FileError("list", directory, errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func makeDirectory(_ path: String, mode: mode_t) throws(FileError) {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw FileError("create directory", path, errno) }
    }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}

/// A POSIX timer that sends SIGALRM to the calling thread at a deadline
/// (and every 100 ms after it, in case the first arrived just before the
/// wait began), so a blocking `flock` returns EINTR. SIGALRM gets a handler
/// that does nothing, installed without SA_RESTART.
final class LockWaitTimer {
    private var timer: timer_t?

    private static let handlerInstalled: Bool = {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        return sigaction(SIGALRM, &action, nil) == 0
    }()

    init?(seconds: Double) {
        guard Self.handlerInstalled else { return nil }
        var event = sigevent()
        event.sigev_notify = 4  // SIGEV_THREAD_ID
        event.sigev_signo = SIGALRM
        guard let tid = Self.currentThreadID() else { return nil }
        event._sigev_un._tid = tid
        guard timer_create(CLOCK_MONOTONIC, &event, &timer) == 0 else { return nil }
        let whole = max(0, seconds.rounded(.down))
        var spec = itimerspec(
            it_interval: timespec(tv_sec: 0, tv_nsec: 100_000_000),
            it_value: timespec(tv_sec: Int(whole), tv_nsec: max(1, Int((seconds - whole) * 1e9))))
        guard timer_settime(timer, 0, &spec, nil) == 0 else {
            timer_delete(timer)
            return nil
        }
    }

    /// The kernel's id of the calling thread: /proc/thread-self links to
    /// "<pid>/task/<tid>" (Swift cannot call the variadic `syscall`).
    static func currentThreadID() -> pid_t? {
        var buf = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        let text = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "/").last.flatMap { pid_t($0) }
    }

    func cancel() {
        if let t = timer { timer_delete(t) }
        timer = nil
    }

    deinit { cancel() }
}
