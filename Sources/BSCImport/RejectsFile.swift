import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// The rejects file, written a line at a time and put in place whole: a
/// new temporary file beside it (never written through a link planted
/// under that name), synced, then renamed over the target.
public final class RejectsFile {
    let target: String
    let temporary: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var done = false

    public init(path: String, mode: mode_t = 0o600) throws(ImportError) {
        target = path
        temporary = path + ".tmp-" + String(getpid())
        unlink(temporary)
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ImportError("cannot write \(terminalSafe(temporary)): \(String(cString: strerror(errno)))") }
        _ = fchmod(fd, mode)
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if !done {
            close(fd)
            unlink(temporary)
        }
    }

    public func write(_ text: String) throws(ImportError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try drain() }
    }

    private func drain() throws(ImportError) {
        var at = 0
        while at < buffer.count {
            let n = buffer[at...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ImportError("cannot write \(terminalSafe(target)): \(String(cString: strerror(errno)))") }
            at += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Syncs the file and puts it in place.
    public func commit() throws(ImportError) {
        try drain()
        guard fsync(fd) == 0 else { throw ImportError("cannot write \(terminalSafe(target)): \(String(cString: strerror(errno)))") }
        close(fd)
        done = true
        guard rename(temporary, target) == 0 else {
            let e = errno
            unlink(temporary)
            throw ImportError("cannot write \(terminalSafe(target)): \(String(cString: strerror(e)))")
        }
        let dir = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}
