import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

@Suite("FCR dashboard screen")
struct DashboardScreenTests {
    /// Three tickets today: two resolved at first contact, one routed.
    func fixture() throws -> (FrontDeskFixture, DeskSession) {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        try f.log(d, caller: "Ann Able", category: "payroll.payslip", outcome: .resolved)
        try f.log(d, caller: "Bob Baker", category: "payroll.payslip", outcome: .resolved)
        try f.log(d, caller: "Cy Cole", category: "payroll.overpayment", outcome: .route("payroll"),
                  details: ["employee-number": "E1", "pay-period": "2026-11"])
        return (f, try f.session())
    }

    @Test func showsTheMonthAgainstTargetWithRAGInWords() throws {
        let (_, s) = try fixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        let rows = t.rows
        #expect(rows.contains { $0.hasPrefix("This month: 2026-11") })
        // 2 of 3 resolved at first contact, still provisional: 66.7%, red
        // against a 90% target, with its word and counts.
        let gross = rows.first { $0.hasPrefix("Gross FCR") } ?? ""
        #expect(gross.contains("66.7%*"), "\(gross)")
        #expect(gross.contains("✗ RED"), "\(gross)")
        #expect(gross.contains("2/3"), "\(gross)")
        #expect(rows.contains { $0.hasPrefix("FCR trend, last 12 months: ") })
        #expect(rows.contains { $0.hasPrefix("By queue") })
        #expect(rows.contains { $0.hasPrefix("customer-services") || $0.hasPrefix("payroll") })
        #expect(rows.contains { $0.hasPrefix("Net FCR") })
    }

    @Test func weekViewAndBreakdownCycling() throws {
        let (_, s) = try fixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        // F4: the span holding today, in turn.
        for (span, label, trend) in [("quarter", "2026/27-Q3", "quarters"), ("year", "2026/27", "months"), ("day", "2026-11-24", "days"),
                                     ("week", "2026-W48", "weeks")] {
            t.press(.function(4))
            #expect(t.rows.contains { $0.hasPrefix("This \(span): \(label) ") }, "\(span): \(t.rows.joined(separator: "\n"))")
            #expect(t.rows.contains { $0.hasPrefix("FCR trend, last 12 \(trend): ") })
        }
        t.press(.tab)
        #expect(t.rows.contains { $0.hasPrefix("By channel") })
        #expect(t.rows.contains { $0.hasPrefix("phone") })
        // Supervisors get the agent breakdown as the third panel.
        t.press(.tab)
        #expect(t.rows.contains { $0.hasPrefix("By agent") })
    }

    @Test func agentsDoNotGetAnAgentBreakdown() throws {
        let (f, _) = try fixture()
        let s = try f.session("agent")
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        t.press(.tab)
        t.press(.tab)
        #expect(!t.rows.contains { $0.hasPrefix("By agent") })
    }

    @Test func exportWritesACSVWithItsDefinitions() throws {
        let (f, s) = try fixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 100, height: 30, now: FrontDeskFixture.start, effects: DeskEffects(session: s))
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        t.press(.function(6))
        #expect(t.rows.contains { $0.hasPrefix("Export to: ") && $0.contains("/exports/fcr-2026-11-2026-11-24T093000.csv") }, "\(t.rows.joined(separator: "\n"))")
        t.press(.enter)
        let files = try FileManager.default.contentsOfDirectory(atPath: f.dir + "/data/exports")
        #expect(files.contains { $0.hasPrefix("fcr-2026-11-") && $0.hasSuffix(".csv") })
        #expect(files.contains { $0.hasSuffix(".csv.definitions.md") })
        #expect(t.bottomText.contains("exported "))
    }

    @Test func exportGoesWhereTheUserSaysAndNeverOverAFile() throws {
        let (f, s) = try fixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 100, height: 30, now: FrontDeskFixture.start, effects: DeskEffects(session: s))
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        let path = f.dir + "/committee.csv"
        t.press(.char("e"), .ctrl("u"))
        t.type(path)
        t.press(.enter)
        #expect(t.bottomText.contains("exported \(path)"), "\(t.bottomText)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: path + ".definitions.md"))
        t.press(.char("e"), .ctrl("u"))
        t.type(path)
        t.press(.enter)
        #expect(t.bottomText.contains("already exists"), "\(t.bottomText)")
    }

    @Test func agentsGetNoExport() throws {
        let (f, _) = try fixture()
        let agent = try f.session("agent")
        var t = TestTerminal(root: FrontDeskTabs.root(session: agent), width: 100, height: 30, now: FrontDeskFixture.start,
                             effects: DeskEffects(session: agent))
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        #expect(!t.bottomText.contains("Export"), "\(t.bottomText)")
        t.press(.function(6))
        #expect(t.bottomText.hasPrefix("Warning: exports are for team leaders and supervisors"), "\(t.bottomText)")
        #expect(!FileManager.default.fileExists(atPath: f.dir + "/data/exports"))
    }

    @Test func anyPeriodAndEmptyBucketsAreNA() throws {
        let (_, s) = try fixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 100, height: 30, now: FrontDeskFixture.start, effects: DeskEffects(session: s))
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        // Only November has tickets: the 11 months before it are n/a, not 0%.
        #expect(t.rows.contains { $0.hasPrefix("  2025-12 … 2026-11, low 66% high 66%, 11 n/a (·: no tickets)") }, "\(t.rows.joined(separator: "\n"))")
        let trend = t.rows.first { $0.hasPrefix("FCR trend, last 12 months: ") } ?? ""
        #expect(trend.hasSuffix(String(repeating: "·", count: 11) + "▆"), "\(trend)")
        // [ : the month before, with no tickets: n/a, never 0%.
        t.press(.char("["))
        #expect(t.rows.contains { $0.hasPrefix("Period: 2026-10 ") })
        let gross = t.rows.first { $0.hasPrefix("Gross FCR") } ?? ""
        #expect(gross.contains("n/a") && !gross.contains(" 0.0%"), "\(gross)")
        // p: any period typed.
        t.press(.char("p"), .ctrl("u"))
        t.type("2026-W48")
        t.press(.enter)
        #expect(t.rows.contains { $0.hasPrefix("This week: 2026-W48 ") })
        t.press(.char("p"), .ctrl("u"))
        t.type("2026-W60")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: \"2026-W60\" is not a period: no such ISO week"), "\(t.bottomText)")
    }

    @Test func smallTerminalKeepsTheHeadlineFigures() throws {
        let (_, s) = try fixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 40, height: 12, now: FrontDeskFixture.start)
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        #expect(t.rows.contains { $0.hasPrefix("Gross FCR") }, "\(t.rows.joined(separator: "\n"))")
        t.resize(width: 20, height: 5)
        #expect(t.rows.joined().contains("too small"))
    }
}

@Suite("Front desk shell: board tab")
struct ShellBoardTabTests {
    @Test func boardInsideTheDeskDoesNotRepeatTheStatusLine() throws {
        let f = try FrontDeskFixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 100, height: 30, now: FrontDeskFixture.start)
        t.press(.function(11))
        t.tick(now: FrontDeskFixture.start)
        let status = t.rows[0]
        #expect(status.contains("Queue board"), "\(status)")
        #expect(status.components(separatedBy: "live").count == 2, "\(status)")
        t.press(.function(1))
        #expect(t.rows.contains { $0.contains("F11") && $0.contains("Live queue board") })
        #expect(t.rows.contains { $0.contains("F12") && $0.contains("FCR dashboard") })
    }
}
