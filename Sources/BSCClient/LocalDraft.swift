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
    public func remove(id: String) { unlink(path(id: id)) }

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
