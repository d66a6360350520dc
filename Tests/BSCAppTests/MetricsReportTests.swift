import Foundation
import Testing
import BSCTestSupport
import BSCCore
@testable import BSCApp

/// A desk in a temporary directory with a fixed clock; `sup` is its supervisor.
private func makeDesk(at now: Instant) throws -> (Desk, ManualClock) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-apptests-" + UUID().uuidString).path
    let clock = ManualClock(now)
    let desk = try Desk.open(dataOption: dir, environment: ["BSCDESK_USER": "sup", "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                             clock: clock, ids: SequentialIds())
    try desk.load()
    return (desk, clock)
}

private func london(_ day: String, _ hour: Int, _ minute: Int = 0) -> Instant {
    guard case .unique(let i) = ZoneRules.london.resolve(CivilDateTime(date: CivilDate.parse(day)!, hour: hour, minute: minute)) else { fatalError() }
    return i
}

private func asAgent(_ desk: Desk, role: Role = .agent) throws -> Desk {
    var config = desk.config
    config.users["ann"] = UserProfile(login: "ann", name: "Ann", role: role, queues: ["customer-services"])
    let d = try Desk(data: desk.data, config: config, login: "ann", clock: desk.clock, ids: SequentialIds(prefix: "a"))
    try d.load()
    return d
}

@Suite("Stats service: options, permission, output")
struct MetricsReportTests {
    @Test func defaultPeriodIsTheLocalMonthOfNow() throws {
        // 00:30 BST on 1 Nov is still October in UTC; in London it is... GMT from 25 Oct, so 1 Nov.
        let (desk, _) = try makeDesk(at: london("2026-11-01", 0, 30))
        let q = try desk.metricsQuery(period: nil, from: nil, to: nil, by: [], series: nil)
        #expect(q.period.label == "2026-11")
        let (desk2, _) = try makeDesk(at: london("2026-10-01", 0, 30))  // BST: 30 Sep 23:30 UTC
        #expect(try desk2.metricsQuery(period: nil, from: nil, to: nil, by: [], series: nil).period.label == "2026-10")
    }

    @Test func optionErrorsAreUsageErrorsNamingWhatIsAllowed() throws {
        let (desk, _) = try makeDesk(at: london("2026-11-24", 10))
        let cases: [(String?, String?, String?, [String], String?, String)] = [
            ("2026-W54", nil, nil, [], nil, "no such ISO week"),
            ("2026-11", "2026-11-01", "2026-11-30", [], nil, "either --period or --from/--to"),
            (nil, "2026-11-30", "2026-11-01", [], nil, "is after --to"),
            (nil, "2026-02-30", "2026-03-01", [], nil, "bad --from \"2026-02-30\""),
            (nil, nil, nil, ["agents"], nil, "use one of queue, category, channel, agent, caller-type"),
            (nil, nil, nil, [], "day", "use week or month"),
        ]
        for (period, from, to, by, series, message) in cases {
            do {
                _ = try desk.metricsQuery(period: period, from: from, to: to, by: by, series: series)
                Issue.record("accepted \(String(describing: period)) \(String(describing: from)) \(by)")
            } catch {
                #expect(error.status == .usage)
                #expect(error.message.contains(message), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
        let q = try desk.metricsQuery(period: nil, from: "2026-11-01", to: "2026-11-01", by: ["queue", "queue", "agent"], series: "week")
        #expect(q.period.dayCount == 1)
        #expect(q.dimensions == [.queue, .agent])
        #expect(q.series == .week)
    }

    @Test func onlySupervisorsGetAnAgentBreakdown() throws {
        let (desk, _) = try makeDesk(at: london("2026-11-24", 10))
        let q = try desk.metricsQuery(period: "2026-11", from: nil, to: nil, by: ["agent"], series: nil)
        #expect(try desk.metricsReport(q).breakdowns.first?.dimension == .agent)
        #expect(desk.fcrDashboard().byAgent != nil)
        for role in [Role.agent, .teamLeader] {
            let other = try asAgent(desk, role: role)
            do {
                _ = try other.metricsReport(q)
                Issue.record("\(role) got an agent breakdown")
            } catch {
                #expect(error.status == .noPermission)
                #expect(error.message.contains("only supervisors may break figures down by agent"))
            }
            #expect(other.fcrDashboard().byAgent == nil)
            let byQueue = try other.metricsQuery(period: "2026-11", from: nil, to: nil, by: ["queue"], series: nil)
            #expect(try other.metricsReport(byQueue).breakdowns.count == 1)
        }
    }

    @Test func outputsCarryFiguresDefinitionsAndNoCallerData() throws {
        let (desk, clock) = try makeDesk(at: london("2026-11-23", 10))
        try desk.logFirstContact(.init(caller: Caller(name: "Quentin Zzyzx", type: .employee, reference: "E424242"), channel: .phone,
                                       category: "payroll.payslip", summary: "Private matter", durationMillis: 240_000, outcome: .resolved))
        clock.set(london("2026-11-24", 10))
        let q = try desk.metricsQuery(period: "2026-11", from: nil, to: nil, by: ["queue", "caller-type"], series: "week")
        let r = try desk.metricsReport(q)
        #expect(r.overall[.grossFCR].numerator == 1)
        #expect(r.overall[.grossFCR].provisional)  // window open until Thu 26 Nov 10:00
        #expect(r.overall[.csat].value == nil)

        let csv = desk.renderMetrics(r, format: .csv)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.filter { $0.hasPrefix("section,") }.count == 1)
        #expect(lines.first == MetricsOutput.csvHeader.joined(separator: ","))
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == MetricsOutput.csvHeader.count })
        let overall = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let column = Dictionary(uniqueKeysWithValues: MetricsOutput.csvHeader.enumerated().map { ($1, $0) })
        #expect(overall[column["gross_fcr_value"]!] == "100.00")
        #expect(overall[column["gross_fcr_provisional"]!] == "yes")
        #expect(overall[column["csat_value"]!] == "n/a")
        #expect(overall[column["csat_rag"]!] == "n/a")
        #expect(overall[column["as_at"]!] == "2026-11-24T10:00:00.000Z")

        let json = desk.renderMetrics(r, format: .json)
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(doc["definitions"] as? String == MetricDefinitions.text)
        #expect(doc["provisional_metrics"] as? [String] == ["gross_fcr", "net_fcr"])
        let csat = ((doc["overall"] as! [String: Any])["metrics"] as! [String: Any])["csat"] as! [String: Any]
        #expect(csat["value"] is NSNull)
        #expect(csat["rag"] as? String == "n/a")

        let md = desk.renderMetrics(r, format: .md)
        #expect(md.contains(MetricDefinitions.text))
        #expect(md.contains("As at: 2026-11-24T10:00:00.000Z"))
        let table = desk.renderMetrics(r, format: .table)
        #expect(table.contains("PROVISIONAL"))
        #expect(table.contains("GREEN"))
        for text in [csv, json, md, table] {
            for secret in ["Quentin", "Zzyzx", "E424242", "Private matter"] { #expect(!text.contains(secret)) }
        }
    }

    @Test func exportWritesAtomicallyWithSidecarAndMode0600() throws {
        let (desk, _) = try makeDesk(at: london("2026-11-24", 10))
        let r = try desk.metricsReport(try desk.metricsQuery(period: "2026-11", from: nil, to: nil, by: [], series: nil))
        let out = desk.data.path + "/figures.csv"
        let written = try desk.exportMetrics(r, format: .csv, to: out, bom: true)
        #expect(written == [out, out + ".definitions.md"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(Array(bytes.prefix(4)) == [0xEF, 0xBB, 0xBF, UInt8(ascii: "s")])
        for path in written {
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
        }
        let sidecar = try String(contentsOfFile: out + ".definitions.md", encoding: .utf8)
        #expect(sidecar.contains(MetricDefinitions.text))
        #expect(sidecar.contains("As at: 2026-11-24T10:00:00.000Z"))
        #expect(sidecar.contains("No figure is provisional"))
    }

    @Test func docsContainTheDefinitionsExportsCarry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        #expect(doc.contains(MetricDefinitions.text))
    }

    @Test func foldNameIsTheCoreFolding() {
        #expect(foldName("  Zoë   ŁUKASIK ") == "zoe lukasik")
        #expect(foldName("Siobhán O'Neill") == foldCallerName("siobhan o'neill"))
    }
}
