import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

@Suite struct TicketScreensTests {
    func listTerminal(_ s: DeskSession, width: Int = 80, height: Int = 24) -> TestTerminal {
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: width, height: height, now: FrontDeskFixture.start)
        t.press(.function(3))
        return t
    }

    func seed(_ f: FrontDeskFixture, _ d: Desk) throws {
        try f.log(d, caller: "Zoë Łukasik", reference: "E1")
        try f.log(d, caller: "山田太郎", category: "payroll.payslip", outcome: .resolved)
        try f.log(d, caller: "Ann Lee", category: "payroll.overpayment", outcome: .route("payroll"),
                  details: ["employee-number": "E9", "pay-period": "Oct"])
    }

    @Test func listAt80x24NewestFirstWithSLAAsSymbolAndWord() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        let t = listTerminal(s)
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets "))
        #expect(Array(t.rows[1...5]) == [
            "queue all · status all · sort newest                                     3 shown",
            "  Ref        Status      Queue      Caller             Category       SLA",
            "▸ BSC-000003 routed      payroll    Ann Lee            payroll.overp… ○ on track",
            "  BSC-000002 resolved    customer-… 山田太郎           payroll.paysl… ✓ met",
            "  BSC-000001 open        customer-… Zoë Łukasik        payroll.salar… ○ on track",
        ])
        #expect(t.bottomText == "F1Help  F2Call  F3List  F10Quit  EnterOpen  /Find  sSort  mMine")
    }

    @Test func filtersSortAndCachedIndex() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        var t = listTerminal(s)
        t.press(.char("/"))
        t.type("zoe")
        #expect(t.rows[1] == "Find: zoe")
        t.press(.enter)
        #expect(t.rows[1].hasPrefix("queue all · status all · text \"zoe\" · sort newest"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000001 open"))
        #expect(t.rows[4] == "")
        t.press(.char("x"), .char("t"))  // clear, then status: active
        #expect(t.rows[1].hasPrefix("queue all · status active"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000003"))
        #expect(t.rows[4].hasPrefix("  BSC-000001"))
        t.press(.char("m"))  // my queues: customer-services
        #expect(t.rows[1].hasPrefix("queue mine · status active"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000001"))
        #expect(t.rows[4] == "")
        t.press(.char("x"), .char("s"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000001"))  // oldest first
        // Moving the selection must not rebuild the index.
        let list = { (t: TestTerminal) in t.shell.currentScreen as! TicketListScreen }
        let before = list(t).rebuilds
        t.press(.char("j"), .down, .char("k"), .pageDown, .end, .home)
        #expect(list(t).rebuilds == before)
        t.press(.char("j"))
        #expect(list(t).selectedRef == TicketRef(2))
    }

    @Test func otherTerminalsWritesAppearOnTick() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        var t = listTerminal(s)
        let other = try f.desk("agent")
        try f.log(other, caller: "New Caller")
        #expect(!t.rows.joined().contains("New Caller"))
        f.clock.advance(millis: 500)
        t.tick(now: f.clock.now())
        #expect(t.rows[3].hasPrefix("▸ BSC-000004 open        customer-… New Caller"))
    }

    @Test func detailShowsHeaderHandoffAndHistoryAndActions() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        var t = listTerminal(s)
        t.press(.enter)
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets › BSC-0"))
        #expect(Array(t.rows[1...16]) == [
            "BSC-000003  ROUTED",
            "Caller          Ann Lee (Employee)",
            "Category        payroll.overpayment — Overpayment",
            "Queue           payroll, unassigned · Phone · high",
            "Received        2026-11-24 09:30 · 1 contact",
            "SLA             ○ on track, due 2026-11-27 09:30",
            "Employee number E9",
            "Pay date or pe… Oct",
            "Summary         Earlier call",
            "History (2 events)",
            "2026-11-24 09:30  tester     opened by phone from Ann Lee (employee) in",
            "                             customer-services, category payroll.overpayment,",
            "                             high priority: Earlier call {employee-number=E9,",
            "                             pay-period=Oct}",
            "2026-11-24 09:30  tester     routed to payroll",
            "",
        ])
        // Only what is legal for a routed ticket: no reopen, no close.
        #expect(t.bottomText == "F1Help  F2Call  F3List  F4Asgn  F5Solve F6Route F7Pend  F8Note  F10Quit")
        t.press(.char("n"))
        t.type("Rang payroll")
        t.press(.enter)
        #expect(t.bottomText == "Note added to BSC-000003")
        #expect(t.rows.contains("2026-11-24 09:30  tester     note: Rang payroll"))
        t.press(.char("C"))  // close: not legal while routed, refused before any question
        #expect(!t.rows.joined().contains("Close BSC-000003?"))
        #expect(t.bottomText.hasPrefix("Error: BSC-000003 is routed: it cannot close now; you can: assign to a person; resolve"))
        t.press(.char("v"), .enter)
        #expect(t.bottomText == "Resolved BSC-000003")
        #expect(t.rows[1] == "BSC-000003  RESOLVED")
        t.press(.down)  // the message gives way to the bar
        #expect(t.bottomText == "F1Help  F2Call  F3List  F8Note  F9Reopn F10Quit  CClose")
        t.press(.char("C"), .char("n"))  // answered no: still resolved
        #expect(s.desk.store[TicketRef(3)]?.status == .resolved)
        t.press(.char("C"), .char("y"))
        #expect(t.bottomText == "Closed BSC-000003")
        #expect(s.desk.store[TicketRef(3)]?.status == .closed)
        t.press(.escape)
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets "))
    }

    @Test func detailKeysMeanWhatTheyMeanOnEveryScreen() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        var t = listTerminal(s)
        t.press(.end, .enter)  // BSC-000001, Zoë Łukasik, ref E1
        #expect(t.rows[1] == "BSC-000001  OPEN")
        // c: the list of this caller's tickets, as c on the list.
        t.press(.char("c"))
        #expect(t.app.stack.count == 1)
        #expect(t.rows[1].hasPrefix("queue all · status all · caller \"E1\""), "\(t.rows[1])")
        #expect(t.rows[3].hasPrefix("▸ BSC-000001"))
        #expect(t.rows[4] == "")
        // a: assigned to me, as a on the list.
        t.press(.enter, .char("a"))
        #expect(t.rows[1].hasPrefix("queue all · status active · assigned to tester"), "\(t.rows[1])")
        // F2 and F3 show the call form and the list from a ticket, as everywhere.
        t.press(.char("x"), .end, .enter, .function(2))
        #expect(t.app.stack.count == 1)
        #expect(t.rows[0].hasPrefix("bscdesk › Log a call"), "\(t.rows[0])")
        // Help lists the keys the bar shows.
        t.press(.function(3), .enter, .function(1))
        let help = t.rows.joined(separator: "\n")
        for key in ["F2", "F3", "F4, @", "F5, v", "F6, r", "F8, n", "F10, q", "c ", "a "] {
            #expect(help.contains("│" + key) || help.contains("│ " + key) || help.contains(key), "help lacks \(key)")
        }
    }

    @Test func receivedShowsTheYearWhenNotThisYear() throws {
        let f = try FrontDeskFixture()
        f.clock.set(Instant(millis: FrontDeskFixture.start.millis - 400 * 86_400_000))  // 2025-10-20
        try f.log(try f.desk(), caller: "Old Caller")
        f.clock.set(FrontDeskFixture.start)
        try f.log(try f.desk(), caller: "New Caller")
        let t = listTerminal(try f.session(), width: 120, height: 24)
        let rows = t.rows.joined(separator: "\n")
        #expect(t.rows[3].contains("New Caller") && t.rows[3].contains(" 11-24 09:30 "), "\(rows)")
        #expect(t.rows[4].contains("Old Caller") && t.rows[4].contains(" 2025-10-20 "), "\(rows)")
        #expect(TicketListScreen.Rows.receivedText("2025-12-31 23:59", today: "2026") == "2025-12-31")
        #expect(TicketListScreen.Rows.receivedText("2026-01-01 00:00", today: "2026") == "01-01 00:00")
    }

    @Test func detailRouteAndAssignErrorsStayInThePrompt() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        var t = listTerminal(s)
        t.press(.end, .enter)  // BSC-000001, open in customer services
        t.press(.char("r"))
        #expect(t.rows.joined().contains("Employee number*:"))
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: cannot route to payroll: missing hand-off"))
        #expect(t.rows.joined().contains("Employee number*:"))  // still open, nothing lost
        t.type("E1")
        t.press(.tab)
        t.type("Nov")
        t.press(.enter)
        #expect(t.bottomText == "Routed BSC-000001 to payroll")
        t.press(.char("@"))
        t.press(.ctrl("u"))
        t.type("nobody")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: unknown user \"nobody\""))
        t.press(.escape)
        t.press(.char("p"), .enter)
        #expect(t.bottomText == "BSC-000001 is pending, awaiting customer")
        t.press(.char("p"))
        #expect(t.bottomText == "Resumed BSC-000001")
    }

    @Test func restrictedTicketIsRedactedInListAndDetail() throws {
        let f = try FrontDeskFixture()
        let appt = try f.desk("appt")
        try f.log(appt, caller: "Vera Vulnerable", category: "appointeeship.allowance", outcome: .route("appointeeship"), details: ["client-reference": "C9"])
        var t = listTerminal(try f.session("agent"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000001 routed      appointee… (restricted)"))
        t.press(.enter)
        #expect(t.rows[1] == "BSC-000001  ROUTED  [restricted]")
        // The title row shows the data directory, a random temporary path
        // that may itself contain "C9": look below it.
        #expect(!t.rows.dropFirst().joined().contains("Vera"))
        #expect(!t.rows.dropFirst().joined().contains("C9"))
    }

    @Test func narrowAndTinyList() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try seed(f, s.desk)
        var t = listTerminal(s, width: 40, height: 12)
        #expect(Array(t.rows[2...5]) == [
            "  Ref        Caller           SLA",
            "▸ BSC-000003 Ann Lee          ○ on track",
            "  BSC-000002 山田太郎         ✓ met",
            "  BSC-000001 Zoë Łukasik      ○ on track",
        ])
        t.resize(width: 30, height: 6)
        #expect(t.rows.joined(separator: " ").contains("terminal too small"))
    }
}
