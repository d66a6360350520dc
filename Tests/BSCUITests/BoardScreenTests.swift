import BSCTestSupport
import BSCApp
import BSCCore
import Testing
@testable import BSCUI

/// The board on the seeded morning (see `BoardScreenFixture.seed`): frames
/// at 80×24, 200×50, the compact view and the wallboard; live changes;
/// what agents may not do.
@Suite(.serialized) struct BoardScreenTests {
    typealias F = BoardScreenFixture

    func terminal(_ f: F, width: Int = 80, height: Int = 24, wallboard: Bool = false) -> (TestTerminal, BoardFeed) {
        let feed = BoardFeed(desk: f.desk, watcher: nil, now: F.now)
        return (TestTerminal(root: BoardScreen(feed: feed, wallboard: wallboard), width: width, height: height, now: F.now), feed)
    }

    @Test func detailedBoardAt80x24() throws {
        let f = try F()
        try f.seed()
        let (t, _) = terminal(f)
        #expect(t.rows == [
            "bscdesk › Queue board                                             static · 11:00",
            "Today  FCR 33.3% ✗ RED*           SLA 100.0% ✓ GREEN",
            "Week   FCR 25.0% ✗ RED*           SLA 100.0% ✓ GREEN",
            "",
            "  Queue                    Open Unasg  Pend   New Res'd Oldest  Risk  Brch CBdue",
            "▸ Customer services          2     2     0     3     1     1h     0     0     0",
            "  Payroll                    2     1     0     0     0    34h     0     1     0",
            "  Exchequer                  0     0     0     0     0      -     0     0     0",
            "  Vacancy management         0     0     0     0     0      -     0     0     0",
            "  Appointeeship              0     0     0     0     0      -     0     0     0",
            "",
            "  Agent                                         Held Contacts Resolved    AHT",
            // The 18th's and 23rd's calls are logged after today's: stamped now.
            "  Amy Ng (amy)                                    0        3        1   5:00",
            "  Ben (ben)                                       0        2        0   2:00",
            "  Lee Lead (lead)                                 0        0        0      -",
            "  Pat (pat)                                       1        0        0      -",
            "  sup                                             0        0        0      -",
            "", "", "", "",
            "FCR today is red: 33.3% is below 85% (target 90% less the 5-point amber margin)",
            "* provisional · Oldest in working h · Risk ≥75% of SLA · Brch past SLA · ? help",
            "F1Help  F4Team  F5Read  F6Wall  F10Quit  EnterOpen",
        ])
        // Meaning in colour as well as in text: the RAG word, the breach count, the selection.
        #expect(t.frame[11, 1].style.role == .ragRed)
        #expect(t.frame[40, 1].style.role == .ragGreen)
        #expect(t.frame[72, 6].style.role == .slaBreached)
        #expect(t.frame[72, 7].style.role == .normal)
        #expect(t.frame[5, 5].style.role == .selection)
    }

    @Test func theLineUnderTheTablesSaysWhyACellIsRedAndHelpExplainsTheColumns() throws {
        let f = try F()
        try f.seed()
        var (t, _) = terminal(f, width: 100, height: 40)
        t.press(.char("j"))  // Payroll: one breached
        #expect(t.rows[37] == "Payroll: Brch 1: past the SLA target 24 working h, or the category's", "\(t.rows.joined(separator: "\n"))")
        t.press(.char("k"))  // Customer services: no alarms; the red FCR is explained
        #expect(t.rows[37].hasPrefix("FCR today is red: 33.3% is below 85%"))
        t.press(.char("?"))
        // Help scrolls: collect every page.
        var help = t.rows.joined(separator: "\n")
        for _ in 0..<6 {
            t.press(.pageDown)
            help += t.rows.joined(separator: "\n")
        }
        for text in ["Unasg: active, unassigned", "Res'd: resolved", "Risk: tickets whose SLA clock has used 75% of its target", "Brch:", "tickets past their target", "CBdue: call-backs promised"] {
            #expect(help.contains(text), "help lacks \(text):\n\(help)")
        }
    }

    @Test func wideScreenShowsMoreColumns() throws {
        let f = try F()
        try f.seed()
        let (t, _) = terminal(f, width: 200, height: 50)
        #expect(t.rows[4] == "  Queue                                         Open Unasg  Pend   New Res'd Oldest  Risk  Brch CBdue SLA target Oldest ticket")
        #expect(t.rows[6] == "  Payroll (payroll)                               2     1     0     0     0    34h     0     1     0       24wh  BSC-000004")
        #expect(t.rows[11] == "  Agent                                         Held Contacts Resolved    AHT Role        Queues")
        #expect(t.rows[14] == "  Lee Lead (lead)                                 0        0        0      -  team-leader customer-services, payroll")
        #expect(t.rows[48] == "* provisional · Oldest in working h · Risk ≥75% of SLA · Brch past SLA · ? help")
    }

    @Test func compactViewOnASmallTerminal() throws {
        let f = try F()
        try f.seed()
        let (t, _) = terminal(f, width: 50, height: 14)
        #expect(Array(t.rows[1...7]) == [
            "FCR 33.3% ✗*  SLA 100.0% ✓",
            "  Queue                           Open  Risk  Brch",
            "▸ Customer services                 2     0     0",
            "  Payroll                           2     0     1",
            "  Exchequer                         0     0     0",
            "  Vacancy management                0     0     0",
            "  Appointeeship                     0     0     0",
        ])
        #expect(!t.rows.joined().contains("Agent"))
    }

    @Test func tooSmallBelowTheMinimum() throws {
        let f = try F()
        let (t, _) = terminal(f, width: 24, height: 6)
        #expect(t.rows.joined(separator: " ").contains("terminal too small"))
        #expect(t.rows.joined(separator: " ").contains("30×8"))
    }

    @Test func wallboardHasBigNumbersAndFewerColumns() throws {
        let f = try F()
        try f.seed()
        let (t, _) = terminal(f, wallboard: true)
        #expect(t.rows[1] == "       OPEN              BREACHED            FCR TODAY           SLA TODAY")
        // "4" open, five rows tall.
        #expect(t.rows[2].hasPrefix("        █ █"))
        #expect(t.rows[6].hasPrefix("          █"))
        #expect(t.rows[7].contains("✗ RED · target 90%*"))
        #expect(t.rows[9] == "  Queue                              Open Unassigned   Oldest  At risk  Breached")
        #expect(t.rows[11] == "  Payroll                              2          1      34h        0         1")
        #expect(!t.rows[9].contains("Pend"))
        // Wide wallboard: an AT RISK tile too.
        let (wide, _) = terminal(f, width: 200, height: 50, wallboard: true)
        #expect(wide.rows[1].contains("AT RISK"))
    }

    @Test func anotherProcessesWriteShowsWithAnArrowThenSettles() throws {
        let f = try F()
        try f.seed()
        var (t, feed) = terminal(f)
        #expect(t.rows[5].hasPrefix("▸ Customer services          2     2"))
        // Ben logs a call in his own terminal.
        try f.as("ben").log(F.now, caller: "New Caller", seconds: 60)
        t.tick(now: F.now.adding(seconds: 1))
        #expect(t.rows[5] == "▸ Customer services          3↑    3↑    0     4↑    1     1h     0     0     0")
        // The fixture logs the 18th's and 23rd's calls after today's: the
        // store stamps them now (ts never goes backwards), so they count
        // as handled today.
        #expect(t.rows[13] == "  Ben (ben)                                       0        3↑       0   1:30↓")
        #expect(t.rows[1] == "Today  FCR 25.0% ✗ RED*↓          SLA 100.0% ✓ GREEN")
        #expect(t.frame[34, 5].style.role == .selection)  // the selection bar wins over the highlight
        #expect(t.frame[59, 13].style.role == .changedUp)
        #expect(t.frame[75, 13].style.role == .changedDown)
        #expect(t.frame[2, 13].style.role == .changedUp)  // the row's name takes its latest change
        // Five seconds later the highlight is gone; the figures stay.
        t.tick(now: F.now.adding(seconds: 6))
        #expect(t.rows[5] == "▸ Customer services          3     3     0     4     1     1h     0     0     0")
        #expect(t.frame[59, 13].style.role == .normal)
        #expect(feed.recomputes == 2)
    }

    @Test func recomputesOnlyWhenTheJournalChangesOrTheMinuteTurns() throws {
        let f = try F()
        try f.seed()
        let (_, feed) = terminal(f)
        #expect(feed.tick(now: F.now.adding(millis: 250)) == false)
        #expect(feed.tick(now: F.now.adding(millis: 500)) == false)
        #expect(feed.recomputes == 1)
        #expect(feed.tick(now: F.now.adding(seconds: 60)))
        #expect(feed.recomputes == 2)
    }

    @Test func agentsSeeQueuesAndOnlyTheirOwnRowAndCannotAct() throws {
        let f = try F()
        try f.seed()
        let amy = try f.as("amy")
        var (t, _) = terminal(amy)
        let agentRows = t.rows.filter { $0.contains("(amy)") || $0.contains("(ben)") || $0.contains("(pat)") }
        #expect(agentRows == ["  Amy Ng (amy)                                    0        3        1   5:00"])
        #expect(t.rows[6].hasPrefix("  Payroll"))
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Warning: Team leaders only"))
        #expect(t.app.stack.count == 1)
        t.press(.char("t"))
        #expect(t.rows[5].hasPrefix("▸ Customer services"))
        #expect(!t.rows.contains { $0.hasPrefix("  Payroll") })
        #expect(t.rows[0].hasSuffix("my team · static · 11:00"))
    }
}
