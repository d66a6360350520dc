import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

/// Issue 14's traps as rows of text, with the manual clock: the call timer,
/// caller look-up as typed, where the cursor goes, wrapping, callbacks,
/// per-terminal drafts, the non-resolvable warning and the key tables.
@Suite struct FrontDeskTrapsTests {
    func terminal(_ s: DeskSession, width: Int = 80, height: Int = 24) -> TestTerminal {
        TestTerminal(root: FrontDeskTabs.root(session: s), width: width, height: height, now: FrontDeskFixture.start)
    }

    func logCall(_ t: inout TestTerminal, caller: String, category: String, summary: String) {
        t.type(caller)
        t.press(.escape)  // hide the caller suggestions, if any
        t.press(.tab, .tab, .tab)
        t.type(category)
        t.press(.tab)
        t.type(summary)
    }

    // MARK: 1. Timer

    @Test func theTimerAndReceivedTimeStartAtTheFirstKeyOfTheCall() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        logCall(&t, caller: "First", category: "cs.general-enquiry", summary: "one")
        f.clock.advance(millis: 3_000)
        t.press(.function(5))
        #expect(t.bottomText == "Saved BSC-000001: resolved at first contact")
        // 25 s of wrap-up and waiting, then the next call in 2 s.
        f.clock.advance(millis: 25_000)
        t.tick(now: f.clock.now())
        #expect(t.rows[1].hasPrefix("Ready · Phone"))
        let callStart = f.clock.now()
        t.type("S")
        #expect(t.rows[1] == "Call 00:00 · Phone")
        f.clock.advance(millis: 2_000)
        t.type("econd")
        t.press(.escape, .tab, .tab, .tab)
        t.type("cs.general-enquiry")
        t.press(.tab)
        t.type("two")
        t.press(.function(5))
        let second = try #require(s.desk.store[TicketRef(2)])
        #expect(second.contacts[0].record.durationMillis == 2_000)
        #expect(second.receivedAt == callStart)
    }

    @Test func f9OnAReadyFormStartsTheTimerNow() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.press(.function(9))
        #expect(t.rows[1] == "Call 00:00 · Phone")
        f.clock.advance(millis: 61_000)
        t.tick(now: f.clock.now())
        #expect(t.rows[1] == "Call 01:01 · Phone")
    }

    // MARK: 2. Caller look-up

    @Test func aReferenceTypedInAnySpacingOrCaseFindsTheCallerAndItsHistory() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Ann Known", reference: "E 777")
        var t = terminal(s)
        t.type("Someone Else")
        t.press(.escape, .tab)
        t.type("e77")
        #expect(!t.rows.contains { $0.hasPrefix("⚠ Repeat?") }, "not certain yet")
        t.type("7")
        #expect(t.rows.contains("⚠ Repeat? BSC-000001 is still open (payroll.salary-query) (F8 adds to it)"))
        #expect(t.rows.contains("History of Ann Known: 1 ticket"))
        t.press(.function(8))
        #expect(t.rows.joined().contains("Ticket*: BSC-000001"))
    }

    /// A warning wider than the screen wraps onto a second row: cut, it
    /// hid the key that acts on it ("(F8 adds to it)" fell off at 80
    /// columns for a ticket in progress in a long category).
    @Test func aLongRepeatWarningWrapsAndKeepsItsKey() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Ann Known", reference: "E 777")
        var t = terminal(s, width: 60)
        t.press(.tab)
        t.type("E777")
        let at = try #require(t.rows.firstIndex { $0.hasPrefix("⚠ Repeat? BSC-000001 is still open") })
        #expect(t.rows[at] == "⚠ Repeat? BSC-000001 is still open (payroll.salary-query)")
        #expect(t.rows[at + 1] == "(F8 adds to it)")
        #expect(t.rows.contains("History of Ann Known: 1 ticket"))
    }

    /// References match with spaces and case ignored (the one caller rule,
    /// docs/metrics.md): `E5` and `e 5` are one caller. A phone number two
    /// different callers gave names neither for certain.
    /// A reference that is not the caller's own, typed beside that caller's
    /// phone, is another person: no history, no warning.
    @Test func identifiersThatDisagreeAreNotCertain() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try s.desk.logFirstContact(Desk.NewContact(caller: Caller(name: "Ann One", type: .employee, reference: "E5", phone: "01632 100555"),
                                                   channel: .phone, category: "payroll.payslip", summary: "Earlier"))
        try s.desk.logFirstContact(Desk.NewContact(caller: Caller(name: "Bob Two", type: .employee, reference: "E6"),
                                                   channel: .phone, category: "payroll.payslip", summary: "Earlier"))
        var t = terminal(s)
        t.press(.tab, .tab, .tab, .tab, .tab)  // Caller ref, Type, Category, Summary, Phone
        t.type("01632 100555")
        #expect(t.rows.contains("History of Ann One: 1 ticket"), "the phone alone names Ann")
        t.press(.backTab, .backTab, .backTab, .backTab)  // back to Caller ref
        t.type("E6")
        #expect(!t.rows.contains { $0.hasPrefix("History of") }, "Bob's reference with Ann's phone is neither for certain")
        t.press(.backspace)
        t.type("7")
        #expect(!t.rows.contains { $0.hasPrefix("History of") }, "a reference Ann does not have is not Ann")
        t.press(.backspace)
        t.type("5")
        #expect(t.rows.contains("History of Ann One: 1 ticket"))
    }

    @Test func aPhoneOfTwoCallersIsNotCertain() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        for (name, ref) in [("Ann One", "E5"), ("Bob Two", "E6")] {
            try s.desk.logFirstContact(Desk.NewContact(caller: Caller(name: name, type: .employee, reference: ref, phone: "01632 100555"),
                                                       channel: .phone, category: "payroll.payslip", summary: "Earlier"))
        }
        var t = terminal(s)
        t.press(.tab, .tab, .tab, .tab, .tab)  // Caller ref, Type, Category, Summary, Phone
        t.type("01632 100555")
        #expect(!t.rows.contains { $0.hasPrefix("⚠ Repeat?") })
        #expect(!t.rows.contains { $0.hasPrefix("History of") })
    }

    @Test func aReferenceWrittenWithSpacesIsTheSameCaller() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Ann One", reference: "E5")
        try f.log(s.desk, caller: "Ann One", reference: "e 5")
        var t = terminal(s)
        t.press(.tab)
        t.type("E5")
        #expect(t.rows.contains("History of Ann One: 2 tickets"))
    }

    @Test func aPhoneOnTheFormFindsTheCallerAndIsSaved() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try s.desk.logFirstContact(Desk.NewContact(caller: Caller(name: "Phil Phone", type: .employee, phone: "01632 100327"), channel: .phone,
                                                   category: "payroll.payslip", summary: "Earlier"))
        var t = terminal(s)
        t.press(.tab, .tab, .tab, .tab, .tab)  // Caller ref, Type, Category, Summary, Phone
        t.type("+44 1632 100327")
        #expect(t.rows.contains { $0.hasPrefix("⚠ Repeat? BSC-000001 is still open") })
        #expect(t.rows.contains("History of Phil Phone: 1 ticket"))
        // The type-ahead finds phone numbers too.
        var u = terminal(s)
        u.type("01632")
        #expect(u.rows[3].contains("▸Phil Phone"))
        u.press(.enter)
        #expect(u.rows.contains { $0.hasPrefix("Phone       01632 100327") })
    }

    // MARK: 3. Cursor

    @Test func theFieldOrderKeepsTheFirstFiveAndAddsPhoneEmailPriorityAfter() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        var rows: [Int] = []
        for _ in 0..<8 {
            rows.append(t.cursor?.y ?? -1)
            t.press(.tab)
        }
        // name, ref, (type: no cursor), category, summary, phone, email, (priority)
        #expect(Array(rows[0...1]) == [2, 3])
        #expect(rows[3] == 4 && rows[4] == 6)
        #expect(rows[5] == 14 && rows[6] == 14)
        #expect(t.rows[14].hasPrefix("Phone ") && t.rows[14].contains("Email") && t.rows[14].contains("Priority ‹category's›"))
    }

    // MARK: 4. Wrapping

    @Test func aLongNoteIsReadableInFullInTheDetailAt80x24() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Wendy Wrap")
        let words = (1...60).map { String(format: "w%03d", $0) }
        try s.desk.addNote(TicketRef(1), words.joined(separator: " "))
        var t = terminal(s)
        t.press(.function(3), .enter)
        var seen = t.rows.joined(separator: "\n")
        for _ in 0..<3 {
            t.press(.pageDown)
            seen += t.rows.joined(separator: "\n")
        }
        #expect(words.allSatisfy { seen.contains($0) })
        #expect(t.rows.allSatisfy { $0.displayWidth <= 80 })
    }

    @Test func theDetailWrapsAndScrollsOnASmallTerminal() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Wendy Wrap")
        try s.desk.addNote(TicketRef(1), "Supplier told to resend with PO 4500123 and the remittance advice")
        var t = terminal(s, width: 40, height: 12)
        t.press(.function(3), .enter)
        #expect(Array(t.rows[1...10]) == [
            "BSC-000001  OPEN".padded(toWidth: 32) + "↓ 9 more",
            "Caller   Wendy Wrap (Employee)",
            "Category payroll.salary-query — Salary",
            "         query",
            "Queue    customer-services, unassigned ·",
            "         Phone · normal",
            "Received 2026-11-24 09:30 · 1 contact",
            "SLA      ○ on track, due 2026-11-25",
            "         09:30",
            "Summary  Earlier call",
        ])
        #expect(t.rows.allSatisfy { $0.displayWidth <= 40 })
        t.press(.end)
        #expect(Array(t.rows[1...10]) == [
            "BSC-000001  OPEN".padded(toWidth: 29) + "↑ Home: top",
            "History (2 events)",
            "2026-11-24 09:30  tester",
            "  opened by phone from Wendy Wrap",
            "  (employee) in customer-services,",
            "  category payroll.salary-query, normal",
            "  priority: Earlier call",
            "2026-11-24 09:30  tester",
            "  note: Supplier told to resend with PO",
            "  4500123 and the remittance advice",
        ])
    }

    @Test func theSummaryWrapsSoItsStartStaysInSight() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.press(.tab, .tab, .tab, .tab)
        t.type("Supplier told to resend with PO 4500123 and the remittance advice for October and November")
        #expect(t.rows[6] == "Summary     Supplier told to resend with PO 4500123 and the remittance advice")
        #expect(t.rows[7] == "            for October and November")
        #expect(t.cursor == Point(x: 12 + "for October and November".count, y: 7))
    }

    @Test func aLongErrorWrapsInsteadOfBeingCut() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.press(.function(9))
        t.type("Ann")
        t.press(.escape, .tab, .tab, .tab)
        t.type("payroll.overpayment")
        t.press(.tab)
        t.type("x")
        t.press(.function(6), .enter)
        let text = t.bottomText
        #expect(text.hasPrefix("Error: cannot route to payroll: missing hand-off details"))
        #expect(text.hasSuffix("--detail pay-period=…"), "not cut")
    }

    // MARK: 5. Callback and priority

    @Test func f7AsksForACallbackTimeAndThePriorityIsSaved() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        logCall(&t, caller: "Carl", category: "cs.general-enquiry", summary: "No money for food")
        t.press(.tab, .tab, .tab, .left)  // priority: category default → urgent
        #expect(t.rows[14].contains("‹urgent›"))
        t.press(.function(7))
        #expect(t.rows.contains { $0.contains("Call back at: 2026-11-24 10:30") })
        t.press(.ctrl("u"))
        t.type("14:15")
        t.press(.enter)
        #expect(t.bottomText == "Saved BSC-000001: kept open, call back 2026-11-24 14:15")
        let saved = try #require(s.desk.store[TicketRef(1)])
        #expect(saved.priority == .urgent)
        #expect(saved.callbackAt.map { s.desk.localText($0) } == "2026-11-24 14:15")
        // A time already past today means tomorrow; a bad one is refused.
        logCall(&t, caller: "Dora", category: "cs.general-enquiry", summary: "later")
        t.press(.function(7), .ctrl("u"))
        t.type("08:00")
        t.press(.enter)
        #expect(t.bottomText == "Saved BSC-000002: kept open, call back 2026-11-25 08:00")
        logCall(&t, caller: "Eve", category: "cs.general-enquiry", summary: "bad")
        t.press(.function(7), .ctrl("u"))
        t.type("soon")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: bad call-back time \"soon\""))
        #expect(t.rows.contains { $0.contains("Call back at:") }, "the prompt stays")
    }

    @Test func aCallbackAppearsUnderDWhenItFallsDueWhileTheListIsOpen() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        try s.desk.logFirstContact(Desk.NewContact(caller: Caller(name: "Carl", type: .employee), channel: .phone, category: "cs.general-enquiry",
                                                   summary: "call me", callback: FrontDeskFixture.start.adding(minutes: 1)))
        var t = terminal(s)
        t.press(.function(3), .char("d"))
        #expect(t.rows[1].hasSuffix("0 shown"))
        f.clock.advance(millis: 61_000)
        t.tick(now: f.clock.now())
        #expect(t.rows[1].hasSuffix("1 shown"))
    }

    // MARK: 6. Drafts per terminal

    @Test func twoTerminalsKeepTwoDraftsAndACrashOffersBoth() throws {
        let f = try FrontDeskFixture()
        let s1 = try f.session(), s2 = try f.session()
        var a = terminal(s1), b = terminal(s2)
        a.type("Alpha")
        b.type("Beta")
        f.clock.advance(millis: 400)
        a.tick(now: f.clock.now())
        b.tick(now: f.clock.now())
        #expect(s1.drafts!.load()?.callerName == "Alpha")
        #expect(s2.drafts!.load()?.callerName == "Beta")
        // Both terminals die; the next session offers both, one after the other.
        s1.drafts!.close()
        s2.drafts!.close()
        let s3 = try f.session()
        var c = terminal(s3)
        #expect(c.rows[1].hasSuffix("draft restored, 1 more after this call"))
        #expect(c.rows[2] == "Caller      Alpha")
        c.press(.function(9), .char("y"))
        #expect(c.rows[2] == "Caller      Beta")
        #expect(c.rows[1].hasSuffix("draft restored"))
    }

    @Test func routeBoxDetailsAreKeptInTheDraftAndRestored() throws {
        let f = try FrontDeskFixture()
        let s1 = try f.session()
        var a = terminal(s1)
        logCall(&a, caller: "Ann", category: "payroll.overpayment", summary: "Overpaid")
        a.press(.function(6), .tab)
        a.type("E4242")
        f.clock.advance(millis: 400)
        a.tick(now: f.clock.now())
        #expect(s1.drafts!.load()?.routeDetails == ["employee-number": "E4242"])
        s1.drafts!.close()
        var b = terminal(try f.session())
        b.press(.function(6))
        #expect(b.rows.contains { $0.contains("Employee number*:") && $0.contains("E4242") })
    }

    // MARK: 7. Non-resolvable category; typed category

    @Test func f5OnANonResolvableCategoryAsksFirst() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        logCall(&t, caller: "Owen", category: "payroll.overpayment", summary: "Overpaid")
        t.press(.function(5))
        #expect(t.rows.joined().contains("Overpayment is marked not resolvable at the front"))
        t.press(.char("n"))
        #expect(s.desk.store.count == 0)
        t.press(.function(5), .char("y"))
        #expect(t.bottomText == "Saved BSC-000001: resolved at first contact")
    }

    @Test func aTypedButUnpickedCategoryTakesTheHighlightedMatch() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        t.type("Pat")
        t.press(.escape, .tab, .tab, .tab)
        t.type("password reset")
        t.press(.tab)
        #expect(t.rows[4] == "Category    cs.password-reset")
        t.type("Locked out")
        t.press(.function(5))
        #expect(s.desk.store[TicketRef(1)]?.category == "cs.password-reset")
    }

    // MARK: 9. One key map

    @Test func escGoesBackFromListBoardAndDashboard() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        for key in [Key.function(3), .function(11), .function(12)] {
            t.press(key)
            #expect(!t.rows[0].hasPrefix("bscdesk › Log a call"))
            t.press(.escape)
            #expect(t.rows[0].hasPrefix("bscdesk › Log a call"), "Esc from \(key)")
        }
        t.press(.function(3), .function(12), .escape)
        #expect(t.rows[0].hasPrefix("bscdesk › Tickets"), "back to the screen shown before")
    }

    /// docs/keys.md against the key tables: every bound key is documented
    /// in its screen's section, and every key the section names is bound.
    @Test func keysDocMatchesTheKeyTables() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/keys.md"), encoding: .utf8)
        func section(_ title: String) -> String {
            guard let start = doc.range(of: "## " + title) else { return "" }
            let rest = doc[start.upperBound...]
            let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
            // The key column of each table row.
            return rest[..<end].split(separator: "\n").filter { $0.hasPrefix("| ") }
                .map { $0.split(separator: "|").first.map(String.init) ?? "" }.joined(separator: " ")
        }
        func spelled(_ k: Key) -> String {
            switch k {
            case .char(" "): "Space"
            case .char(let c): "`\(c)`"
            case .ctrl(let c): "Ctrl-" + String(c).uppercased()
            case .backTab: "Shift-Tab"
            case .enter: "Enter"
            case .escape: "Esc"
            default: k.label
            }
        }
        func documentedKeys(_ column: String) -> Set<String> {
            var out = Set<String>()
            for word in column.split(whereSeparator: { $0 == " " || $0 == "," }) {
                let w = String(word)
                if w.hasPrefix("F"), Int(w.dropFirst()) != nil { out.insert(w) }
                if w.hasPrefix("`"), w.hasSuffix("`"), w.count == 3 { out.insert(w) }
                // Named keys too, so a documented Home or PgDn that nothing
                // binds fails as well.
                if Self.namedKeys.contains(w) || (w.hasPrefix("Ctrl-") && w.count == 6) { out.insert(w) }
            }
            return out
        }
        let f = try FrontDeskFixture()
        let s = try f.session()
        try f.log(s.desk, caller: "Ann")
        let board = BoardScreen(feed: BoardFeed(desk: s.desk, watcher: nil, now: FrontDeskFixture.start))
        let tables: [(String, KeyHelp)] = [
            ("Call logging", CallLogScreen(session: s).bindings.help),
            ("Ticket list", TicketListScreen(session: s).bindings.help),
            ("Ticket detail", TicketDetailScreen(session: s, ref: TicketRef(1)).bindings.help.merged(with: TicketDetailScreen.listKeys)),
            ("FCR dashboard", DashboardScreen(session: s).bindings.help),
            ("Queue board", board.bindings.help),
            ("Board alarms", BoardAlarmsScreen(board: board).bindings.help),
        ]
        // Everywhere: the app's global keys and the front desk's screen keys.
        let app = UIApp(root: FrontDeskTabs.root(session: s), size: Size(width: 80, height: 24), now: FrontDeskFixture.start)
        let everywhere = KeyHelp(app.globals.help.entries + FrontDeskTabs.root(session: s).navigation.entries)
        // Keys handled outside the key tables, named here so the exemption
        // is explicit: scrolling in table widgets, the detail page and help,
        // Ctrl-C (always quits, before any table), moving in the call
        // form's suggestions and changing its Type and Priority.
        let outside: [String: Set<String>] = [
            "Everywhere": ["↑", "↓", "`j`", "`k`", "PgUp", "PgDn", "Home", "End", "Ctrl-C"],
            "Call logging": ["↑", "↓", "←", "→", "Space", "Shift-Tab"],
            "Ticket list": ["↑", "↓", "`j`", "`k`", "PgUp", "PgDn", "Home", "End"],
            "Ticket detail": ["↑", "↓", "`j`", "`k`", "PgUp", "PgDn", "Home", "End"],
            "FCR dashboard": [],
            "Queue board": [],
            "Board alarms": ["Esc"],  // the global back key
        ]
        for (title, help) in [("Everywhere", everywhere)] + tables {
            let column = section(title)
            #expect(!column.isEmpty, "docs/keys.md has a section \(title)")
            let bound = Set(help.entries.flatMap(\.keys).map(spelled))
            for key in bound {
                #expect(column.contains(key), "\(title): \(key) is bound but not in docs/keys.md")
            }
            for key in documentedKeys(column) where !(outside[title] ?? []).contains(key) {
                #expect(bound.contains(key), "\(title): docs/keys.md names \(key), which is not bound")
            }
        }
    }

    static let namedKeys: Set<String> = ["Enter", "Tab", "Shift-Tab", "Esc", "PgUp", "PgDn", "Home", "End", "Space", "↑", "↓", "←", "→"]

    @Test func theFunctionBarKeepsHelpAndQuitWhenNarrow() throws {
        let f = try FrontDeskFixture()
        let t = terminal(try f.session(), width: 60, height: 14)
        #expect(t.rows[13] == "F1Help  F2Call  F3List  F4Chan  F5Solve F6Route F10Quit")
    }

    @Test func routeBoxLabelsAreWholeAndTheCallerReferencePrefillsItsDetail() throws {
        let f = try FrontDeskFixture()
        var t = terminal(try f.session())
        t.type("Acme Ltd")
        t.press(.escape, .tab)
        t.type("S40111")
        t.press(.tab, .char(" "), .char(" ")) // employee → manager → elected member
        t.press(.ctrl("t"))  // → supplier
        #expect(t.rows[3].contains("‹Supplier›"))
        t.press(.tab)
        t.type("exchequer.bank-details")
        t.press(.tab)
        t.type("New bank details")
        t.press(.function(6))
        #expect(t.rows.contains { $0.contains("Supplier or debtor number*:") && $0.contains("S40111") })
        // The category's own details: a bank-detail change asks no invoice number.
        #expect(!t.rows.contains { $0.contains("Invoice number") }, "\(t.rows.joined(separator: "\n"))")
    }

    @Test func handOffDetailsComeFromTheCategoryElseTheQueue() throws {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        #expect(d.taxonomy.handoff(category: "exchequer.bank-details", queue: "exchequer").map(\.key) == ["account-number"])
        #expect(d.taxonomy.handoff(category: "exchequer.payment-chase", queue: "exchequer").map(\.key) == ["account-number", "invoice-number", "amount"])
        // Routed elsewhere, a category takes that queue's list.
        #expect(d.taxonomy.handoff(category: "exchequer.bank-details", queue: "payroll").map(\.key) == ["employee-number", "pay-period"])
        let chase = Desk.NewContact(caller: Caller(name: "Acme", type: .supplier), channel: .phone, category: "exchequer.payment-chase",
                                    summary: "Chasing", details: ["account-number": "S1"], outcome: .route("exchequer"))
        #expect(throws: DeskError.self) { try d.logFirstContact(chase) }
        var bank = chase
        bank.category = "exchequer.bank-details"
        bank.details[Desk.identityDetail] = "called back on the number on file"
        let saved = try d.logFirstContact(bank)
        #expect(d.store[saved.ref]?.queue == "exchequer")
    }

    // MARK: 10. Keystrokes

    /// docs/keys.md: routing a call with two hand-off details takes 8 keys
    /// besides the typed text; the employee number comes from the caller
    /// reference.
    @Test func routingACallTakesEightKeysBesidesText() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = terminal(s)
        var keys = 0
        func press(_ k: Key...) {
            keys += k.count
            t.press(k)
        }
        t.type("Ann Lee")
        press(.tab)
        t.type("E555")
        press(.tab, .tab)
        t.type("overpa")
        press(.enter)  // picks payroll.overpayment, goes to the summary
        t.type("Overpaid in October")
        press(.function(6), .tab)
        #expect(t.rows.contains { $0.contains("Employee number*:") && $0.contains("E555") }, "prefilled from Caller ref")
        press(.tab)
        t.type("October")
        press(.enter)
        #expect(t.bottomText == "Saved BSC-000001: routed to payroll")
        #expect(keys == 8)
        #expect(s.desk.store[TicketRef(1)]?.details == ["employee-number": "E555", "pay-period": "October"])
    }
}
