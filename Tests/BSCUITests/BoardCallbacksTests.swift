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
        // Every alarm in full, wrapped, on a screen of its own.
        let text = t.rows.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(t.rows[0].hasPrefix("bscdesk › Queue board › Alarms"), "\(t.rows[0])")
        #expect(text.contains("• Customer services: CBdue 1: call-backs due since 2026-11-24 10:30, 1 more later today"), "\(text)")
        #expect(text.contains("• Payroll: Brch 1: past the SLA target 24 working h"), "\(text)")
        #expect(text.contains("• FCR today is red: 16.7%"), "\(text)")
        t.press(.escape)
        #expect(t.rows[0].hasPrefix("bscdesk › Queue board "), "\(t.rows[0])")
        t.press(.tab)  // the agents' panel: the queue row is no longer selected
        #expect(t.frame[78, 5].style.role == .slaBreached)
        #expect(t.frame[78, 6].style.role == .normal)
        #expect(BoardScreen(feed: feed).helpNotes.contains { $0.hasPrefix("CBdue: call-backs promised to callers") })
    }

    /// On a terminal too short for every alarm, the list scrolls to its
    /// last one and says how many are below.
    @Test func alarmsScrollOnAShortTerminal() throws {
        let f = try F()
        try f.seed()
        // A fourth alarm: a call-back due.
        let amy = try f.as("amy")
        let overdue = try amy.log(F.london(24, 9), caller: "Overdue Caller")
        f.clock.set(F.london(24, 9, 20))
        try amy.desk.setCallback(overdue, at: F.london(24, 10, 30))
        f.clock.set(F.now)
        try f.desk.refresh()
        let feed = BoardFeed(desk: f.desk, watcher: nil, now: F.now)
        var t = TestTerminal(root: BoardScreen(feed: feed), width: 40, height: 12, now: F.now)
        t.press(.char("x"))
        let all = BoardScreen(feed: feed).allAlarms(BoardScreen(feed: feed).shown)
        #expect(all.count >= 4, "\(all)")
        let last = try #require(all.last)
        #expect(t.rows.contains { $0.contains("↓") && $0.contains("more") }, "\(t.rows.joined(separator: "\n"))")
        #expect(!t.rows.joined(separator: " ").contains(String(last.suffix(12))), "the last alarm is below the fold")
        t.press(.end)
        let text = t.rows.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.contains(String(last.suffix(12))), "\(t.rows.joined(separator: "\n"))")
        #expect(t.rows.contains { $0.contains("end · ↑↓ PgDn · Esc back") })
        t.press(.char("x"))
        #expect(t.rows[0].hasPrefix("bscdesk › Queue board "), "\(t.rows[0])")
    }
}
