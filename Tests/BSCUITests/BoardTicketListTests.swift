import BSCTestSupport
import BSCApp
import BSCCore
import Testing
@testable import BSCUI

/// Drilling from the board into a queue's tickets and moving several at once.
@Suite(.serialized) struct BoardTicketListTests {
    typealias F = BoardScreenFixture

    func board(_ f: F) -> TestTerminal {
        let feed = BoardFeed(desk: f.desk, watcher: nil, now: F.now)
        return TestTerminal(root: BoardScreen(feed: feed), width: 100, height: 24, now: F.now)
    }

    @Test func drillIntoAQueueListsItsActiveTicketsMostUrgentFirst() throws {
        let f = try F()
        try f.seed()
        var t = board(f)
        t.press(.down, .enter)  // Payroll
        #expect(t.rows[0].hasPrefix("bscdesk › Queue board › Payroll"))
        #expect(t.rows[0].hasSuffix("2 active"))
        #expect(t.rows[1].hasPrefix("  Sel Ref        Status      Assignee   Age   SLA"))
        // The breached one first.
        #expect(t.rows[2].hasPrefix("▸ [ ] BSC-000004 routed      -          34h   ✗ BREACHED  Old Payroll"))
        #expect(t.rows[3].hasPrefix("  [ ] BSC-000005 in progress pat        4h    ○ on track  Held Payroll"))
        #expect(t.frame[10, 2].style.role == .selection)
        #expect(t.frame[10, 3].style.role == .normal)
        t.press(.escape)
        #expect(t.app.stack.count == 1)
    }

    @Test func reassignSeveralReportsEachFailure() throws {
        let f = try F()
        try f.seed()
        var t = board(f)
        t.press(.enter)  // Customer services: BSC-000002, BSC-000003 open
        t.press(.char(" "), .char(" "))
        #expect(t.rows[0].hasSuffix("2 active · 2 selected"))
        #expect(t.rows[2].contains("[x] BSC-000002"))
        // pat works payroll only: refused for both, and said so per ticket.
        t.press(.function(7))
        t.type("pat")
        #expect(t.rows.contains { $0.hasPrefix("Assign 2 tickets to: pat") })
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: 2 of 2 not assigned: see the list below"))
        #expect(t.rows.contains { $0.hasPrefix("✗ BSC-000002: pat does not work the customer-services queue") })
        #expect(t.rows.contains { $0.hasPrefix("✗ BSC-000003: pat does not work the customer-services queue") })
        #expect(f.desk.store[TicketRef(2)]?.assignee == nil)
        // Now to ben, choosing him from the suggestions.
        t.press(.char("*"))
        t.press(.char("a"))
        t.type("be")
        t.press(.tab, .enter)
        #expect(t.bottomText == "Assigned to ben: 2 of 2")
        #expect(t.rows.contains { $0.hasPrefix("✓ BSC-000002 assigned to ben") })
        #expect(f.desk.store[TicketRef(2)]?.assignee == "ben")
        #expect(f.desk.store[TicketRef(3)]?.assignee == "ben")
        // The board behind already counts them.
        t.press(.escape)
        #expect(t.rows[5].hasPrefix("▸ Customer services                              2     0↓"))
    }

    @Test func rerouteAsksForMissingHandoffDetailsPerTicket() throws {
        let f = try F()
        try f.seed()
        var t = board(f)
        t.press(.enter)
        t.press(.char(" "), .char(" "))
        t.press(.function(8))
        t.type("payroll")
        t.press(.enter)
        #expect(t.rows.contains { $0.hasPrefix("BSC-000002 Employee number:") })
        #expect(t.rows.contains { $0.hasPrefix("Hand-off detail 1 of 4 for payroll") })
        t.press(.enter)  // empty: refused, still asking
        #expect(t.bottomText.hasPrefix("Error: Employee number is required to route to payroll"))
        t.type("E100")
        t.press(.enter)
        t.type("2026-11")
        t.press(.enter)
        #expect(t.rows.contains { $0.hasPrefix("BSC-000003 Employee number:") })
        t.type("E200")
        t.press(.enter)
        t.type("2026-10")
        t.press(.enter)
        #expect(t.bottomText == "Routed to payroll: 2 of 2")
        let two = try #require(f.desk.store[TicketRef(2)])
        #expect(two.queue == QueueID.payroll)
        #expect(two.details["employee-number"] == "E100")
        #expect(f.desk.store[TicketRef(3)]?.details["pay-period"] == "2026-10")
        #expect(t.rows[2] == "  (no active tickets)")
    }

    @Test func escapeCancelsAPromptWithoutWriting() throws {
        let f = try F()
        try f.seed()
        var t = board(f)
        t.press(.enter, .function(8))
        t.type("payroll")
        t.press(.enter, .escape)
        #expect(t.bottomText == "Cancelled: nothing changed")
        #expect(f.desk.store[TicketRef(2)]?.queue == QueueID.customerServices)
        #expect(t.app.stack.count == 2)
    }
}
