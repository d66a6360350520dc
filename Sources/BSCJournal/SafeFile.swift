import BSCCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way bscdesk opens a file in its data directory. Files there are
/// hostile until checked: someone may have put a symbolic link to
/// /etc/passwd where a segment belongs, a FIFO where the snapshot goes (an
/// open would block for ever) or a directory named like a segment.
///
/// - `O_NOFOLLOW`: a link is refused, never followed;
/// - `O_NONBLOCK` for the open itself (a FIFO cannot hang it), cleared
///   afterwards for regular files;
/// - `fstat` on the open descriptor (no race with a rename): a regular file
///   (or a directory, when one was asked for), and, when `owner` is set (a
///   single-user data directory), owned by that user.
public enum SafeFile {
    /// Opens `path`; anything but what was asked for throws, naming the path.
    public static func open(_ path: String, flags: Int32, mode: mode_t = 0, owner: uid_t? = nil) throws(FileError) -> Int32 {
        var fd: Int32
        while true {
            fd = Glibc.open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
            if fd >= 0 { break }
            let e = errno
            if e == EINTR { continue }
            if e == ELOOP || e == EMLINK {
                throw FileError("open", path, e, detail: "is a symbolic link; bscdesk never follows links in its data directory")
            }
            throw FileError("open", path, e)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw FileError("stat", path, e)
        }
        if let problem = problem(st, wantDirectory: flags & O_DIRECTORY != 0, owner: owner) {
            Glibc.close(fd)
            throw FileError("open", path, EINVAL, detail: problem)
        }
        if flags & O_NONBLOCK == 0 {
            let fl = fcntl(fd, F_GETFL)
            if fl >= 0 { _ = fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) }
        }
        return fd
    }

    /// What is wrong with a file of this kind and owner, or nil.
    public static func problem(_ st: stat, wantDirectory: Bool = false, owner: uid_t? = nil) -> String? {
        let kind = st.st_mode & S_IFMT
        if wantDirectory {
            if kind != S_IFDIR { return "is \(describe(kind)), not a directory" }
        } else if kind != S_IFREG {
            return "is \(describe(kind)), not a regular file"
        }
        if let owner, st.st_uid != owner {
            return "is owned by user id \(st.st_uid), not by you (\(owner)); in a single-user data directory every file must be yours"
        }
        return nil
    }

    /// What `lstat` says is wrong with `path` as a regular file, or nil.
    public static func entryProblem(_ path: String, owner: uid_t? = nil) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return String(cString: strerror(errno)) }
        return problem(st, owner: owner)
    }

    /// Refuses a directory that is a symbolic link or not a directory (a
    /// linked `journal/` would send every write somewhere else). A missing
    /// one is fine: it is created later.
    public static func checkDirectory(_ path: String, owner: uid_t? = nil) throws(FileError) {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw FileError("stat", path, errno)
        }
        if let problem = problem(st, wantDirectory: true, owner: owner) {
            throw FileError("open", path, ENOTDIR, detail: problem)
        }
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    /// The most read of a knowledge article (`kb/`) and of a theme.
    public static let articleBytes = 64 << 10
    public static let themeBytes = 1 << 20

    /// Reads a whole small file opened as above, refusing one larger than
    /// `maxBytes` (a knowledge article, a theme: a file that size is not one,
    /// and reading it would only cost memory). The error names the path,
    /// its size and the bound.
    public static func readWhole(_ path: String, maxBytes: Int, owner: uid_t? = nil) throws(FileError) -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY, owner: owner)
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError("stat", path, errno) }
        let tooLarge = "is larger than \(sizeText(maxBytes)), the most bscdesk reads for such a file"
        if Int64(st.st_size) > Int64(maxBytes) {
            throw FileError("open", path, EFBIG, detail: "is \(sizeText(Int(clamping: st.st_size))); \(tooLarge.dropFirst(3))")
        }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        // One byte more than allowed: a file that grew while read is refused too.
        while out.count <= maxBytes {
            let n = Glibc.read(fd, &buf, min(buf.count, maxBytes + 1 - out.count))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path, errno)
            }
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
        throw FileError("read", path, EFBIG, detail: tooLarge)
    }

    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// Reads a whole small file opened as above, up to `limit` bytes.
    public static func read(_ path: String, limit: Int = 4 << 20, owner: uid_t? = nil) throws(FileError) -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY, owner: owner)
        defer { Glibc.close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = Glibc.read(fd, &buf, min(buf.count, limit - out.count))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path, errno)
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }
}
