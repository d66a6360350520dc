import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

/// The front desk draws before its history has loaded: the call form works
/// at once, the history tabs say they are waiting, and everything fills in
/// when a tick adopts the background load.
@Suite struct HistoryLoadingScreensTests {
    /// Three earlier calls, logged by another terminal.
    func seeded() throws -> FrontDeskFixture {
        let f = try FrontDeskFixture()
        let other = try f.desk("agent")
        try f.log(other, caller: "Zoë Łukasik", reference: "E1")
        try f.log(other, caller: "Bo Earlier")
        try f.log(other, caller: "Cy Earlier", outcome: .resolved)
        return f
    }

    func terminal(_ s: DeskSession, width: Int = 80, height: Int = 24) -> TestTerminal {
        TestTerminal(root: FrontDeskTabs.root(session: s), width: width, height: height, now: FrontDeskFixture.start)
    }

    /// Lets the background load finish, then ticks so the session adopts it.
    func finishLoading(_ t: inout TestTerminal, _ load: HistoryLoad, _ f: FrontDeskFixture) {
        load.waitUntilFinished()
        t.tick(now: f.clock.now())
    }

    @Test func theFirstFrameIsTheCallFormSayingHistoryIsLoading() throws {
        let f = try seeded()
        let (s, load) = try f.loadingSession()
        var t = terminal(s)
        #expect(t.rows[0].hasSuffix("/data · 09:30 ◌ loading history"))
        #expect(Array(t.rows[1...4]) == [
            "Ready · Phone · the timer starts with the call's first key (F9: now)",
            "Caller      name or reference",
            "Caller ref                                                      Type ‹Employee›",
            "Category    type to search categories",
        ])
        #expect(t.rows.contains("◌ history still loading: caller look-up and repeat warnings follow"))
        #expect(t.cursor == Point(x: 12, y: 2))
        // Typing works; no type-ahead from history yet.
        t.type("Zo")
        #expect(t.rows[2] == "Caller      Zo")
        #expect(!t.rows.joined().contains("Łukasik"))
        finishLoading(&t, load, f)
        #expect(t.rows[0].hasSuffix("/data · 09:30 ● live"))
        #expect(!t.rows.contains { $0.contains("history still loading") })
        // The history arrived while the name was being typed: it is offered.
        #expect(t.rows[3].contains("▸Zoë Łukasik · E1 (Employee)"))
    }

    @Test func historyTabsSayTheyAreWaitingThenShowTheTickets() throws {
        let f = try seeded()
        let (s, load) = try f.loadingSession()
        var t = terminal(s)
        t.press(.function(3))
        #expect(t.rows[0].hasPrefix("bscdesk › Tick"))
        #expect(t.rows[0].hasSuffix("◌ loading history"))
        #expect(t.rows[1] == "Loading ticket history…")
        #expect(t.rows.contains("Calls can be logged meanwhile: F2."))
        #expect(!t.rows.contains { $0.contains("shown") || $0.contains("no tickets match") })
        t.press(.function(11))
        #expect(t.rows[1] == "Loading ticket history…")
        t.press(.function(12))
        #expect(t.rows[1] == "Loading ticket history…")
        #expect(!t.rows.contains { $0.contains("Gross FCR") })
        t.press(.function(3))
        finishLoading(&t, load, f)
        #expect(t.rows[1].hasSuffix("3 shown"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000003 resolved"))
        #expect(t.rows[5].hasPrefix("  BSC-000001 open"))
        #expect(t.shell.currentScreen is TicketListScreen)
        // The board and the dashboard are built from the loaded history.
        t.press(.function(11))
        #expect(t.shell.currentScreen is BoardScreen)
        #expect(!t.rows.contains { $0.contains("Loading ticket history") })
        #expect(!t.rows.joined().contains("↑"), "no change highlights for history that was there all along")
        t.press(.function(12))
        t.tick(now: f.clock.now())
        #expect(t.rows.contains { $0.hasPrefix("Gross FCR") })
    }

    @Test func aCallLoggedWhileLoadingTakesTheNextReferenceAndIsListedAfter() throws {
        let f = try seeded()
        let (s, load) = try f.loadingSession()
        var t = terminal(s)
        t.type("Dee During")
        t.press(.tab, .tab, .tab)
        t.type("payroll.payslip")
        t.press(.tab)
        t.type("Asked for a copy")
        t.press(.function(7))
        t.press(.enter)  // the suggested callback time, an hour ahead
        #expect(t.bottomText == "Saved BSC-000004: kept open, call back 2026-11-24 10:30")
        #expect(t.rows[2] == "Caller      name or reference")
        finishLoading(&t, load, f)
        #expect(s.desk.store.ticketCount == 4)
        #expect(s.desk.store[TicketRef(4)]?.caller.name == "Dee During")
        t.press(.function(3))
        #expect(t.rows[1].hasSuffix("4 shown"))
        #expect(t.rows[3].hasPrefix("▸ BSC-000004 open"))
        #expect(t.rows[3].contains("Dee During"))
    }

    @Test func addingToAnExistingTicketWaitsForHistoryAndKeepsThePrompt() throws {
        let f = try seeded()
        let (s, load) = try f.loadingSession()
        var t = terminal(s)
        t.type("Zoë Łukasik")
        t.press(.tab, .tab, .tab, .tab)
        t.type("Called again")
        t.press(.function(8))
        t.type("BSC-000001")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: the ticket history is still loading"))
        #expect(t.rows.contains { $0.contains("Add this call to a ticket") }, "the prompt stays, nothing typed is lost")
        finishLoading(&t, load, f)
        t.press(.enter)
        #expect(t.bottomText == "Added this call to BSC-000001 as a repeat contact")
        #expect(s.desk.store[TicketRef(1)]?.contacts.count == 2)
    }

    @Test func aDraftRestoredWhileLoadingFindsItsCallerWhenHistoryArrives() throws {
        let f = try seeded()
        let drafts = DraftStore(directory: f.dir + "/data/drafts", login: "tester")
        var d = CallDraft()
        d.callerName = "Zoë Łukasik"
        d.callerReference = "E1"
        d.callerType = CallerType.employee.rawValue
        d.summary = "half typed"
        drafts.update(d, now: FrontDeskFixture.start)
        drafts.flush()
        drafts.close()  // that terminal is gone
        let (s, load) = try f.loadingSession()
        var t = terminal(s)
        #expect(t.rows[1] == "Call 00:00 · Phone · draft restored")
        #expect(t.rows[2] == "Caller      Zoë Łukasik")
        #expect(!t.rows.contains { $0.hasPrefix("History of") })
        finishLoading(&t, load, f)
        #expect(t.rows.contains("History of Zoë Łukasik: 1 ticket"))
        #expect(t.rows.contains { $0.hasPrefix("⚠ Repeat? BSC-000001 is still open") })
    }

    @Test func aFailedLoadIsShownOnTheHistoryTabs() throws {
        let f = try seeded()
        let journal = f.dir + "/data/journal"
        try FileManager.default.moveItem(atPath: journal, toPath: journal + ".away")
        _ = FileManager.default.createFile(atPath: journal, contents: Data("not a directory".utf8))
        let (s, load) = try f.loadingSession()
        var t = terminal(s)
        t.press(.function(3))
        finishLoading(&t, load, f)
        #expect(t.rows[0].hasSuffix("✗ history not loaded"))
        #expect(t.rows[1] == "Could not load the ticket history (trying again):")
        #expect(!t.rows[2].isEmpty)
        // Repaired: the retry five seconds later loads it.
        try FileManager.default.removeItem(atPath: journal)
        try FileManager.default.moveItem(atPath: journal + ".away", toPath: journal)
        f.clock.advance(millis: 5_000)
        for _ in 0..<1_000 where s.isLoadingHistory {
            t.tick(now: f.clock.now())
            usleep(5_000)
        }
        #expect(t.rows[0].hasSuffix("● live"))
        #expect(t.rows[1].hasSuffix("3 shown"))
    }
}
