import Foundation
import Testing

/// `bscdesk stats` and `export` on the real binary, checked against an
/// independent recomputation from the raw journal (Scripts/recompute_fcr.py).
@Suite("Stats and export, real binary")
struct StatsEndToEndTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts").path

    /// One demo data set for the whole suite, plus a caller of our own to look for in exports.
    static let demo: Result<Bscdesk, TestFailure> = {
        do {
            let desk = try Bscdesk.fresh()
            let r = try desk.run(["demo", "--tickets", "3000", "--seed", "7", "--until", "2026-10-30"])
            guard r.status == 0 else { return .failure(TestFailure("demo failed: \(r.stderr)")) }
            return .success(desk)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()

    static func python(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("python3 failed: " + String(decoding: e, as: UTF8.self)) }
        return String(decoding: o, as: UTF8.self)
    }

    static func object(_ text: String) throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw TestFailure("not a JSON object: \(text.prefix(200))") }
        return o
    }

    static func int(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }

    @Test(arguments: ["2026/27-Q2", "2026-10"])
    func figuresAgreeWithIndependentRecomputation(period: String) throws {
        let desk = try Self.demo.get()
        let stats = try desk.run(["stats", "--format", "json", "--period", period])
        #expect(stats.status == 0, "\(stats.stderr)")
        let doc = try Self.object(stats.stdout)
        let p = try #require(doc["period"] as? [String: Any])
        let asAt = try #require(doc["as_at"] as? String)
        let overall = try #require(doc["overall"] as? [String: Any])
        let volumes = try #require(overall["volumes"] as? [String: Any])
        let metrics = try #require(overall["metrics"] as? [String: [String: Any]])

        let dir = try TempDir.make()
        let cats = try desk.run(["categories", "--format", "json"])
        try cats.stdout.write(toFile: dir + "/categories.json", atomically: true, encoding: .utf8)
        let py = try Self.object(try Self.python([Self.scripts + "/recompute_fcr.py", desk.journalDirectory, dir + "/categories.json",
                                                  p["first_day"] as! String, p["last_day"] as! String, asAt]))

        func nd(_ id: String) -> [Int?] { [Self.int(metrics[id]?["numerator"]), Self.int(metrics[id]?["denominator"])] }
        func pair(_ a: String, _ b: String) -> [Int?] { [Self.int(py[a]), Self.int(py[b])] }
        #expect(Self.int(volumes["tickets_opened"])! > 500, "the period should hold real data")
        #expect(nd("gross_fcr") == pair("fcr", "tickets_opened"))
        #expect(nd("net_fcr") == pair("net_fcr", "net_opened"))
        #expect(nd("flr") == pair("flr", "tickets_opened"))
        #expect(nd("reopen_rate") == pair("resolved_reopened", "resolved"))
        #expect(nd("aht") == pair("handle_ms", "contacts_with_duration"))
        #expect(nd("csat") == pair("ratings_good", "ratings"))
        #expect(Self.int(volumes["contacts"]) == Self.int(py["contacts"]))
        #expect(Self.int(volumes["contacts_without_duration"]) == Self.int(py["contacts_without_duration"]))
        #expect(Self.int(volumes["fcr_flagged"]) == Self.int(py["fcr_flagged"]))
        #expect(Self.int(volumes["fcr_provisional"]) == Self.int(py["fcr_provisional"]))
        let disqualified = ["fcr_disqualified_reopened", "fcr_disqualified_repeat_contact", "fcr_disqualified_same_caller"]
            .compactMap { Self.int(volumes[$0]) }.reduce(0, +)
        #expect(disqualified == Self.int(py["disqualified"]))
        #expect(disqualified > 0, "the demo should exercise disqualification")
    }

    @Test func exportsRoundTripAndCarryNoPersonalData() throws {
        // A copy of the demo with a caller of our own, so we know what to look for.
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["demo", "--tickets", "400", "--seed", "3"])
        let ref = try desk.log(caller: "Zebedee Quuxworth", category: "payroll.payslip", summary: "Secret summary text", extra: ["--ref", "Q987654", "--resolved"])
        #expect(ref.hasPrefix("BSC-"))
        let dir = try TempDir.make()
        let common = ["--by", "queue", "--by", "channel", "--by", "agent", "--series", "week"]
        let csv = try desk.run(["export", "--format", "csv", "--out", dir + "/figures.csv", "--bom"] + common)
        #expect(csv.status == 0, "\(csv.stderr)")
        let json = try desk.run(["export", "--format", "json", "--out", dir + "/figures.json"] + common)
        #expect(json.status == 0, "\(json.stderr)")
        let md = try desk.run(["export", "--format", "md", "--out", dir + "/figures.md"] + common)
        #expect(md.status == 0, "\(md.stderr)")
        let stats = try Self.object(try desk.run(["stats", "--format", "json"] + common).stdout)

        let back = try Self.object(try Self.python([Self.scripts + "/read_export.py", dir + "/figures.csv", dir + "/figures.json"]))
        let fromCSV = try #require(back["csv"] as? [String: Any])
        let fromJSON = try #require(back["json"] as? [String: Any])
        let metrics = try #require((stats["overall"] as? [String: Any])?["metrics"] as? [String: [String: Any]])
        for id in ["gross_fcr", "net_fcr", "flr", "reopen_rate", "aht", "time_to_resolve", "sla", "csat"] {
            for source in [fromCSV, fromJSON] {
                let m = try #require(source[id] as? [String: Any])
                #expect(Self.int(m["numerator"]) == Self.int(metrics[id]?["numerator"]), "\(id)")
                #expect(Self.int(m["denominator"]) == Self.int(metrics[id]?["denominator"]), "\(id)")
                #expect(m["rag"] as? String == metrics[id]?["rag"] as? String, "\(id)")
            }
        }
        #expect(Self.int(fromCSV["tickets_opened"]) ?? 0 >= 1)
        #expect(fromCSV["sections"] as? [String] == ["breakdown", "overall", "series"])
        #expect(fromJSON["has_definitions"] as? Bool == true)

        let csvBytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/figures.csv"))
        #expect(Array(csvBytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let sidecar = try String(contentsOfFile: dir + "/figures.csv.definitions.md", encoding: .utf8)
        #expect(sidecar.contains("As at: "))
        #expect(sidecar.contains("**Gross FCR**"))
        #expect(sidecar.contains("provisional") || sidecar.contains("Provisional"))
        let mdText = try String(contentsOfFile: dir + "/figures.md", encoding: .utf8)
        #expect(mdText.contains("As at: ") && mdText.contains("**Net FCR**"))
        for name in ["figures.csv", "figures.csv.definitions.md", "figures.json", "figures.md"] {
            let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name)")
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)), as: UTF8.self)
            for secret in ["Zebedee", "Quuxworth", "Q987654", "Secret summary"] {
                #expect(!text.contains(secret), "\(name) contains \(secret)")
            }
        }
        // No stray temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["figures.csv", "figures.csv.definitions.md", "figures.json", "figures.md"])
    }

    @Test func onlySupervisorsMayBreakDownByAgent() throws {
        let desk = try Self.demo.get()
        let dir = try TempDir.make()
        for args in [["stats", "--period", "2026-10", "--by", "agent"], ["export", "--period", "2026-10", "--by", "agent", "--out", dir + "/x.csv"]] {
            let agent = try desk.as("aahmed").run(args)
            #expect(agent.status == 77, "\(args): \(agent.stderr)")
            #expect(agent.firstErrorLine.contains("only supervisors may break figures down by agent"))
            #expect(agent.stdout.isEmpty)
            let leader = try desk.as("tpatel").run(args)
            #expect(leader.status == 77)
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.csv"))
            let supervisor = try desk.as("squinn").run(args)
            #expect(supervisor.status == 0, "\(supervisor.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/x.csv"))
        let table = try desk.as("squinn").run(["stats", "--period", "2026-10", "--by", "agent"])
        #expect(table.stdout.contains("By agent"))
        #expect(table.stdout.contains("aahmed"))
        // Agents may see the other breakdowns.
        #expect(try desk.as("aahmed").run(["stats", "--period", "2026-10", "--by", "queue"]).status == 0)
    }

    @Test func badOptionsGetOneLineNamingWhatIsAllowed() throws {
        let desk = try Self.demo.get()
        let never = try TempDir.make() + "/never-written.csv"
        let cases: [([String], String)] = [
            (["stats", "--period", "2026-13"], "unknown period \"2026-13\": use a day (2026-11-24), ISO week (2026-W48), month (2026-11), quarter (2026/27-Q3), financial year (2026/27)"),
            (["stats", "--period", "2026/28"], "must span consecutive years, e.g. 2026/27"),
            (["stats", "--period", "2026-11", "--from", "2026-11-01", "--to", "2026-11-30"], "give either --period or --from/--to, not both"),
            (["stats", "--from", "2026-11-30", "--to", "2026-11-01"], "--from 2026-11-30 is after --to 2026-11-01"),
            (["stats", "--from", "2026-11-01"], "--from and --to go together"),
            (["stats", "--by", "colour"], "unknown dimension \"colour\" for --by: use one of queue, category, channel, agent, caller-type"),
            (["stats", "--series", "year"], "unknown series \"year\": use week or month"),
            (["stats", "--format", "xml"], "unknown format \"xml\": use one of table, csv, json, md"),
            (["export", "--period", "2026-10"], "export needs --out FILE"),
            (["export", "--period", "2026-10", "--by", "shoe", "--out", never], "unknown dimension \"shoe\""),
        ]
        for (args, message) in cases {
            let r = try desk.run(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.firstErrorLine.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: never))
    }

    @Test func defaultPeriodIsTheCurrentMonthAndRangesWork() throws {
        let desk = try Self.demo.get()
        let now = try Self.object(try desk.run(["stats", "--format", "json"]).stdout)
        let period = try #require(now["period"] as? [String: Any])
        let label = try #require(period["label"] as? String)
        #expect(label.count == 7 && label.contains("-"), "a month label like 2026-11: \(label)")
        let range = try Self.object(try desk.run(["stats", "--format", "json", "--from", "2026-10-01", "--to", "2026-10-31"]).stdout)
        let month = try Self.object(try desk.run(["stats", "--format", "json", "--period", "2026-10"]).stdout)
        let a = (range["overall"] as? [String: Any])?["volumes"] as? [String: Any]
        let b = (month["overall"] as? [String: Any])?["volumes"] as? [String: Any]
        #expect(Self.int(a?["tickets_opened"]) == Self.int(b?["tickets_opened"]))
        #expect(Self.int(a?["tickets_opened"]) ?? 0 > 0)
        let csv = try desk.run(["stats", "--format", "csv", "--period", "2026/27", "--series", "month"])
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("section,dimension,group,period,first_day,last_day,as_at,tickets_opened") == true)
        #expect(lines.count == 1 + 1 + 12)
    }
}
