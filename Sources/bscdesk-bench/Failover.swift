import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk-bench failover [--runs N] [--clients C] [--count M]`: the two
/// sites of docs/postgresql.md, N times, each with its own kill moment.
/// A primary and a synchronous standby (`pg_basebackup -R`, fsync and
/// synchronous_commit on), two `bscdesk serve --store` with C resending
/// clients each (M appends per client); the primary is killed (-9) once
/// the clients have a run-dependent number of appends acknowledged, the
/// standby promoted, both servers restarted on it. Each run prints what
/// was acknowledged and stored, whether every acknowledged event is
/// stored exactly once with positions 1…N, whether the chain verifies
/// and whether both servers give the same figures; exit 1 if any run
/// failed. Runs as an unprivileged user (PostgreSQL and `bscdesk serve`
/// both refuse root): that user is the desk's supervisor and its clients.
enum Failover {
    static let usage = "usage: bscdesk-bench failover [--runs N] [--clients C] [--count M]   (as an unprivileged user; needs the postgresql package)"

    static func run(_ arguments: [String]) -> Int32 {
        var runs = 10, clients = 50, count = 4
        var args = arguments[...]
        while let a = args.popFirst() {
            switch a {
            case "--runs": runs = args.popFirst().flatMap { Int($0) } ?? -1
            case "--clients": clients = args.popFirst().flatMap { Int($0) } ?? -1
            case "--count": count = args.popFirst().flatMap { Int($0) } ?? -1
            default:
                FileHandle.standardError.write("bscdesk-bench: unknown option \(a) for failover; \(usage)\n".data(using: .utf8)!)
                return 64
            }
        }
        guard runs > 0, clients > 0, count > 0 else {
            FileHandle.standardError.write("bscdesk-bench: failover needs whole numbers above 0; \(usage)\n".data(using: .utf8)!)
            return 64
        }
        guard geteuid() != 0 else {
            FileHandle.standardError.write("bscdesk-bench: failover runs PostgreSQL and bscdesk serve, which refuse root: run it as an unprivileged user (runuser -u USER -- bscdesk-bench failover)\n".data(using: .utf8)!)
            return 77
        }
        let total = 2 * clients * count
        guard FileManager.default.isExecutableFile(atPath: bscdesk) else {
            FileHandle.standardError.write("bscdesk-bench: no bscdesk next to this binary (\(bscdesk)): build both products\n".data(using: .utf8)!)
            return 69
        }
        var failed = 0
        for r in 1...runs {
            // Kill moments spread over the run: from the first appends to
            // near the last.
            let low = max(1, total * (r - 1) / (runs + 1)), high = max(low, total * r / (runs + 1))
            let target = Int.random(in: low...high)
            do {
                let line = try once(run: r, killAfter: target, clients: clients, count: count)
                print(line)
                if !line.contains(" ok") { failed += 1 }
            } catch {
                print("failover run \(r): FAILED: \(error)")
                failed += 1
            }
        }
        print("failover: \(runs - failed) of \(runs) runs kept every acknowledged event exactly once")
        return failed == 0 ? 0 : 1
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// One run; returns its report line (ending in " ok" when every check held).
    static func once(run: Int, killAfter target: Int, clients: Int, count: Int) throws -> String {
        let started = Date()
        var template = Array((NSTemporaryDirectory() + "/bscdesk-fo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp: \(String(cString: strerror(errno)))") }
        let root = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let primary = try Cluster(root: root, name: "p", from: nil)
        defer { primary.stop() }
        try primary.psql("CREATE DATABASE desk ENCODING 'UTF8' TEMPLATE template0", database: "postgres")
        let standby = try Cluster(root: root, name: "s", from: primary)
        defer { standby.stop() }
        try primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'", database: "postgres")
        try primary.psql("SELECT pg_reload_conf()", database: "postgres")
        let syncBy = Date().addingTimeInterval(30)
        while (try? primary.psql("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'", database: "postgres"))?.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            guard Date() < syncBy else { throw Failure("the standby did not become synchronous within 30 s") }
            usleep(100_000)
        }
        let me = String(cString: getpwuid(geteuid()).pointee.pw_name)
        let siteA = Server(root: root, name: "a"), siteB = Server(root: root, name: "b")
        defer { siteA.stop(); siteB.stop() }
        try siteA.start(["--init", "--supervisor", me, "--store", primary.url])
        try siteB.start(["--init", "--supervisor", me, "--store", primary.url])

        let ackA = root + "/acked-a", ackB = root + "/acked-b"
        let done = DispatchGroup()
        for (socket, acked) in [(siteA.socket, ackA), (siteB.socket, ackB)] {
            done.enter()
            Thread.detachNewThread {
                _ = ServerAppend.resubmitting(socket: socket, clients: clients, count: count, acked: acked, deadline: 60, quiet: true)
                done.leave()
            }
        }
        let killBy = Date().addingTimeInterval(30)
        while lines(ackA).count + lines(ackB).count < target && Date() < killBy { usleep(2_000) }
        let before = lines(ackA).count + lines(ackB).count
        primary.kill9()
        let killed = Date()
        try standby.promote()
        siteA.stop()
        siteB.stop()
        let drained = Date().timeIntervalSince(killed)
        try siteA.start(["--store", standby.url])
        try siteB.start(["--store", standby.url])
        let resumed = Date().timeIntervalSince(killed)
        guard done.wait(timeout: .now() + 90) == .success else { throw Failure("the clients did not finish within 90 s") }

        let acked = lines(ackA) + lines(ackB)
        let rows = try standby.psql("SELECT id FROM bscdesk_events ORDER BY seq").split(separator: "\n").map(String.init)
        let stored = Dictionary(rows.map { ($0, 1) }, uniquingKeysWith: +)
        let onceEach = acked.allSatisfy { stored[$0] == 1 }
        let span = try standby.psql("SELECT count(*), min(seq), max(seq) FROM bscdesk_events").trimmingCharacters(in: .whitespacesAndNewlines)
        let gapFree = span == "\(rows.count)|1|\(rows.count)"
        let verify = try tool(bscdesk, ["verify", "--store", standby.url], root: root)
        let chain = verify.contains("result: chain intact")
        let statsA = try tool(bscdesk, ["stats", "--format", "json"], root: root, env: ["BSCDESK_SERVER=" + siteA.socket])
        let statsB = try tool(bscdesk, ["stats", "--format", "json"], root: root, env: ["BSCDESK_SERVER=" + siteB.socket])
        func figures(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("\"as_at") }.joined(separator: "\n") }
        let sameStats = figures(statsA) == figures(statsB) && statsA.contains("\"tickets_opened\": \(rows.count),")
        let ok = acked.count == 2 * clients * count && onceEach && rows.count == acked.count && gapFree && chain && sameStats
        return String(format: "failover run %d: killed after %d acknowledged; servers drained in %.2f s, serving again %.2f s after the kill; %d of %d acknowledged, %d stored; once each: %@, 1…N: %@, chain: %@, same stats: %@; %.1f s",
                      run, before, drained, resumed, acked.count, 2 * clients * count, rows.count,
                      onceEach ? "yes" : "NO", gapFree ? "yes" : "NO", chain ? "yes" : "NO", sameStats ? "yes" : "NO",
                      Date().timeIntervalSince(started)) + (ok ? " ok" : " FAILED")
    }

    /// The `bscdesk` built next to this binary (found once: a rebuild
    /// during a long run replaces this binary's file).
    static let bscdesk: String =
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("bscdesk").path

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Runs a program to its end with its output in a file; throws with
    /// that output if it fails. posix_spawn, not Process: a server that
    /// pg_ctl starts keeps a pipe open, and Process would wait for it.
    @discardableResult
    static func tool(_ program: String, _ args: [String], root: String, env: [String] = []) throws -> String {
        let out = root + "/out-\(UUID().uuidString)"
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = [program] + args
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        let environment = ["PATH=/usr/bin:/bin", "TZ=UTC", "HOME=/nonexistent", "BSCDESK_SYSTEM_CONFIG=/nonexistent"] + env
        var cenv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { cenv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, nil, &cargs, &cenv)
        guard rc == 0 else { throw Failure("cannot run \(program): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failure("\((program as NSString).lastPathComponent) \(args.joined(separator: " ")) failed (status \(status)): \(text.suffix(800))") }
        return text
    }

    /// A throwaway cluster on a loopback port, or a standby of one.
    final class Cluster {
        let data: String, dir: String, port: Int, bin: String
        var url: String { "postgresql://bscdesk@127.0.0.1:\(port)/desk" }

        init(root: String, name: String, from primary: Cluster?) throws {
            let lib = "/usr/lib/postgresql"
            let versions = ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).compactMap(Int.init).sorted()
            guard let v = versions.last else { throw Failure("PostgreSQL is not installed (no \(lib)/N/bin): apt-get install postgresql") }
            bin = "\(lib)/\(v)/bin"
            dir = root + "/" + name
            data = dir + "/data"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            port = try Failover.freePort()
            if let primary {
                try tool(bin + "/pg_basebackup", ["-h", "127.0.0.1", "-p", "\(primary.port)", "-U", "bscdesk", "-D", data, "-R", "-X", "stream", "-c", "fast"], root: root)
            } else {
                try tool(bin + "/initdb", ["-D", data, "-U", "bscdesk", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], root: root)
            }
            let conf = ["listen_addresses = '127.0.0.1'", "port = \(port)", "unix_socket_directories = '\(dir)'", "fsync = on",
                        "synchronous_commit = on", "max_connections = 200", "wal_level = replica", "max_wal_senders = 5", "hot_standby = on"]
            let path = data + "/postgresql.auto.conf"
            let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try (existing + conf.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            try tool(bin + "/pg_ctl", ["-D", data, "-l", dir + "/log", "-w", "-t", "60", "start"], root: root)
        }

        @discardableResult
        func psql(_ sql: String, database: String = "desk") throws -> String {
            try tool(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "bscdesk",
                                     "-d", database, "-c", sql],
                     root: (dir as NSString).deletingLastPathComponent)
        }

        func promote() throws {
            try tool(bin + "/pg_ctl", ["-D", data, "-w", "promote"], root: (dir as NSString).deletingLastPathComponent)
        }

        var postmaster: pid_t? {
            guard let text = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8),
                  let first = text.split(separator: "\n").first else { return nil }
            return pid_t(first)
        }

        /// SIGKILL to the postmaster and its backends: the site is gone.
        func kill9() {
            guard let pid = postmaster else { return }
            kill(pid, SIGKILL)
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let child = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 1, pid_t(fields[1]) == pid { kill(child, SIGKILL) }
            }
            for _ in 0..<200 where Glibc.kill(pid, 0) == 0 { usleep(10_000) }
        }

        func stop() {
            if postmaster != nil {
                _ = try? tool(bin + "/pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "20", "stop"], root: (dir as NSString).deletingLastPathComponent)
                kill9()
            }
        }
    }

    /// One `bscdesk serve` with its own data directory and socket.
    final class Server {
        let data: String, socket: String, log: String
        private var process: Process?

        init(root: String, name: String) {
            data = root + "/" + name + "-data"
            socket = root + "/" + name + ".sock"
            log = root + "/" + name + ".log"
        }

        func start(_ extra: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bscdesk)
            p.arguments = ["serve", "--data", data, "--socket", socket] + extra
            p.environment = ["PATH": "/usr/bin:/bin", "TZ": "UTC"]
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            h.seekToEndOfFile()
            p.standardOutput = h
            p.standardError = h
            p.standardInput = FileHandle.nullDevice
            try p.run()
            process = p
            let by = Date().addingTimeInterval(60)
            while Date() < by {
                var st = stat()
                if lstat(socket, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK { return }
                if !p.isRunning { throw Failure("bscdesk serve exited (\(p.terminationStatus)): \((try? String(contentsOfFile: log, encoding: .utf8))?.suffix(800) ?? "")") }
                usleep(50_000)
            }
            throw Failure("bscdesk serve made no socket within 60 s")
        }

        func stop() {
            guard let p = process else { return }
            if p.isRunning {
                kill(p.processIdentifier, SIGTERM)
                p.waitUntilExit()
            }
            process = nil
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw Failure("bind: \(String(cString: strerror(errno)))") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
