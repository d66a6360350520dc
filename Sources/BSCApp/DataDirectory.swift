import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The directory that holds a desk's configuration, journal, drafts and
/// knowledge articles. Shared by every agent on a team server.
public struct DataDirectory: Sendable {
    public let path: String
    /// Where the choice came from, for `doctor` and error messages.
    public let source: String

    public var configPath: String { path + "/" + DefaultConfiguration.fileName }
    public var journalPath: String { path + "/journal" }
    public var draftsPath: String { path + "/drafts" }
    public var knowledgePath: String { path + "/kb" }
    public var themesPath: String { path + "/themes" }

    public init(path: String, source: String) {
        self.path = path
        self.source = source
    }

    /// `--data DIR`, else `BSCDESK_DATA`, else the system-wide setting
    /// (`data = "…"` in /etc/bscdesk/bscdesk.conf, or the file named by
    /// `BSCDESK_SYSTEM_CONFIG`), else `$XDG_DATA_HOME/bscdesk`, else
    /// `~/.local/share/bscdesk`.
    public static func resolve(option: String?, environment env: [String: String]) throws(DeskError) -> DataDirectory {
        if let option, !option.isEmpty { return DataDirectory(path: absolute(option), source: "--data") }
        if let d = env["BSCDESK_DATA"], !d.isEmpty { return DataDirectory(path: absolute(d), source: "BSCDESK_DATA") }
        let systemFile = env["BSCDESK_SYSTEM_CONFIG"] ?? "/etc/bscdesk/bscdesk.conf"
        if let text = readSmallFile(systemFile, system: true) {
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: " \t")
                guard line.hasPrefix("data"), let eq = line.firstIndex(of: "=") else { continue }
                let key = line[..<eq].trimmingCharacters(in: " \t")
                guard key == "data" else { continue }
                let value = line[line.index(after: eq)...].trimmingCharacters(in: " \t\"")
                guard value.hasPrefix("/") else {
                    throw .config("\(systemFile): data must be an absolute path, e.g. data = \"/srv/bscdesk\"")
                }
                return DataDirectory(path: value, source: systemFile)
            }
        }
        if let xdg = env["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return DataDirectory(path: xdg + "/bscdesk", source: "XDG_DATA_HOME")
        }
        guard let home = env["HOME"] ?? homeDirectory() else {
            throw .config("cannot find a data directory: pass --data DIR or set BSCDESK_DATA")
        }
        return DataDirectory(path: home + "/.local/share/bscdesk", source: "default")
    }

    static func absolute(_ p: String) -> String {
        if p.hasPrefix("/") { return p }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buf, buf.count) != nil else { return p }
        let cwd = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return cwd + "/" + p
    }

    static func homeDirectory() -> String? {
        guard let pw = getpwuid(geteuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// Whether the configuration is there (as anything: a link or a FIFO in
    /// its place is refused when read, never replaced).
    public var exists: Bool {
        var st = stat()
        return lstat(configPath, &st) == 0
    }

    /// Creates the directory with a commented default configuration whose
    /// first supervisor is `login`. Owner-only permissions.
    public func create(firstSupervisor login: String) throws(DeskError) {
        try makeDirectories(path, mode: 0o700)
        for sub in [journalPath, draftsPath, knowledgePath] {
            if mkdir(sub, 0o700) != 0 && errno != EEXIST {
                throw DeskError(.ioFailure, "cannot create \(sub): \(String(cString: strerror(errno)))")
            }
        }
        if !exists {
            try writeAtomically(configPath, DefaultConfiguration.text(firstSupervisor: login), mode: 0o600)
        }
        for (name, body) in StarterArticles.all where access(knowledgePath + "/" + name, F_OK) != 0 {
            try writeAtomically(knowledgePath + "/" + name, body, mode: 0o600)
        }
    }

    private func makeDirectories(_ p: String, mode: mode_t) throws(DeskError) {
        var built = ""
        for part in p.split(separator: "/") {
            built += "/" + part
            if mkdir(built, built == p ? mode : 0o755) != 0 && errno != EEXIST {
                throw DeskError(.ioFailure, "cannot create the data directory \(built): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Temp file, fsync, rename, fsync the directory: a reader never sees a
    /// half-written file.
    public func writeAtomically(_ target: String, _ text: String, mode: mode_t) throws(DeskError) {
        let tmp = target + ".tmp-" + String(getpid())
        // A new file only: a link planted under the temp name is never
        // written through (O_EXCL fails on it).
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw DeskError(.ioFailure, "cannot write \(tmp): \(String(cString: strerror(errno)))") }
        _ = fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                let err = errno
                close(fd)
                unlink(tmp)
                throw DeskError(.ioFailure, "cannot write \(target): \(String(cString: strerror(err)))")
            }
            done += n
        }
        guard fsync(fd) == 0 else {
            let err = errno
            close(fd)
            unlink(tmp)
            throw DeskError(.ioFailure, "cannot write \(target): \(String(cString: strerror(err)))")
        }
        close(fd)
        guard rename(tmp, target) == 0 else {
            unlink(tmp)
            throw DeskError(.ioFailure, "cannot write \(target): \(String(cString: strerror(errno)))")
        }
        let dir = String(target[..<(target.lastIndex(of: "/") ?? target.endIndex)])
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

/// Reads a small file of the data directory the safe way (`SafeFile`: no
/// link followed, no FIFO waited on, a regular file only); nil if it cannot
/// be used. `system` files outside the data directory (/etc, /proc) may
/// be links, as administrators make them.
func readSmallFile(_ path: String, limit: Int = 4 << 20, system: Bool = false) -> String? {
    if system {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }
    guard let bytes = try? SafeFile.read(path, limit: limit) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

extension DataDirectory {
    /// bscdesk.toml, opened the safe way, with its permission bits and
    /// owner for the caller's checks. A link, a FIFO or a directory in its
    /// place is refused with a message naming it.
    public func readConfigurationFile() throws(DeskError) -> (text: String, mode: mode_t, owner: uid_t) {
        let fd: Int32
        do {
            fd = try SafeFile.open(configPath, flags: O_RDONLY)
        } catch {
            throw .config("cannot read \(error.detail != nil ? error.description : terminalSafe(configPath) + ": " + error.reason)")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .config("cannot read \(terminalSafe(configPath)): \(String(cString: strerror(errno)))") }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < 4 << 20 {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .config("cannot read \(terminalSafe(configPath)): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return (String(decoding: out, as: UTF8.self), st.st_mode, st.st_uid)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
