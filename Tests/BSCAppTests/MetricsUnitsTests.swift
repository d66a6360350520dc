import Foundation
import Testing
import BSCCore
@testable import BSCApp

/// Issue 12: the AHT numerator was minutes in the `stats` table and
/// milliseconds in CSV and Markdown. Every format now gives milliseconds
/// for the time metrics and says so in its header.
@Suite("Numerators: one unit in every format")
struct MetricsUnitsTests {
    @Test func ahtNumeratorIsMillisecondsEverywhere() throws {
        let w = try TriageWorld(at: londonTime("2026-11-23", 10))
        let d = try w.desk("sup")
        try d.logFirstContact(.init(caller: Caller(name: "A", type: .employee), channel: .phone, category: "payroll.payslip",
                                    summary: "s", durationMillis: 240_000, outcome: .resolved))
        try d.logFirstContact(.init(caller: Caller(name: "B", type: .employee), channel: .phone, category: "payroll.payslip",
                                    summary: "s", durationMillis: 90_500, outcome: .resolved))
        let r = try d.metricsReport(try d.metricsQuery(period: "2026-11", from: nil, to: nil, by: [], series: nil))
        #expect(r.overall[.averageHandleTime].numerator == 330_500)

        let table = d.renderMetrics(r, format: .table)
        #expect(table.contains("numerator (count or ms)"))
        let ahtRow = try #require(table.split(separator: "\n").first { $0.hasPrefix("Average handle time") })
        #expect(ahtRow.contains("330500 ms"), "\(ahtRow)")

        let md = d.renderMetrics(r, format: .md)
        #expect(md.contains("| Numerator (count or ms) |"))
        #expect(md.contains("| 330500 ms |"))

        let csv = d.renderMetrics(r, format: .csv).components(separatedBy: "\r\n")
        let header = csv[0].split(separator: ",").map(String.init)
        let row = csv[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let aht = try #require(header.firstIndex(of: "aht_numerator_ms"))
        #expect(row[aht] == "330500")
        #expect(header.contains("time_to_resolve_numerator_ms") && header.contains("gross_fcr_numerator"))
        #expect(!header.contains("aht_numerator"))

        let json = try JSONSerialization.jsonObject(with: Data(d.renderMetrics(r, format: .json).utf8)) as! [String: Any]
        let metrics = (json["overall"] as! [String: Any])["metrics"] as! [String: [String: Any]]
        #expect((metrics["aht"]?["numerator"] as? NSNumber)?.intValue == 330_500)
        #expect(metrics["aht"]?["numerator_unit"] as? String == "ms")
        #expect(metrics["gross_fcr"]?["numerator_unit"] as? String == "count")
    }
}
