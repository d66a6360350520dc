import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One team server with real OS users, and beside it an in-process desk
/// with the same configuration (the same logins, acting through
/// BSCDESK_USER): a command run on both must give the same answer.
final class ServerTwin {
    let f: TeamServerFixture
    let local: Bscdesk

    /// amy works customer services, ben appointeeship; sup is the first
    /// supervisor.
    static func users(_ f: TeamServerFixture) -> String { """
        [users.\(f.amy)]
        role = "agent"
        queues = ["customer-services"]

        [users.\(f.ben)]
        role = "agent"
        queues = ["appointeeship"]
        """
    }

    /// `prepare` runs on both data directories before the server starts
    /// on its own (as root; `runAs` the service account for the server's).
    init(prepare: ((TeamServerFixture, Bscdesk) throws -> Void)? = nil) throws {
        let f = try TeamServerFixture()
        do {
            try f.startServer(extra: ["--init", "--supervisor", f.sup])
            guard f.stopServer() == 0 else { throw TestFailure("serve --init did not stop cleanly: \(f.log())") }
            try f.addUsers(Self.users(f))
            var d = try Bscdesk.fresh(user: f.sup)
            d.extraEnvironment["BSCDESK_SERVER"] = ""
            // The first command creates the directory with sup as its supervisor.
            let made = try d.run(["categories"])
            guard made.status == 0 else { throw TestFailure("in-process desk: \(made.stderr)") }
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: d.data + "/bscdesk.toml"))
            h.seekToEndOfFile()
            h.write(("\n" + Self.users(f)).data(using: .utf8)!)
            try h.close()
            try prepare?(f, d)
            try f.startServer()
            self.local = d
        } catch {
            f.cleanUp()
            throw error
        }
        self.f = f
    }

    func cleanUp() {
        f.cleanUp()
        try? FileManager.default.removeItem(atPath: (local.data as NSString).deletingLastPathComponent)
    }

    /// Sets a `[desk]` key in a configuration file, in place (owner and
    /// mode stay).
    static func setDeskKey(_ file: String, _ line: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        guard let r = text.range(of: "[desk]\n") else { throw TestFailure("no [desk] table in \(file)") }
        try (text[..<r.upperBound] + line + "\n" + text[r.upperBound...]).write(toFile: file, atomically: false, encoding: .utf8)
    }

    /// `bscdesk ARGS` as `login` through the server, with `input` on stdin.
    func client(_ login: String, _ args: [String], input: String) throws -> Bscdesk.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        p.arguments = ["-u", login, "--", "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "TZ=UTC", "BSCDESK_SYSTEM_CONFIG=/nonexistent",
                       "BSCDESK_SERVER=\(f.socket)", Bscdesk.binary] + args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        inp.fileHandleForWriting.write(Data(input.utf8))
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Bscdesk.Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Whether any file under `dir` holds any of `needles` (root reads all).
    static func filesHolding(_ dir: String, _ needles: [String]) -> [String] {
        var found: [String] = []
        guard let walk = FileManager.default.enumerator(atPath: dir) else { return [dir] }
        while let name = walk.nextObject() as? String {
            let path = dir + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: path) else { continue }
            for n in needles where data.range(of: Data(n.utf8)) != nil { found.append("\(name): \(n)") }
        }
        return found
    }

    struct Pair {
        var server: Bscdesk.Result
        var local: Bscdesk.Result
    }

    /// Runs `args` as `login` through the server and in-process.
    func both(_ login: String, _ args: [String]) throws -> Pair {
        Pair(server: try f.client(login, args), local: try local.as(login).run(args))
    }

    /// Text with what differs between two runs a moment apart taken out:
    /// digits (times, ages, ids) become "#" and runs of spaces one.
    static func normalised(_ text: String) -> String {
        // Event ids are random: 32 hex digits.
        let s = text.replacingOccurrences(of: "[0-9a-f]{32}", with: "ID", options: .regularExpression)
        var out = ""
        var lastDigit = false, lastSpace = false
        for ch in s {
            if ch.isNumber {
                if !lastDigit { out.append("#") }
                lastDigit = true
                lastSpace = false
            } else if ch == " " {
                if !lastSpace { out.append(" ") }
                lastSpace = true
                lastDigit = false
            } else {
                out.append(ch)
                lastDigit = false
                lastSpace = false
            }
        }
        return out
    }

    /// The error line a failed command ends with (in-process runs may add
    /// storage warnings before it).
    static func lastLine(_ s: String) -> String {
        s.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// Event types and users of a journal, in order.
    static func shape(_ lines: [String]) throws -> [String] {
        try lines.map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return "\(o["type"] as? String ?? "?") \(o["user"] as? String ?? "?") \(o["ref"] as? String ?? "?")"
        }
    }

    func serverShape() throws -> [String] {
        try f.journal().map { "\($0["type"] as? String ?? "?") \($0["user"] as? String ?? "?") \($0["ref"] as? String ?? "?")" }
    }
}
