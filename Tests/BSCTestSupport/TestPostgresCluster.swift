import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for one test: `initdb` in a temporary
/// directory, run as an unprivileged OS user (the `postgres` account the
/// Debian package creates, when the tests run as root), listening on a
/// free loopback port. `stop()` (also run by `deinit`) kills it and
/// removes the directory. Anything that goes wrong throws with the reason:
/// a test that cannot start PostgreSQL fails, it never passes silently.
public final class TestPostgresCluster: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ d: String) { description = d }
    }

    public let directory: String
    public let dataDirectory: String
    public let port: Int
    public let bin: String
    /// The OS user the cluster runs as (nil: the test's own user).
    public let osUser: String?
    public static let superuser = "bscdesk"
    private var stopped = false

    /// `synchronousStandbyNames`, `settings`: extra `postgresql.conf` lines.
    public init(settings: [String] = [], fsync: Bool = false, from basebackupOf: TestPostgresCluster? = nil) throws {
        bin = try Self.findBin()
        osUser = try Self.unprivilegedUser()
        // Short: the Unix socket path inside it must stay under 108 bytes.
        var template = Array((NSTemporaryDirectory() + "/bscdesk-pg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp failed: \(String(cString: strerror(errno)))") }
        directory = String(cString: made)
        dataDirectory = directory + "/data"
        port = try Self.freePort()
        if let u = osUser {
            guard let pw = getpwnam(u) else { throw Failure("no user \(u)") }
            guard chown(directory, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else {
                throw Failure("cannot chown \(directory) to \(u): \(String(cString: strerror(errno)))")
            }
        }
        do {
            if let primary = basebackupOf {
                // A standby: a base backup streamed from the primary, with
                // standby.signal and primary_conninfo written by -R.
                try run(bin + "/pg_basebackup", ["-h", "127.0.0.1", "-p", "\(primary.port)", "-U", Self.superuser,
                                                 "-D", dataDirectory, "-R", "-X", "stream", "-c", "fast"])
            } else {
                try run(bin + "/initdb", ["-D", dataDirectory, "-U", Self.superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
            }
            var conf = [
                "listen_addresses = '127.0.0.1'", "port = \(port)", "unix_socket_directories = '\(directory)'",
                "fsync = \(fsync ? "on" : "off")", "max_connections = 200", "shared_buffers = 32MB",
                "wal_level = replica", "max_wal_senders = 5", "hot_standby = on",
            ]
            if basebackupOf == nil {
                conf.append("cluster_name = 'site\(port)'")
            }
            conf += settings
            let confPath = dataDirectory + "/postgresql.auto.conf"
            let existing = (try? String(contentsOfFile: confPath, encoding: .utf8)) ?? ""
            try (existing + conf.joined(separator: "\n") + "\n").write(toFile: confPath, atomically: false, encoding: .utf8)
            if let u = osUser, let pw = getpwnam(u) { _ = chown(confPath, pw.pointee.pw_uid, pw.pointee.pw_gid) }
            try start()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    public func url(database: String = "postgres") -> String {
        "postgresql://\(Self.superuser)@127.0.0.1:\(port)/\(database)"
    }

    public func start() throws {
        try run(bin + "/pg_ctl", ["-D", dataDirectory, "-l", directory + "/log", "-w", "-t", "60", "start"])
    }

    /// Stops fast (for a planned restart); `kill9()` for a crash.
    public func stopServer() throws {
        try run(bin + "/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
    }

    /// The postmaster's pid, from postmaster.pid.
    public var postmasterPid: pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let pid = pid_t(first) else { return nil }
        return pid
    }

    /// SIGKILL to the postmaster and every backend: the site is gone.
    public func kill9() {
        guard let pid = postmasterPid else { return }
        kill(pid, SIGKILL)
        // Backends notice the dead postmaster by themselves; kill them now
        // so that no half-dead site answers.
        if let dir = opendir("/proc") {
            while let ent = readdir(dir) {
                var name = ent.pointee.d_name
                let s = withUnsafePointer(to: &name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                guard let child = pid_t(s),
                      let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 1, pid_t(fields[1]) == pid { kill(child, SIGKILL) }
            }
            closedir(dir)
        }
        var status: Int32 = 0
        for _ in 0..<200 where Glibc.kill(pid, 0) == 0 {
            _ = waitpid(pid, &status, WNOHANG)
            usleep(10_000)
        }
    }

    public func promote() throws {
        try run(bin + "/pg_ctl", ["-D", dataDirectory, "-w", "promote"])
    }

    /// Runs SQL through psql as the superuser; returns its output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", Self.superuser, "-d", database, "-c", sql])
    }

    public func createDatabase(_ name: String) throws {
        try psql("CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        if postmasterPid != nil {
            _ = try? run(bin + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "20", "stop"])
            kill9()
        }
        _ = try? FileManager.default.removeItem(atPath: directory)
    }

    public var log: String { (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "" }

    /// Runs a PostgreSQL program as the cluster's OS user; throws with
    /// its output when it fails. posix_spawn and waitpid, not Foundation's
    /// Process: that waits on a descriptor the server pg_ctl starts
    /// inherits and keeps open, so it would never see pg_ctl exit.
    @discardableResult
    public func run(_ program: String, _ args: [String]) throws -> String {
        // In the cluster's directory: the test's may be closed to its user.
        let argv = (osUser.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? [])
            + ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, program] + args
        let out = NSTemporaryDirectory() + "/bscdesk-pg-out-\(UUID().uuidString)"
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        // Test threads block signals; a server started with that mask
        // would ignore pg_ctl's stop requests.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, environ)
        guard rc == 0 else { throw Failure("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            var why = "\((program as NSString).lastPathComponent) \(args.joined(separator: " ")) failed (status \(status)): \(text)"
            if program.hasSuffix("pg_ctl") { why += "\nserver log:\n" + String(log.suffix(2000)) }
            throw Failure(why)
        }
        return text
    }

    static func findBin() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let v = versions.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") else {
            throw Failure("PostgreSQL is not installed (no \(root)/N/bin/initdb): apt-get install postgresql (.ci/run does)")
        }
        return "\(root)/\(v)/bin"
    }

    /// PostgreSQL refuses to run as root: as root, use the `postgres` account.
    static func unprivilegedUser() throws -> String? {
        guard geteuid() == 0 else { return nil }
        guard getpwnam("postgres") != nil else {
            throw Failure("running as root and there is no postgres account to run PostgreSQL as: apt-get install postgresql creates it")
        }
        return "postgres"
    }

    /// A loopback port nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw Failure("bind: \(String(cString: strerror(errno)))") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
