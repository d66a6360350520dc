import BSCJournal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the terminal keeps a call draft while its team server is away:
/// `$XDG_STATE_HOME/bscdesk` (else `~/.local/state/bscdesk`), a folder of
/// the user's own (0700), one 0600 file per draft, removed once the server
/// has it back. Only then: while the server is up it keeps the drafts.
public struct LocalDraft {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The state folder from the environment; nil when neither
    /// XDG_STATE_HOME nor HOME gives an absolute path.
    public static func directory(environment env: [String: String]) -> String? {
        if let x = env["XDG_STATE_HOME"], x.hasPrefix("/") { return x + "/bscdesk" }
        if let h = env["HOME"], h.hasPrefix("/") { return h + "/.local/state/bscdesk" }
        return nil
    }

    public func path(id: String) -> String { directory + "/call-draft." + id + ".json" }

    /// Writes the draft (temp file, fsync, rename; 0600) and returns its
    /// path. The folder is made if missing, and used only if it is a real
    /// directory of this user's that nobody else may enter.
    public func keep(_ text: String, id: String) throws(ClientError) -> String {
        try prepareDirectory()
        let target = path(id: id)
        let tmp = directory + "/.call-draft." + id + ".tmp-" + String(getpid())
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ClientError(status: 74, "cannot write \(tmp): \(String(cString: strerror(errno)))") }
        _ = fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let why = String(cString: strerror(errno))
                close(fd)
                unlink(tmp)
                throw ClientError(status: 74, "cannot write \(target): \(why)")
            }
            done += n
        }
        let synced = fsync(fd) == 0
        close(fd)
        // rename replaces a planted symlink itself, never what it points to.
        guard synced, rename(tmp, target) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw ClientError(status: 74, "cannot write \(target): \(why)")
        }
        return target
    }

    /// The server has the draft back: the local copy goes.
    public func remove(id: String) {
        unlink(path(id: id))
        unlink(lockPath(id: id))
    }

    func lockPath(id: String) -> String { directory + "/.call-draft." + id + ".lock" }

    /// Marks the draft as this terminal's while it holds it (an flock the
    /// kernel drops when the process ends), so a desk started meanwhile
    /// leaves it alone. Returns the descriptor to keep open, or -1.
    public func claim(id: String) -> Int32 {
        let fd = open(lockPath(id: id), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return -1 }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return -1
        }
        return fd
    }

    /// A draft left by a terminal that quit (or died) while the server was
    /// away, claimed for this one: its id and text. The oldest first; one
    /// at a time (the next desk started takes the next).
    public func leftover() -> (id: String, text: String, lock: Int32)? {
        guard let dir = opendir(directory) else { return nil }
        var found: [(Int, String)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("call-draft."), name.hasSuffix(".json") else { continue }
            let id = String(name.dropFirst("call-draft.".count).dropLast(".json".count))
            var st = stat()
            guard lstat(directory + "/" + name, &st) == 0 else { continue }
            found.append((Int(st.st_mtim.tv_sec), id))
        }
        closedir(dir)
        for (_, id) in found.sorted(by: { $0.0 < $1.0 }) {
            let lock = claim(id: id)
            guard lock >= 0 else { continue }  // its terminal is still running
            guard let text = Self.readSmall(path(id: id)) else {
                close(lock)
                continue
            }
            return (id, text, lock)
        }
        return nil
    }

    /// A small regular file of this user's, never through a symlink
    /// (`SafeFile`, as the data directory's files are read).
    static func readSmall(_ path: String) -> String? {
        guard let bytes = try? SafeFile.read(path, limit: 1 << 20, owner: geteuid()) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func prepareDirectory() throws(ClientError) {
        // Parents as needed (~/.local/state), each 0700 when made.
        var built = ""
        for part in directory.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o700) != 0 && errno != EEXIST {
                throw ClientError(status: 74, "cannot make \(built): \(String(cString: strerror(errno)))")
            }
        }
        var st = stat()
        guard lstat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw ClientError(status: 74, "\(directory) is not a directory (a symlink?): remove it, or set XDG_STATE_HOME")
        }
        guard st.st_uid == geteuid() else {
            throw ClientError(status: 74, "\(directory) belongs to uid \(st.st_uid), not to you: a draft is kept only in a folder of your own")
        }
        if st.st_mode & 0o077 != 0 { _ = chmod(directory, 0o700) }
    }
}
