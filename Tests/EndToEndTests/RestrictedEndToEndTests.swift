import Foundation
import Testing

@Suite("Restricted tickets through the real binary")
struct RestrictedEndToEndTests {
    static let name = "Hermione Vasquez-Oduya"
    static let clientRef = "CL-55555"
    static let summary = "Personal allowance not received this week"

    /// tester (supervisor) logs an appointeeship ticket; bob is an agent
    /// outside the team, appo works appointeeship.
    func world() throws -> (Bscdesk, String) {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let users = """

        [users.bob]
        role = "agent"
        queues = ["customer-services"]

        [users.appo]
        role = "agent"
        queues = ["appointeeship"]

        """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: desk.data + "/bscdesk.toml"))
        handle.seekToEndOfFile()
        handle.write(users.data(using: .utf8)!)
        try handle.close()
        let ref = try desk.log(caller: Self.name, category: "appointeeship.allowance", summary: Self.summary,
                               extra: ["--ref", Self.clientRef, "--caller-type", "service-user", "--detail", "client-reference=\(Self.clientRef)"])
        #expect(try desk.run(["note", ref, "Vasquez-Oduya's brother called too"]).status == 0)
        #expect(try desk.run(["route", ref, "appointeeship"]).status == 0)
        return (desk, ref)
    }

    func leaks(_ s: String) -> Bool {
        s.contains("Vasquez") || s.contains(Self.clientRef) || s.contains(Self.summary) || s.contains("Hermione")
    }

    @Test func noCommandShowsTheContentToAnOutsideAgent() throws {
        let (desk, ref) = try world()
        let bob = desk.as("bob")
        let dir = try TempDir.make()
        let commands: [[String]] = [
            ["list"], ["list", "--format", "json"], ["list", "--format", "csv"], ["list", "--caller", "Vasquez"], ["list", "--due"],
            ["show", ref], ["show", ref, "--format", "json"],
            ["stats"], ["stats", "--format", "json", "--by", "category"],
            ["export", "--out", dir + "/kpi.csv"], ["export", "--out", dir + "/kpi.json", "--format", "json"],
        ]
        for args in commands {
            let r = try bob.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(!leaks(r.stdout + r.stderr), "\(args) leaked: \(r.stdout)")
        }
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) {
            #expect(!leaks(try String(contentsOfFile: dir + "/" + f, encoding: .utf8)), "\(f)")
        }
        // bob still sees that it exists, where it is and its timings.
        let list = try bob.run(["list", "--format", "json"])
        let arr = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(arr.first?["ref"] as? String == ref)
        #expect(arr.first?["queue"] as? String == "appointeeship")
        #expect(arr.first?["restricted"] as? Bool == true)
        #expect((arr.first?["sla"] as? [String: Any])?["due"] is String)
        // The team sees it all.
        let appo = try desk.as("appo").run(["show", ref])
        #expect(appo.stdout.contains(Self.name) && appo.stdout.contains(Self.summary) && appo.stdout.contains("brother called"))
        // Each opening was recorded.
        let history = try desk.run(["show", ref, "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        let viewers = (obj?["history"] as? [[String: Any]])?.filter { $0["type"] as? String == "ticket.viewed" }.compactMap { $0["user"] as? String }
        #expect(viewers == ["bob", "bob", "appo", "tester"])
    }

    @Test func filesOutsideTheRestrictedFolderHoldNoContent() throws {
        let (desk, _) = try world()
        for line in try desk.journalLines() {
            #expect(!leaks(line), "main journal line leaks: \(line)")
        }
        #expect(try desk.journalLines().contains { $0.contains("\"enc\":") })
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/restricted"), "no restricted journal is written any more")
        // The ticket's key is in the queue's folder of the key store.
        let fm = FileManager.default
        let root = desk.data + "/keys/restricted/appointeeship"
        var sawKey = false
        for writer in try fm.contentsOfDirectory(atPath: root) {
            for f in try fm.contentsOfDirectory(atPath: root + "/" + writer) {
                let path = root + "/" + writer + "/" + f
                let mode = try #require(try fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
                #expect(mode & 0o007 == 0, "\(path) mode \(String(mode, radix: 8))")
                if f.hasSuffix(".keys") { sawKey = true }
            }
            let mode = try #require(try fm.attributesOfItem(atPath: root + "/" + writer)[.posixPermissions] as? Int)
            #expect(mode & 0o004 == 0)
        }
        for f in (try? fm.contentsOfDirectory(atPath: desk.data + "/keys/tickets")) ?? [] {
            #expect(!(try String(contentsOfFile: desk.data + "/keys/tickets/" + f, encoding: .utf8)).contains("BSC-000001 "),
                    "the restricted ticket's key is also in the main store")
        }
        let sawContent = sawKey
        #expect(sawContent)
    }
}
