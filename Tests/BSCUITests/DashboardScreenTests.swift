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
        t.press(.function(4))
        #expect(t.rows.contains { $0.hasPrefix("This week: 2026-W48") })
        #expect(t.rows.contains { $0.hasPrefix("FCR trend, last 12 weeks: ") })
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
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 100, height: 30, now: FrontDeskFixture.start)
        t.press(.function(12))
        t.tick(now: FrontDeskFixture.start)
        t.press(.function(6))
        let files = try FileManager.default.contentsOfDirectory(atPath: f.dir + "/data/exports")
        #expect(files.contains { $0.hasPrefix("fcr-2026-11-") && $0.hasSuffix(".csv") })
        #expect(files.contains { $0.hasSuffix(".csv.definitions.md") })
        #expect(t.bottomText.contains("exported "))
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
