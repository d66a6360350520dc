import Foundation
import Testing

@Suite("Roles and identity")
struct RoleTests {
    func addUsers(_ desk: Bscdesk, _ toml: String) throws {
        let path = desk.data + "/bscdesk.toml"
        if !FileManager.default.fileExists(atPath: path) { _ = try desk.run(["categories"]) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "\n" + toml).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func osLogin() throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/id")
        p.arguments = ["-un"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Without BSCDESK_USER the acting user is the OS login from the
    /// password database, whatever $USER says.
    @Test func actingUserIsTheOSLoginNotDollarUSER() throws {
        var desk = try Bscdesk.fresh()
        desk.extraEnvironment = ["USER": "mallory", "LOGNAME": "mallory"]
        var env = desk.environment
        env.removeValue(forKey: "BSCDESK_USER")
        let login = try Self.osLogin()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Bscdesk.binary)
        p.arguments = ["log", "--caller", "A", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "who am i"]
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let line = try desk.journalLines().first!
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(obj["user"] as? String == login)
        #expect(login != "mallory")
        let config = try String(contentsOfFile: desk.data + "/bscdesk.toml", encoding: .utf8)
        #expect(config.contains("[users.\(login)]"))
        #expect(config.contains("role = \"supervisor\""))
    }

    @Test func unknownLoginIsToldHowToBeAdded() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log()
        let r = try desk.as("stranger").run(["list"])
        #expect(r.status == 77)
        #expect(r.firstErrorLine.contains("user \"stranger\" is not set up in"))
        #expect(r.firstErrorLine.contains("[users.stranger]"))
    }

    @Test func onlyTeamLeadersAndSupervisorsReassign() throws {
        let desk = try Bscdesk.fresh()
        try addUsers(desk, """
        [users.ann]
        role = "agent"
        queues = ["customer-services", "payroll"]
        [users.bob]
        role = "agent"
        queues = ["customer-services", "payroll"]
        [users.tess]
        role = "team-leader"
        queues = ["customer-services", "payroll"]
        """)
        let ref = try desk.as("ann").log()
        // An agent may take an unassigned ticket…
        #expect(try desk.as("ann").run(["assign", ref, "ann"]).status == 0)
        // …but not move someone's work to someone else.
        let r = try desk.as("bob").run(["assign", ref, "bob"])
        #expect(r.status == 77)
        #expect(r.firstErrorLine.contains("only team leaders and supervisors may reassign"))
        #expect(try desk.as("tess").run(["assign", ref, "bob"]).status == 0)
        #expect(try desk.as("tester").run(["assign", ref, "ann"]).status == 0)
    }

    @Test func onlySupervisorsExportPerAgentFigures() throws {
        let desk = try Bscdesk.fresh()
        try addUsers(desk, """
        [users.tess]
        role = "team-leader"
        queues = ["customer-services"]
        """)
        _ = try desk.log(extra: ["--resolved"])
        let dir = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path
        let denied = try desk.as("tess").run(["export", "--by", "agent", "--out", dir + "/x.csv"])
        #expect(denied.status == 77)
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.csv"))
        #expect(try desk.run(["export", "--by", "agent", "--out", dir + "/y.csv"]).status == 0)
    }

    @Test func configurationWritableByOthersIsRefused() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log()
        let path = desk.data + "/bscdesk.toml"
        chmod(path, 0o602)
        let r = try desk.run(["list"])
        #expect(r.status == 78)
        #expect(r.firstErrorLine.contains("writable by everyone; refusing to load it"))
        chmod(path, 0o620)
        let g = try desk.run(["list"])
        #expect(g.status == 78)
        #expect(g.firstErrorLine.contains("writable by its group"))
        chmod(path, 0o600)
        #expect(try desk.run(["list"]).status == 0)
    }

    @Test func brokenConfigurationNamesFileAndLine() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log()
        try addUsers(desk, "[users.x]\nrole = \"boss\"\n")
        let r = try desk.run(["list"])
        #expect(r.status == 78)
        #expect(r.firstErrorLine.contains("bscdesk.toml:"))
        #expect(r.firstErrorLine.contains("\"boss\" is not a role; use agent, team-leader or supervisor"))
        try addUsers(desk, "[desk\n")
        let r2 = try desk.run(["list"])
        #expect(r2.status == 78)
        #expect(r2.firstErrorLine.range(of: #"bscdesk\.toml:\d+: "#, options: .regularExpression) != nil, "\(r2.stderr)")
    }

    /// Group-shared mode for a team server, with a group every system has.
    @Test func groupSharedModeMakesSetgidDirectoriesAndGroupFiles() throws {
        guard let gr = getgrnam("daemon") else { return }
        let gid = gr.pointee.gr_gid
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let path = desk.data + "/bscdesk.toml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "shared_group = \"\"", with: "shared_group = \"daemon\"")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = try desk.log()
        let dirAttrs = try FileManager.default.attributesOfItem(atPath: desk.journalDirectory)
        #expect((dirAttrs[.posixPermissions] as! Int) & 0o7777 == 0o2770)
        #expect((dirAttrs[.groupOwnerAccountID] as! UInt) == UInt(gid))
        let seg = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).first { $0.hasSuffix(".jsonl") }!
        let fileAttrs = try FileManager.default.attributesOfItem(atPath: desk.journalDirectory + "/" + seg)
        #expect((fileAttrs[.posixPermissions] as! Int) & 0o777 == 0o660)
        #expect((fileAttrs[.groupOwnerAccountID] as! UInt) == UInt(gid))
        // The team can read the configuration; only its owner can write it.
        let configAttrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((configAttrs[.posixPermissions] as! Int) & 0o777 == 0o640)
        #expect((configAttrs[.groupOwnerAccountID] as! UInt) == UInt(gid))
    }

    @Test func filesAreCreatedOwnerOnlyAndWorldReadableOnesAreFlagged() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log()
        for path in [desk.data, desk.data + "/bscdesk.toml", desk.journalDirectory] {
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int)
            #expect(mode & 0o077 == 0, "\(path) mode \(String(mode, radix: 8))")
        }
        let seg = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).first { $0.hasSuffix(".jsonl") }!
        chmod(desk.journalDirectory + "/" + seg, 0o644)
        let r = try desk.run(["list"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("is readable by everyone"))
    }
}
