import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

/// The `:` command line (vim, k9s, tig) on every screen of the front desk.
@Suite struct CommandPromptTests {
    func desk() throws -> (FrontDeskFixture, DeskSession) {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        try f.log(d, caller: "Ann Able", reference: "E1")
        try f.log(d, caller: "Bob Baker", category: "payroll.payslip", outcome: .resolved)
        return (f, try f.session())
    }

    @Test func parsingAndCompletion() {
        #expect(CommandPrompt.parse(":open  BSC-000123 ") == ("open", "BSC-000123"))
        #expect(CommandPrompt.parse("Q") == ("q", ""))
        var p = CommandPrompt()
        p.field.text = "pe"
        #expect(p.complete(from: [CommandHelp("period", "P", help: ""), CommandHelp("q", help: "")]) == ["period"])
        #expect(p.field.text == "period ")
        p.field.text = "b"
        #expect(p.complete(from: [CommandHelp("board", help: ""), CommandHelp("bogus", help: "")]) == ["board", "bogus"])
        #expect(p.field.text == "bo")
    }

    @Test func openATicketFromTheListByCommand() throws {
        let (_, s) = try desk()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.function(3))
        t.press(.char(":"))
        #expect(t.rows.last == ":")
        t.type("open 1")
        #expect(t.rows.last == ":open 1")
        t.press(.enter)
        #expect(t.app.stack.count == 2)
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets › BSC-0"))
        #expect(t.rows[1] == "BSC-000001  OPEN")
        // From the detail, a tab's command closes it and shows the tab.
        t.press(.char(":"))
        t.type("fcr")
        t.press(.enter)
        #expect(t.app.stack.count == 1)
        #expect(t.rows[0].hasPrefix("bscdesk › FCR dashboard"))
    }

    @Test func unknownCommandNamesEveryCommandAllowedHere() throws {
        let (_, s) = try desk()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.function(3), .char(":"))
        t.type("opne 1")
        t.press(.enter)
        let text = t.bottomText
        #expect(text.hasPrefix("Error: unknown command \"opne\"; commands here: :q, :quit, :help, :call, :list, :board, :fcr, :open REF, :period P"), "\(text)")
        t.press(.char(":"))
        t.type("open BSC-999")
        t.press(.enter)
        #expect(t.bottomText == "Error: no ticket BSC-000999")
        t.press(.char(":"))
        t.type("open nonsense")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: \":open\" takes a ticket reference"))
    }

    @Test func onTheCallFormColonIsTypedAndEscColonOpensTheCommandLine() throws {
        let (_, s) = try desk()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.type("Re: a")
        #expect(t.app.commandLine == nil)
        #expect(t.rows.joined().contains("Re: a"))
        t.press(.alt(":"))
        #expect(t.app.commandLine != nil)
        t.type("li")
        t.press(.tab)
        #expect(t.rows.last == ":list")
        #expect(t.app.commandLine?.field.text == "list ")
        t.press(.enter)
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets"))
        // Esc closes the line without running it.
        t.press(.char(":"))
        t.type("q")
        t.press(.escape)
        #expect(t.app.commandLine == nil)
        #expect(t.app.confirmingQuit == nil)
        t.press(.char(":"), .char("q"), .enter)
        #expect(t.app.confirmingQuit != nil)
    }

    @Test func periodCommandShowsTheDashboardForThatPeriod() throws {
        let (_, s) = try desk()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.function(3), .char(":"))
        t.type("period 2026/27-Q3")
        t.press(.enter)
        t.tick(now: FrontDeskFixture.start)
        #expect(t.rows[0].hasPrefix("bscdesk › FCR dashboard"))
        #expect(t.rows.contains { $0.hasPrefix("This quarter: 2026/27-Q3") }, "\(t.rows.joined(separator: "\n"))")
        t.press(.char(":"))
        t.type("period 2026-13")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: \"2026-13\" is not a period: unknown period"), "\(t.bottomText)")
    }

    @Test func helpListsTheCommands() throws {
        let (_, s) = try desk()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 100, height: 40, now: FrontDeskFixture.start)
        t.press(.function(3), .function(1))
        #expect(t.rows.contains { $0.contains("Commands: :q :quit :help :call :list") }, "\(t.rows.joined(separator: "\n"))")
        #expect(t.rows.contains { $0.contains("│ :  ") && $0.contains("Command line (Esc : in text fields)") })
    }
}

/// The mouse, as htop uses it: a click on the function bar presses its
/// key; a click on a list row selects it, a second click opens it.
@Suite struct MouseTests {
    @Test func clickingTheBarPressesItsKeyAndClickingARowSelectsThenOpens() throws {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        try f.log(d, caller: "Ann Able")
        try f.log(d, caller: "Bob Baker")
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 80, height: 24, now: FrontDeskFixture.start)
        let bar = t.rows[23]
        let list = bar.range(of: "F3List")!
        t.press(.click(x: bar.distance(from: bar.startIndex, to: list.lowerBound) + 2, y: 23))
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets"), "\(t.rows[0])")
        #expect(t.rows[3].hasPrefix("▸ BSC-000002"))
        t.press(.click(x: 20, y: 4))  // the second row
        #expect(t.rows[4].hasPrefix("▸ BSC-000001"), "\(t.rows[4])")
        #expect(t.app.stack.count == 1)
        t.press(.click(x: 20, y: 4))  // again: open it
        #expect(t.app.stack.count == 2)
        #expect(t.rows[1] == "BSC-000001  OPEN")
        // A click on the bar's F2 from the ticket shows the call form.
        let bar2 = t.rows[23]
        let call = bar2.range(of: "F2Call")!
        t.press(.click(x: bar2.distance(from: bar2.startIndex, to: call.lowerBound), y: 23))
        #expect(t.rows[0].hasPrefix("bscdesk › Log a call"), "\(t.rows[0])")
        // Clicks on the form change nothing: the call timer does not start.
        t.press(.click(x: 10, y: 5))
        #expect(t.rows.joined().contains("Ready"))
    }
}

/// Help (F1) lists every key the bar shows, on every screen, at 80×24.
@Suite struct HelpMatchesBarTests {
    @Test func everyBarKeyIsInHelpAt80x24() throws {
        let f = try FrontDeskFixture()
        try f.log(try f.desk(), caller: "Ann Able")
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 80, height: 24, now: FrontDeskFixture.start)
        for (name, keys) in [("call", [Key.function(2)]), ("list", [.function(3)]), ("detail", [.function(3), .enter]),
                             ("board", [.escape, .function(11)]), ("fcr", [.function(12)])] {
            t.press(keys)
            t.tick(now: FrontDeskFixture.start)
            let barKeys = FunctionKeyBar(t.app.keyHelp).fitting(width: 80).map(\.barKey.label)
            t.press(.function(1))
            let help = t.rows.joined(separator: "\n")
            for k in barKeys {
                #expect(help.contains("│ " + k + " ") || help.contains("│ " + k + ",") || help.contains(", " + k + " "), "\(name): help lacks \(k):\n\(help)")
            }
            t.press(.escape)
        }
    }
}
