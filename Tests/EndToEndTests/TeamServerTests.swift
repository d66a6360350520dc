import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The team server with real OS users: a service account runs
/// `bscdesk serve`, agents connect through `runuser`, the kernel says who
/// they are. Needs root (CI runs as root); without it every test fails
/// saying so.
@Suite("Team server with real OS users", .serialized)
struct TeamServerTests {
    /// A server for a desk whose first supervisor is `sup`, made by
    /// `serve --init`; amy works customer services, ben appointeeship; the
    /// stranger is in the socket's group but not in the configuration.
    func runningDesk() throws -> TeamServerFixture { try TeamServerFixture.desk() }

    func log(_ f: TeamServerFixture, as login: String, caller: String = "Pat Caller", category: String = "cs.general-enquiry",
             extra: [String] = []) throws -> String {
        let r = try f.client(login, ["log", "--caller", caller, "--channel", "phone", "--category", category, "--summary", "a question"] + extra)
        guard r.status == 0 else { throw TestFailure("log as \(login) failed (\(r.status)): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func serveRefusesToRunAsRoot() throws {
        guard geteuid() == 0 else { throw TeamServerFixture.NeedsRoot() }
        let dir = try TempDir.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Bscdesk(data: dir + "/data").run(["serve", "--data", dir + "/data", "--socket", dir + "/s.sock"])
        #expect(r.status == 77)
        #expect(r.stderr == "bscdesk serve: refusing to run as root: run it as the unprivileged service account that owns the data directory, e.g. runuser -u bscdesk -- bscdesk serve --data DIR --socket PATH\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/data"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/s.sock"))
    }

    @Test func eachClientIsKnownByItsOwnLoginAndNothingElse() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }

        let a = try log(f, as: f.amy)
        let b = try log(f, as: f.ben)
        let s = try log(f, as: f.sup)
        #expect([a, b, s] == ["BSC-000001", "BSC-000002", "BSC-000003"])
        let users = try f.journal().filter { $0["type"] as? String == "ticket.opened" }.map { $0["user"] as? String }
        #expect(users == [f.amy, f.ben, f.sup])

        // BSCDESK_USER would let anyone act as anyone: a client refuses it.
        let impostor = try f.client(f.amy, ["log", "--caller", "X", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "s"],
                                    env: ["BSCDESK_USER": f.sup])
        #expect(impostor.status == 77)
        #expect(impostor.stderr.contains("BSCDESK_USER is set, but the team server knows you by your OS login only"))

        // In the socket's group but not in the configuration: refused.
        let stranger = try f.client(f.stranger, ["list"])
        #expect(stranger.status == 77)
        #expect(stranger.stderr.contains("user \"\(f.stranger)\" is not set up in"))
        #expect(f.log().contains("refused"))

        // Agents reach the desk only through the socket.
        #expect(try f.runAs(f.amy, ["/bin/ls", f.data]).status != 0)
        #expect(try f.runAs(f.amy, ["/bin/cat", f.data + "/bscdesk.toml"]).status != 0)
        #expect(try f.runAs(f.amy, ["/usr/bin/touch", f.data + "/planted"]).status != 0)
        // ...and may not run the desk in-process on it either.
        let direct = try f.runAs(f.amy, [Bscdesk.binary, "list", "--data", f.data], env: ["BSCDESK_USER": f.sup])
        #expect(direct.status != 0)
        #expect(try f.journal().count == 3)

        // What runs only in-process says so; nothing runs in-process.
        let triage = try f.client(f.amy, ["stats", "--timings"])
        #expect(triage.status == 64)
        #expect(triage.stderr.contains("runs only in-process") && triage.stderr.contains("--server none"), "\(triage.stderr)")

        // The rest of the slice, as the peer: note, resolve, show, list, stats.
        #expect(try f.client(f.amy, ["note", a, "called back"]).status == 0)
        #expect(try f.client(f.amy, ["resolve", a, "--note", "answered"]).status == 0)
        let shown = try f.client(f.amy, ["show", a])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("RESOLVED") && shown.stdout.contains("called back"))
        let listed = try f.client(f.amy, ["list", "--format", "json"])
        #expect(listed.status == 0)
        #expect((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any])?.count == 3)
        let stats = try f.client(f.sup, ["stats", "--format", "json"])
        #expect(stats.status == 0)
        let figures = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        #expect(figures?["definitions"] != nil)
        // Refusals keep the CLI's exit codes.
        #expect(try f.client(f.amy, ["resolve", "BSC-000099"]).status == 65)
        #expect(try f.client(f.amy, ["show", "nonsense"]).status == 64)
        let noted = try f.journal().filter { $0["type"] as? String == "ticket.noted" }
        #expect(noted.map { $0["user"] as? String } == [f.amy])
    }

    /// Restricted content through the server: the team and supervisors see
    /// it, an agent outside the team does not; opening it is logged.
    @Test func restrictedTicketsFollowTheRolesOfThePeer() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        let ref = try log(f, as: f.ben, caller: "Secret Person", category: "appointeeship.allowance")
        let amy = try f.client(f.amy, ["show", ref])
        #expect(amy.status == 0)
        #expect(!amy.stdout.contains("Secret Person"))
        #expect(amy.stdout.contains("(restricted)"))
        let amyList = try f.client(f.amy, ["list"])
        #expect(!amyList.stdout.contains("Secret Person"))
        let sup = try f.client(f.sup, ["show", ref])
        #expect(sup.stdout.contains("Secret Person"))
        let ben = try f.client(f.ben, ["list"])
        #expect(ben.stdout.contains("Secret Person"))
        let viewed = try f.journal().filter { $0["type"] as? String == "ticket.viewed" }.compactMap { $0["user"] as? String }
        #expect(viewed.contains(f.sup))
        // The caller's name never reaches the main journal.
        #expect(!(try String(contentsOfFile: f.data + "/journal/" + (FileManager.default.contentsOfDirectory(atPath: f.data + "/journal").first { $0.hasSuffix(".jsonl") }!), encoding: .utf8)).contains("Secret Person"))
    }

    @Test func concurrentClientsAreAllAcknowledgedAndTheChainVerifies() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        var running: [(Process, String)] = []
        for (i, login) in [f.amy, f.ben, f.sup].enumerated() {
            for n in 0..<20 {
                running.append(try f.spawnClient(login, ["log", "--caller", "Caller \(i)-\(n)", "--channel", "phone",
                                                         "--category", "cs.general-enquiry", "--summary", "call \(n)"], tag: "\(i)-\(n)"))
            }
        }
        var refs: [String] = []
        for (p, out) in running {
            p.waitUntilExit()
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(p.terminationStatus == 0, "client failed: \(text)")
            refs.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(Set(refs).count == 60)
        let opened = try f.journal().filter { $0["type"] as? String == "ticket.opened" }
        #expect(opened.count == 60)
        #expect(Set(opened.compactMap { $0["user"] as? String }) == [f.amy, f.ben, f.sup])

        // Eight long-lived connections through the bench: every append
        // acknowledged (the figures are printed, not asserted).
        let bench = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--clients", "8", "--count", "40"])
        #expect(bench.status == 0, "\(bench.stderr)")
        print(bench.stdout)
        #expect(try f.journal().filter { $0["type"] as? String == "ticket.opened" }.count == 380)

        #expect(f.stopServer() == 0)
        // The chain, checked in-process by the service account.
        let verify = try f.runAs(f.service, [Bscdesk.binary, "verify", "--data", f.data], env: ["BSCDESK_USER": f.sup])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test func anAppendResentAfterALostConnectionIsWrittenOnce() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        let id = "0123456789abcdef0123456789abcdef"
        // The client dies right after sending: it never learns the outcome.
        let abandoned = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--abandon-event-id", id])
        #expect(abandoned.status == 0, "\(abandoned.stderr)")
        // Resent with the same event id, it is answered, not written again.
        let again = try f.client(f.amy, ["log", "--caller", "Bench Caller 0", "--channel", "phone", "--category", "cs.general-enquiry",
                                         "--summary", "bench append 0", "--event-id", id])
        #expect(again.status == 0, "\(again.stderr)")
        let third = try f.client(f.amy, ["log", "--caller", "Bench Caller 0", "--channel", "phone", "--category", "cs.general-enquiry",
                                         "--summary", "bench append 0", "--event-id", id])
        #expect(third.stdout == again.stdout)
        let withId = try f.journal().filter { $0["id"] as? String == id }
        #expect(withId.count == 1)
        #expect(withId.first?["ref"] as? String == again.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try f.journal().count == 1)
        // Someone else may not claim that id.
        let other = try f.client(f.ben, ["note", "BSC-000001", "mine", "--event-id", id])
        #expect(other.status == 65)
        #expect(try f.journal().count == 1)
    }

    /// `--server`, else BSCDESK_SERVER, else `server = "PATH"` in the
    /// system file; a hello with another protocol version is refused
    /// naming both versions.
    @Test func clientsFindTheServerAndAgreeOnTheProtocol() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        let args = ["log", "--caller", "C", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "s"]
        let byOption = try f.runAs(f.amy, [Bscdesk.binary] + args + ["--server", f.socket])
        #expect(byOption.stdout == "BSC-000001\n", "\(byOption.stderr)")
        let system = f.root + "/bscdesk.conf"
        try "# the site's settings\nserver = \"\(f.socket)\"\n".write(toFile: system, atomically: true, encoding: .utf8)
        chmod(system, 0o644)
        let bySystemFile = try f.runAs(f.amy, [Bscdesk.binary] + args, env: ["BSCDESK_SYSTEM_CONFIG": system])
        #expect(bySystemFile.stdout == "BSC-000002\n", "\(bySystemFile.stderr)")
        #expect(try f.journal().compactMap { $0["user"] as? String } == [f.amy, f.amy])

        let mismatch = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--protocol", "999"])
        #expect(mismatch.status == 64)
        #expect(mismatch.stderr.contains("this client speaks version 999, the server speaks version 4"))
    }

    /// SIGTERM while clients are appending: the server exits 0; every
    /// acknowledged append is in the journal; the others were refused
    /// (74, nothing saved) or, if the connection went mid-request, report
    /// an unknown outcome (75); the chain verifies.
    @Test func sigtermDrainsAppendsInFlight() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        var running: [(Process, String)] = []
        for n in 0..<30 {
            let who = [f.amy, f.ben, f.sup][n % 3]
            running.append(try f.spawnClient(who, ["log", "--caller", "Drain \(n)", "--channel", "phone", "--category", "cs.general-enquiry",
                                                   "--summary", "drain \(n)"], tag: "drain-\(n)"))
            if n == 15 { kill(f.server!.processIdentifier, SIGTERM) }
        }
        var acknowledged: [String] = []
        var unknown = 0
        for (p, out) in running {
            p.waitUntilExit()
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect([0, 74, 75].contains(p.terminationStatus), "\(p.terminationStatus): \(text)")
            if p.terminationStatus == 0 { acknowledged.append(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if p.terminationStatus == 75 { unknown += 1 }
        }
        f.server!.waitUntilExit()
        #expect(f.server!.terminationStatus == 0)
        #expect(f.log().contains("stopped"))
        let opened = Set(try f.journal().filter { $0["type"] as? String == "ticket.opened" }.compactMap { $0["ref"] as? String })
        #expect(Set(acknowledged).isSubset(of: opened))
        #expect(opened.count >= acknowledged.count && opened.count <= acknowledged.count + unknown)
        let verify = try f.runAs(f.service, [Bscdesk.binary, "verify", "--data", f.data], env: ["BSCDESK_USER": f.sup])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }
}
