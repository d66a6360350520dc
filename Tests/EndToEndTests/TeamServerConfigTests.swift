import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `config show|set` through a real team server and SIGHUP reloads, with
/// real OS users: supervisors change people and rules through the server,
/// which validates before applying; an administrator's edit on disk is
/// applied on SIGHUP, or refused with the old configuration kept. Needs root.
@Suite("Team server: configuration changes and SIGHUP", .serialized)
struct TeamServerConfigTests {
    func file(_ t: ServerTwin) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: t.f.data + "/bscdesk.toml")) }

    func owner(_ path: String) -> (uid: uid_t, mode: mode_t) {
        var st = stat()
        _ = lstat(path, &st)
        return (st.st_uid, st.st_mode & 0o777)
    }

    /// Waits until the server's log holds `needle` `count` times (a signal
    /// is handled asynchronously); fails saying what the log held.
    func waitForLog(_ t: ServerTwin, _ needle: String, count: Int) throws {
        for _ in 0..<600 {
            if t.f.log().components(separatedBy: needle).count - 1 >= count { return }
            usleep(50_000)
        }
        throw TestFailure("the server never logged \"\(needle)\" (\(count)): \(t.f.log())")
    }

    @Test func supervisorsChangeTheConfigurationThroughTheServer() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, sup, who) = (t.f.amy, t.f.sup, t.f.stranger)
        let before = try file(t)

        // Agents can neither read nor change it, nor make themselves supervisor.
        for args in [["config", "show"], ["config", "set", "users.\(amy).role", "supervisor"]] {
            let p = try t.both(amy, args)
            for r in [p.server, p.local] {
                #expect(r.status == 77, "\(args): \(r.stderr)")
                #expect(r.stderr.contains("the configuration is for supervisors"))
            }
        }
        #expect(try file(t) == before)

        let shown = try t.both(sup, ["config", "show"])
        #expect(shown.server.status == 0)
        #expect(shown.server.stdout == shown.local.stdout)
        #expect(shown.server.stdout.contains("[users.\(amy)]"))

        // As an agent amy may not take sup's ticket; as a team leader she may.
        _ = try t.both(sup, ["log", "--caller", "Pat", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "q"])
        _ = try t.both(sup, ["assign", "BSC-000001", sup])
        #expect(try t.f.client(amy, ["assign", "BSC-000001", amy]).status == 77)
        let promoted = try t.both(sup, ["config", "set", "users.\(amy).role", "team-leader"])
        #expect(promoted.server.status == 0, "\(promoted.server.stderr)")
        #expect(promoted.server.stdout == "users.\(amy).role: \"agent\" -> \"team-leader\"\n")
        #expect(promoted.server.stdout == promoted.local.stdout)
        // Applied at once by the running server, and kept in the file.
        #expect(try t.f.client(amy, ["assign", "BSC-000001", amy]).status == 0)
        let text = String(decoding: try file(t), as: UTF8.self)
        #expect(text.contains("role = \"team-leader\""))
        #expect(text.contains("# bscdesk configuration."), "the comments were lost")
        #expect(owner(t.f.data + "/bscdesk.toml").uid == getpwnam(t.f.service)!.pointee.pw_uid)
        #expect(owner(t.f.data + "/bscdesk.toml").mode == 0o600)
        #expect(t.f.log().contains("configuration changed by \(sup): users.\(amy).role"))

        // A new person can connect as soon as a supervisor adds them.
        #expect(try t.f.client(who, ["list"]).status == 77)
        #expect(try t.both(sup, ["config", "set", "users.\(who).queues", "[\"customer-services\"]"]).server.status == 0)
        #expect(try t.f.client(who, ["list"]).status == 0)

        // Refused before anything is written: a value the loader refuses,
        // a key config set does not change.
        let kept = try file(t)
        let badRole = try t.both(sup, ["config", "set", "users.\(amy).role", "boss"])
        for r in [badRole.server, badRole.local] {
            #expect(r.status == 78, "\(r.stderr)")
            #expect(r.stderr.contains("\"boss\" is not a role; use agent, team-leader or supervisor"))
        }
        let badQueue = try t.both(sup, ["config", "set", "targets.fcr", "\"lots\""])
        #expect(badQueue.server.status == 78 && badQueue.local.status == 78, "\(badQueue.server.stderr)")
        let shared = try t.both(sup, ["config", "set", "desk.shared_group", "staff"])
        for r in [shared.server, shared.local] {
            #expect(r.status == 64)
            #expect(r.stderr.contains("config set cannot change \"desk.shared_group\""))
        }
        #expect(try file(t) == kept)
        #expect(try t.f.client(amy, ["list"]).status == 0)

        // Each change is a config.changed event naming who changed what,
        // about no ticket; refused changes write none; a person's name is
        // not repeated in the journal.
        func changes() throws -> [[String: Any]] { try t.f.journal().filter { $0["type"] as? String == "config.changed" } }
        var recorded = try changes()
        #expect(recorded.count == 2)
        #expect(recorded.first?["user"] as? String == sup)
        #expect(recorded.first?["field"] as? String == "users.\(amy).role")
        #expect(recorded.first?["from"] as? String == "\"agent\"")
        #expect(recorded.first?["to"] as? String == "\"team-leader\"")
        #expect(recorded.allSatisfy { $0["ref"] == nil })
        #expect(try t.both(sup, ["config", "set", "users.\(amy).name", "Amy Quuxworth"]).server.status == 0)
        recorded = try changes()
        #expect(recorded.count == 3)
        #expect(recorded.last?["field"] as? String == "users.\(amy).name")
        #expect(recorded.last?["from"] == nil && recorded.last?["to"] == nil)
        let journalText = try FileManager.default.contentsOfDirectory(atPath: t.f.data + "/journal")
            .map { try String(contentsOfFile: t.f.data + "/journal/" + $0, encoding: .utf8) }.joined()
        #expect(!journalText.contains("Quuxworth"))
        let verify = try t.f.runAs(t.f.service, [Bscdesk.binary, "verify", "--data", t.f.data], env: ["BSCDESK_USER": sup])
        #expect(verify.status == 0, "verify: \(verify.stdout) \(verify.stderr)")
    }

    @Test func sighupAppliesAGoodFileAndKeepsTheConfigurationOnABadOne() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let who = t.f.stranger
        let path = t.f.data + "/bscdesk.toml"
        #expect(try t.f.client(who, ["list"]).status == 77)

        // The administrator adds a person on disk, then SIGHUP.
        try t.f.addUsers("[users.\(who)]\nrole = \"agent\"\nqueues = [\"customer-services\"]\n")
        kill(t.f.server!.processIdentifier, SIGHUP)
        try waitForLog(t, "SIGHUP: reloaded", count: 1)
        #expect(try t.f.client(who, ["list"]).status == 0)

        // A bad file: refused, logged, the configuration in use kept.
        let good = try String(contentsOfFile: path, encoding: .utf8)
        try (good + "\n[users.nobody]\nrole = \"boss\"\n").write(toFile: path, atomically: false, encoding: .utf8)
        kill(t.f.server!.processIdentifier, SIGHUP)
        try waitForLog(t, "refused, the configuration in use is kept", count: 1)
        #expect(t.f.log().contains("\"boss\" is not a role"))
        #expect(t.f.server!.isRunning)
        #expect(try t.f.client(who, ["list"]).status == 0)
        #expect(try t.f.client(t.f.amy, ["log", "--caller", "P", "--channel", "phone", "--category", "cs.general-enquiry",
                                         "--summary", "still working"]).status == 0)

        // Fixed and reloaded: a person removed on disk is refused at once.
        try good.replacingOccurrences(of: "[users.\(who)]", with: "[users.someone-else]").write(toFile: path, atomically: false, encoding: .utf8)
        kill(t.f.server!.processIdentifier, SIGHUP)
        try waitForLog(t, "SIGHUP: reloaded", count: 2)
        #expect(try t.f.client(who, ["list"]).status == 77)
        #expect(try t.f.client(t.f.amy, ["list"]).stdout.contains("BSC-000001"))
        #expect(t.f.stopServer() == 0)
    }

    /// `config edit` through the server: the supervisor's editor (a script
    /// run as that OS user) edits a copy of their own; the server checks
    /// the whole file, applies it at once and records each change. An
    /// agent is refused before any editor starts; a bad edit changes
    /// nothing and is kept, the supervisor's own 0600 file.
    @Test func supervisorsEditTheWholeFileThroughTheServer() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, sup, who) = (t.f.amy, t.f.sup, t.f.stranger)
        let scripts = "/tmp/bscdesk-editors-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: scripts) }
        func editor(_ name: String, _ body: String) throws -> String {
            let path = scripts + "/" + name
            try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            _ = chmod(path, 0o755)
            return path
        }
        let marker = scripts + "/ran"
        let promote = try editor("promote", """
            touch \(marker) 2>/dev/null
            sed -i 's/^role = "agent"$/role = "team-leader"/' "$1"
            printf '\\n[users.\(who)]\\nrole = "agent"\\nqueues = ["customer-services"]\\n' >> "$1"
            """)
        let before = try file(t)

        // An agent: refused by the server before the editor runs.
        let refused = try t.f.client(amy, ["config", "edit"], env: ["EDITOR": promote])
        #expect(refused.status == 77, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the editor ran for an agent")
        #expect(try file(t) == before)

        #expect(try t.f.client(who, ["list"]).status == 77)
        let edited = try t.f.client(sup, ["config", "edit"], env: ["EDITOR": promote])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stdout.contains("users.\(amy).role: \"agent\" -> \"team-leader\""), "\(edited.stdout)")
        #expect(edited.stdout.contains("users.\(who).role: (not set) -> \"agent\""), "\(edited.stdout)")
        // Applied at once by the running server; kept in its file, its own.
        #expect(try t.f.client(who, ["list"]).status == 0)
        #expect(owner(t.f.data + "/bscdesk.toml").uid == getpwnam(t.f.service)!.pointee.pw_uid)
        #expect(owner(t.f.data + "/bscdesk.toml").mode == 0o600)
        let text = String(decoding: try file(t), as: UTF8.self)
        #expect(text.contains("# bscdesk configuration."), "the comments were lost")
        #expect(t.f.log().contains("configuration changed by \(sup)"), "\(t.f.log())")

        // A bad edit: the loader's reason, nothing changed, the edit kept.
        let kept = try file(t)
        let bad = try editor("bad", "sed -i 's/^role = \"team-leader\"$/role = \"boss\"/' \"$1\"")
        let refusedEdit = try t.f.client(sup, ["config", "edit"], env: ["EDITOR": bad])
        #expect(refusedEdit.status == 78, "\(refusedEdit.stderr)")
        #expect(refusedEdit.stderr.contains("\"boss\" is not a role; use agent, team-leader or supervisor"), "\(refusedEdit.stderr)")
        #expect(try file(t) == kept)
        let keptPath = try #require(refusedEdit.stderr.range(of: "your edit is kept in ").map { rest in
            String(refusedEdit.stderr[rest.upperBound...].prefix { $0 != ";" })
        })
        #expect(owner(keptPath).uid == getpwnam(sup)!.pointee.pw_uid && owner(keptPath).mode == 0o600, "\(keptPath)")
        #expect((try? String(contentsOfFile: keptPath, encoding: .utf8))?.contains("role = \"boss\"") == true)
        unlink(keptPath)
    }
}
