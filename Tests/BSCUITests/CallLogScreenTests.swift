import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

@Suite struct CallLogScreenTests {
    func terminal(_ s: DeskSession, width: Int = 80, height: Int = 24) -> TestTerminal {
        TestTerminal(root: FrontDeskTabs.root(session: s), width: width, height: height, now: FrontDeskFixture.start)
    }

    @Test func emptyFormAt80x24() throws {
        let f = try FrontDeskFixture()
        let t = terminal(try f.session())
        #expect(t.rows[0].hasPrefix("bscdesk › Log a call       tester/supervisor · …"))
        #expect(t.rows[0].hasSuffix("/data · 09:30 ● live"))
        #expect(Array(t.rows[1...7]) == [
            "Ready · Phone · the timer starts with the call's first key (F9: now)",
            "Caller      name or reference",
            "Caller ref                                                      Type ‹Employee›",
            "Category    type to search categories",
            "",
            "Summary     what the caller needs, what you did",
            "",
        ])
        #expect(t.bottomText == "F1Help  F2Call  F3List  F4Chan  F5Solve F6Route F7Keep  F8Add   F10Quit")
        #expect(t.cursor == Point(x: 12, y: 2))
    }

    @Test func logAResolvedCallWithKeysOnlyAndTheTimerAsHandleTime() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        t.type("Zoë Łukasik")
        t.press(.tab)
        t.type("E123")
        t.press(.tab, .tab)
        t.type("salary")
        #expect(t.rows[5] == "            ▸payroll.salary-query — Salary query")
        t.press(.enter)  // picks the category, moves to the summary
        #expect(t.rows[5] == "            Salary query · Payroll · ✓ front desk can resolve")
        t.type("Pay short")
        t.press(.enter)
        t.type("山田 checked")
        #expect(t.rows[6] == "Summary     Pay short")
        #expect(t.rows[7] == "            山田 checked")
        f.clock.advance(millis: 154_000)
        t.tick(now: f.clock.now())
        #expect(t.rows[1] == "Call 02:34 · Phone")
        t.press(.function(4))  // phone → email
        t.press(.function(5))
        #expect(t.bottomText == "Saved BSC-000001: resolved at first contact")
        #expect(t.rows[2] == "Caller      name or reference")  // cleared for the next call
        let saved = try #require(s.desk.store[TicketRef(1)])
        #expect(saved.caller.name == "Zoë Łukasik")
        #expect(saved.caller.reference == "E123")
        #expect(saved.channel == .email)
        #expect(saved.summary == "Pay short\n山田 checked")
        #expect(saved.firstContactResolution)
        #expect(saved.contacts[0].record.durationMillis == 154_000)
        // Between calls the form is ready: no timer runs until the next
        // call's first key.
        #expect(t.rows[1].hasPrefix("Ready · Phone"))
        f.clock.advance(millis: 25_000)
        t.tick(now: f.clock.now())
        #expect(t.rows[1].hasPrefix("Ready · Phone"))
    }

    @Test func saveErrorsKeepTheForm() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.type("Ann")
        t.press(.function(5))
        #expect(t.bottomText == "Error: the category is empty: type a few letters and pick one")
        t.press(.tab, .tab, .tab)
        t.type("payroll.payslip")
        t.press(.function(7))
        #expect(t.bottomText.hasPrefix("Error: the summary is empty"))
        #expect(t.rows[2] == "Caller      Ann")
    }

    @Test func routeAsksForTheQueuesHandoffDetailsAndEnforcesRequiredOnes() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        t.type("Ann Lee")
        t.press(.tab, .tab, .tab)
        t.type("payroll.overpayment")
        t.press(.tab)
        t.type("Overpaid in October")
        t.press(.function(6))
        let box = t.rows.joined(separator: "\n")
        #expect(box.contains("Queue*:"))
        let queueRow = try #require(t.rows.firstIndex { $0.contains("Queue*:") })
        #expect(t.cursor?.y == queueRow, "the box opens on Queue")
        #expect(box.contains("Employee number*:"))
        #expect(box.contains("Pay date or period*:"))
        #expect(box.contains("hand-off details for Payroll"))
        t.press(.enter)  // nothing filled in: the desk refuses
        #expect(t.bottomText.hasPrefix("Error: cannot route to payroll: missing hand-off details"))
        #expect(t.app.message?.text.hasPrefix("cannot route to payroll: missing hand-off details employee-number (Employee number), pay-period") == true)
        t.press(.tab)
        t.type("E555")
        t.press(.tab)
        t.type("October")
        t.press(.enter)
        #expect(t.bottomText == "Saved BSC-000001: routed to payroll")
        let routed = try #require(s.desk.store[TicketRef(1)])
        #expect(routed.queue == "payroll")
        #expect(routed.details == ["employee-number": "E555", "pay-period": "October"])
    }

    @Test func callerTypeAheadWarnsOfARepeatAndAddsToTheOpenTicket() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Zoë Łukasik", reference: "E123")
        var t = terminal(s)
        t.type("zoe")
        #expect(t.rows[3].hasPrefix("Caller ref  ▸Zoë Łukasik · E123 (Employee)"))
        t.press(.enter)
        #expect(t.rows[2] == "Caller      Zoë Łukasik")
        #expect(t.rows[3].hasPrefix("Caller ref  E123"))
        #expect(t.cursor?.y == 3, "a picked caller moves to Caller ref, the next field")
        t.press(.tab, .tab)
        t.type("payroll.salary-query")
        #expect(t.rows.contains("⚠ Repeat? BSC-000001 is still open in the same category (F8 adds to it)"))
        #expect(t.rows.contains { $0.hasPrefix("History of Zoë Łukasik: 1 ticket") })
        t.press(.tab)
        t.type("Calling again")
        t.press(.function(8))
        #expect(t.rows.joined().contains("Ticket*:"))
        t.press(.enter)
        #expect(t.bottomText == "Added this call to BSC-000001 as a repeat contact")
        #expect(s.desk.store[TicketRef(1)]?.contacts.count == 2)
        #expect(s.desk.store.count == 1)
    }

    @Test func restrictedCallersAreNotOfferedToThoseWhoCannotSeeThem() throws {
        let f = try FrontDeskFixture()
        let appt = try f.desk("appt")
        try f.log(appt, caller: "Vera Vulnerable", reference: "C9", category: "appointeeship.allowance",
                  outcome: .route("appointeeship"), details: ["client-reference": "C9"])
        try f.log(appt, caller: "Vera Open", category: "payroll.payslip")
        var agent = terminal(try f.session("agent"))
        agent.type("vera")
        #expect(agent.rows[3].hasPrefix("Caller ref  ▸Vera Open (Employee)"))
        #expect(!agent.rows.joined().contains("Vulnerable"))
        var sup = terminal(try f.session("tester"))
        sup.type("vera")
        #expect(sup.rows.joined().contains("Vera Vulnerable · C9"))
    }

    @Test func draftIsWrittenDebouncedRestoredAndClearedAfterSave() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        let path = s.drafts!.path
        var t = terminal(s)
        t.type("Ann")  // "A" written at once, "nn" within 300 ms: pending
        #expect(s.drafts!.load()?.callerName == "A")
        f.clock.advance(millis: 400)
        t.tick(now: f.clock.now())
        #expect(s.drafts!.load()?.callerName == "Ann")
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        // While that terminal runs, another one does not take its draft.
        let other = terminal(try f.session())
        #expect(other.rows[2] == "Caller      name or reference")
        // A new front desk after the first one's crash (its claim gone)
        // restores it, timer included.
        s.drafts!.close()
        f.clock.advance(millis: 60_000)
        let s2 = try f.session()
        var again = terminal(s2)
        again.tick(now: f.clock.now())
        #expect(again.rows[1] == "Call 01:00 · Phone · draft restored")
        #expect(again.rows[2] == "Caller      Ann")
        #expect(!FileManager.default.fileExists(atPath: path), "the draft moved to the new terminal's own file")
        #expect(s2.drafts!.load()?.callerName == "Ann")
        again.press(.tab, .tab, .tab)
        again.type("payroll.payslip")
        again.press(.tab)
        again.type("Copy sent")
        again.press(.function(5))
        #expect(again.bottomText == "Saved BSC-000001: resolved at first contact")
        #expect(!FileManager.default.fileExists(atPath: s2.drafts!.path))
    }

    @Test func typingQIntoTheFormDoesNotQuitButF10Asks() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.type("q")
        #expect(t.rows[2] == "Caller      q")
        #expect(t.app.confirmingQuit == nil)
        t.press(.function(10))
        #expect(t.app.confirmingQuit != nil)
        t.press(.char("y"))
        #expect(t.isFinished)
    }

    @Test func helpOverlayListsTheCallKeys() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.press(.function(1))
        let text = t.rows.joined(separator: "\n")
        #expect(text.contains("Help: Log a call"))
        #expect(text.contains("F5      Save: resolved now (first-contact resolution)"))
        #expect(text.contains("F2      Log a call (the home screen)"))
        #expect(text.contains("F10, q  Quit"))
        t.press(.escape)
        #expect(!t.rows.joined().contains("Help: Log a call"))
    }

    @Test func smallAndTinyTerminals() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session(drafts: false), width: 40, height: 12)
        #expect(Array(t.rows[1...6]) == [
            "Ready · Phone · the timer starts with th",
            "Caller   name or reference",
            "Ref                      Type ‹Employee›",
            "Category type to search categories",
            "",
            "Summary  what the caller needs, what you",
        ])
        #expect(t.rows[11] == "F1Help  F2Call  F3List  F4Chan  F10Quit")  // Help and Quit stay
        t.type("山田太郎")
        #expect(t.rows[2] == "Caller   山田太郎")
        #expect(t.cursor == Point(x: 17, y: 2))
        t.resize(width: 30, height: 8)
        #expect(t.rows.joined(separator: " ").contains("terminal too small"))
        t.resize(width: 80, height: 24)
        #expect(t.rows[2] == "Caller      山田太郎")  // typing survives a resize
    }
}
