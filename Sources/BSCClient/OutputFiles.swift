import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the files a command streams back (`export`, `sar`) as the
/// client's own user: the server never opens a path a client names, so it
/// cannot be made to write where its account may and the person may not.
/// Each file is written whole or not at all (temp file, fsync, then
/// rename or link), mode 0600; a failure removes the files this call
/// made.
public struct OutputFiles {
    public let base: String
    public let suffixes: [String]
    /// Replace files that exist (`export --force`); else refuse them.
    public let overwrite: Bool
    /// What to say when a file exists and may not be replaced.
    public let existsAdvice: String
    /// A file name to suggest when `--out` names a folder.
    public let example: String

    public init(base: String, suffixes: [String], overwrite: Bool, existsAdvice: String, example: String) {
        self.base = base
        self.suffixes = suffixes
        self.overwrite = overwrite
        self.existsAdvice = existsAdvice
        self.example = example
    }

    public var paths: [String] { suffixes.map { base + $0 } }

    /// Before the command runs: a file name, not a folder; nothing that
    /// may not be replaced is there.
    public func check() throws(ClientError) {
        var st = stat()
        if base.hasSuffix("/") || (stat(base, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR) {
            let dir = base.hasSuffix("/") ? base : base + "/"
            throw ClientError(status: 64, "\(base) is a directory: --out takes a file name, e.g. \(dir)\(example); nothing was written")
        }
        guard !overwrite else { return }
        for p in paths where lstat(p, &st) == 0 {
            throw ClientError(status: 64, "\(p) already exists: \(existsAdvice); nothing was written")
        }
    }

    /// Writes `files` (each at `base` + its suffix, in order). Returns the
    /// paths written.
    @discardableResult
    public func write(_ files: [OutputFile]) throws(ClientError) -> [String] {
        try check()
        var made: [String] = []
        for f in files {
            let target = base + f.suffix
            var st = stat()
            let existed = lstat(target, &st) == 0
            do {
                try Self.writeOne(target, f.content, replace: overwrite)
            } catch {
                for p in made { unlink(p) }
                throw error
            }
            if !existed { made.append(target) }
        }
        return files.map { base + $0.suffix }
    }

    static func writeOne(_ target: String, _ text: String, replace: Bool) throws(ClientError) {
        let tmp = target + ".tmp-" + String(getpid())
        // A new file only: a link planted under the temp name is never
        // written through (O_EXCL fails on it).
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ClientError(status: 74, "cannot write \(target): \(String(cString: strerror(errno))); nothing was written") }
        _ = fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var done = 0
        func fail(_ err: Int32) -> ClientError {
            close(fd)
            unlink(tmp)
            return ClientError(status: 74, "cannot write \(target): \(String(cString: strerror(err))); nothing was written")
        }
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw fail(errno) }
            done += n
        }
        guard fsync(fd) == 0 else { throw fail(errno) }
        close(fd)
        if replace {
            guard rename(tmp, target) == 0 else {
                let err = errno
                unlink(tmp)
                throw ClientError(status: 74, "cannot write \(target): \(String(cString: strerror(err))); nothing was written")
            }
        } else {
            // link() never replaces: a file that appeared since the check
            // is kept, and this write refused.
            let linked = link(tmp, target) == 0
            let err = errno
            unlink(tmp)
            guard linked else {
                throw ClientError(status: err == EEXIST ? 64 : 74, "cannot write \(target): \(String(cString: strerror(err))); nothing was written")
            }
        }
        let dir = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}
