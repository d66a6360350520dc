import BSCTestSupport
import BSCApp
import BSCCore
import Testing
@testable import BSCUI

/// Call-backs due per queue on the board: counted once, in the board's
/// snapshot (`BoardSnapshot.compute`), shown in the CBdue column (red),
/// explained under the tables, and the same figure in `board --print`'s
/// JSON.
@Suite(.serialized) struct BoardCallbacksTests {
    typealias F = BoardScreenFixture

    @Test func callbacksDueAndLaterTodayPerQueue() throws {
        let f = try F()
        try f.seed()
        let amy = try f.as("amy")
        let overdue = try amy.log(F.london(24, 9), caller: "Overdue Caller")
        let later = try amy.log(F.london(24, 9, 5), caller: "Later Caller")
        let tomorrow = try amy.log(F.london(24, 9, 10), caller: "Tomorrow Caller")
        f.clock.set(F.london(24, 9, 20))
        try amy.desk.setCallback(overdue, at: F.london(24, 10, 30))
        try amy.desk.setCallback(later, at: F.london(24, 15))
        try amy.desk.setCallback(tomorrow, at: F.london(25, 10))
        f.clock.set(F.now)
        try f.desk.refresh()

        let s = f.desk.boardSnapshot(now: F.now)
        let cs = try #require(s.queue(QueueID.customerServices))
        #expect(cs.callbacksDue == 1)
        #expect(cs.callbacksLaterToday == 1)
        #expect(cs.oldestCallbackDue == F.london(24, 10, 30))
        #expect(s.queue(QueueID.payroll)?.callbacksDue == 0)
        // The same figure, from the same snapshot, for scripts.
        let json = BoardOutput.json(f.desk.boardAsSeen(s, teamOnly: false), zone: f.desk.zone, teamOnly: false).serialized(pretty: false)
        #expect(json.contains("\"callbacks_due\":1"), "\(json)")

        let feed = BoardFeed(desk: f.desk, watcher: nil, now: F.now)
        var t = TestTerminal(root: BoardScreen(feed: feed), width: 80, height: 24, now: F.now)
        #expect(t.rows[4].hasSuffix("Risk  Brch CBdue"), "\(t.rows[4])")
        #expect(t.rows[5].hasPrefix("▸ Customer services") && t.rows[5].hasSuffix("     0     0     1"), "\(t.rows[5])")
        // Too long for 80 columns: cut, saying where the rest is.
        #expect(t.rows[21] == "Customer services: CBdue 1: call-backs due since 2026-11-24 10:30, 1… x: in full", "\(t.rows.joined(separator: "\n"))")
        t.press(.char("x"))
        #expect(t.bottomText.contains("Customer services: CBdue 1: call-backs due since 2026-11-24 10:30, 1 more later today"), "\(t.bottomText)")
        #expect(t.bottomText.contains("Payroll: Brch 1: past the SLA target 24 working h"), "\(t.bottomText)")
        #expect(t.bottomText.contains("FCR today is red: 16.7%"), "\(t.bottomText)")
        t.press(.tab)  // the agents' panel: the queue row is no longer selected
        #expect(t.frame[78, 5].style.role == .slaBreached)
        #expect(t.frame[78, 6].style.role == .normal)
        #expect(BoardScreen(feed: feed).helpNotes.contains { $0.hasPrefix("CBdue: call-backs promised to callers") })
    }
}
