import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Real OS users and a real `bscdesk serve` for the team server suite:
/// a group whose members may connect, a service account that owns the
/// data directory, agents, a supervisor, and a login the configuration
/// does not know. Names carry a random suffix so a crashed earlier run
/// cannot collide; `cleanUp()` removes users, group and files (call it in
/// a `defer`).
final class TeamServerFixture {
    struct NeedsRoot: Error, CustomStringConvertible {
        var description: String { "the team server suite creates OS users (useradd, groupadd) and runs processes as them: it needs root (CI runs .ci/run as root); it does not skip" }
    }

    let suffix: String
    let group: String
    let service: String
    let amy: String, ben: String, sup: String, stranger: String
    let root: String
    let dataParent: String
    let data: String
    let socketDir: String
    let socket: String
    private(set) var users: [String] = []
    private var groupMade = false
    private(set) var server: Process?
    let serverLog: String

    init() throws {
        guard geteuid() == 0 else { throw NeedsRoot() }
        suffix = String(UInt32.random(in: 0...0xFFFFF), radix: 16)
        group = "bsctest-\(suffix)"
        service = "bsctest-svc-\(suffix)"
        amy = "bsctest-amy-\(suffix)"
        ben = "bsctest-ben-\(suffix)"
        sup = "bsctest-sup-\(suffix)"
        stranger = "bsctest-who-\(suffix)"
        root = try TempDir.make()
        dataParent = root + "/srv"
        data = dataParent + "/desk"
        socketDir = root + "/run"
        socket = socketDir + "/bscdesk.sock"
        serverLog = root + "/serve.log"
        do {
            try Self.check(Self.command("/usr/sbin/groupadd", [group]), "groupadd \(group)")
            groupMade = true
            for u in [service, amy, ben, sup, stranger] {
                try Self.check(Self.command("/usr/sbin/useradd", ["-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", u]), "useradd \(u)")
                users.append(u)
            }
            // Others may pass through the test's folder to the socket and
            // the binaries, but only the service account enters srv/.
            chmod(root, 0o755)
            try FileManager.default.createDirectory(atPath: dataParent, withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: socketDir, withIntermediateDirectories: false)
            try Self.check(Self.command("/bin/chown", ["\(service):\(group)", dataParent, socketDir]), "chown")
            chmod(dataParent, 0o700)
            // setgid: the socket gets this group, whose members may connect.
            chmod(socketDir, 0o2750)
        } catch {
            cleanUp()
            throw error
        }
    }

    /// A data directory made by `serve --init` with `sup` its first
    /// supervisor, then amy (customer services) and ben (`benQueue`) added;
    /// the server stopped again, or started when `start`.
    static func desk(benQueue: String = "appointeeship", start: Bool = true) throws -> TeamServerFixture {
        let f = try TeamServerFixture()
        do {
            try f.startServer(extra: ["--init", "--supervisor", f.sup])
            // SIGTERM: a clean exit, and the socket goes with the server.
            let status = f.stopServer()
            guard status == 0 else { throw TestFailure("serve exited \(status) on SIGTERM: \(f.log())") }
            guard access(f.socket, F_OK) != 0 else { throw TestFailure("the socket outlived the server") }
            try f.addUsers("""
            [users.\(f.amy)]
            role = "agent"
            queues = ["customer-services"]

            [users.\(f.ben)]
            role = "agent"
            queues = ["\(benQueue)"]
            """)
            if start { try f.startServer() }
            return f
        } catch {
            f.cleanUp()
            throw error
        }
    }

    /// Stops the server, removes the users, the group and the files.
    func cleanUp() {
        if let s = server, s.isRunning {
            kill(s.processIdentifier, SIGKILL)
            s.waitUntilExit()
        }
        for u in users { _ = try? Self.command("/usr/sbin/userdel", [u]) }
        users = []
        if groupMade { _ = try? Self.command("/usr/sbin/groupdel", [group]) }
        groupMade = false
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Starts `bscdesk serve` as the service account and waits for its socket.
    func startServer(extra: [String] = []) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--reuid=\(service)", "--regid=\(group)", "--init-groups", "--",
                       "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "TZ=UTC",
                       Bscdesk.binary, "serve", "--data", data, "--socket", socket] + extra
        _ = FileManager.default.createFile(atPath: serverLog, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: serverLog))
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        // A server killed with -9 leaves its socket behind: wait for this
        // one's own "listening" line, not just for a socket file.
        let listeningBefore = self.log().components(separatedBy: "listening on").count
        try p.run()
        server = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            var st = stat()
            if lstat(socket, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK, st.st_mode & 0o777 == 0o660,
               self.log().components(separatedBy: "listening on").count > listeningBefore { return }
            if !p.isRunning { throw TestFailure("bscdesk serve exited (\(p.terminationStatus)): \(self.log())") }
            usleep(50_000)
        }
        throw TestFailure("bscdesk serve did not make its socket within 60 s: \(self.log())")
    }

    /// SIGTERM, then waits; returns the exit status.
    func stopServer() -> Int32 {
        guard let s = server else { return -1 }
        kill(s.processIdentifier, SIGTERM)
        s.waitUntilExit()
        server = nil
        return s.terminationStatus
    }

    func log() -> String { (try? String(contentsOfFile: serverLog, encoding: .utf8)) ?? "" }

    /// Adds people to the configuration (the service account's file; root
    /// appends, so owner and mode stay).
    func addUsers(_ toml: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/bscdesk.toml"))
        h.seekToEndOfFile()
        h.write(("\n" + toml).data(using: .utf8)!)
        try h.close()
    }

    /// Runs `bscdesk ARGS` as `login` with a clean environment that names
    /// the server.
    func client(_ login: String, _ args: [String], env extra: [String: String] = [:]) throws -> Bscdesk.Result {
        try runAs(login, [Bscdesk.binary] + args, env: ["BSCDESK_SERVER": socket].merging(extra) { $1 })
    }

    /// Runs any program as `login` (runuser), with a clean environment.
    func runAs(_ login: String, _ argv: [String], env: [String: String] = [:]) throws -> Bscdesk.Result {
        var e = ["PATH=/usr/bin:/bin", "TZ=UTC", "BSCDESK_SYSTEM_CONFIG=/nonexistent", "HOME=/nonexistent"]
        for (k, v) in env.sorted(by: { $0.key < $1.key }) { e.append("\(k)=\(v)") }
        return try Self.command("/usr/sbin/runuser", ["-u", login, "--", "/usr/bin/env", "-i"] + e + argv)
    }

    /// Starts a client without waiting (for many at once); output to files.
    func spawnClient(_ login: String, _ args: [String], tag: String) throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        p.arguments = ["-u", login, "--", "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "TZ=UTC", "BSCDESK_SYSTEM_CONFIG=/nonexistent",
                       "BSCDESK_SERVER=\(socket)", Bscdesk.binary] + args
        let out = root + "/out-\(tag)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// The journal's events, parsed (root reads the service account's files).
    func journal() throws -> [[String: Any]] {
        let dir = data + "/journal"
        var out: [[String: Any]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: dir + "/" + name, encoding: .utf8).split(separator: "\n") {
                out.append(try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])
            }
        }
        return out
    }

    @discardableResult
    static func command(_ path: String, _ args: [String]) throws -> Bscdesk.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Bscdesk.Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func check(_ r: Bscdesk.Result, _ what: String) throws {
        guard r.status == 0 else { throw TestFailure("\(what) failed (\(r.status)): \(r.stderr)") }
    }
}
