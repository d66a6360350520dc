import BSCTestSupport
import BSCApp
import BSCCore
import Testing
@testable import BSCUI

/// Triage guidance on the call form: categories suggested from the
/// summary's words, and the chosen category's article on screen.
@Suite("Call logging: triage guidance")
struct CallLogTriageTests {
    @Test func summaryWordsSuggestCategoriesAndCtrlGTakesTheFirst() throws {
        let f = try FrontDeskFixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.tab, .tab, .tab, .tab)  // name → ref → type → category → summary
        t.type("Caller says my bank details have changed")
        let suggested = t.rows.first { $0.contains("^G takes: ") } ?? ""
        #expect(suggested.contains("^G takes: exchequer.bank-details"), "\(t.rows.joined(separator: "\n"))")

        t.press(.ctrl("g"))
        let rows = t.rows
        #expect(rows.contains { $0.hasPrefix("Category") && $0.contains("exchequer.bank-details") })
        #expect(rows.contains { $0.contains("Bank-detail change · Exchequer · ✗ route") })
        // The article tells the agent what to do.
        #expect(rows.contains { $0.hasPrefix("Article: Bank-detail change") }, "\(rows.joined(separator: "\n"))")
        #expect(rows.contains { $0.contains("Never change bank details during the call") })
    }

    /// A caller with history no longer hides the article: both show, the
    /// history above it.
    @Test func aKnownCallersHistoryAndTheCategorysArticleShowTogether() throws {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        _ = try f.log(d, caller: "Pat Known", reference: "S40111", category: "payroll.payslip")
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 80, height: 24, now: FrontDeskFixture.start)
        t.press(.tab)  // name → ref
        t.type("S40111")
        t.press(.tab, .tab, .tab)  // ref → type → category → summary
        t.type("Caller says my bank details have changed")
        t.press(.ctrl("g"))
        let rows = t.rows
        let history = rows.firstIndex { $0.hasPrefix("History of Pat Known") }
        let article = rows.firstIndex { $0.hasPrefix("Article: Bank-detail change") }
        #expect(history != nil, "\(rows.joined(separator: "\n"))")
        #expect(article != nil, "\(rows.joined(separator: "\n"))")
        if let history, let article { #expect(history < article) }
    }

    @Test func noSuggestionWithoutWordsAndCtrlGSaysSo() throws {
        let f = try FrontDeskFixture()
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 80, height: 24, now: FrontDeskFixture.start)
        #expect(!t.rows.contains { $0.contains("^G takes: ") })
        t.press(.ctrl("g"))
        #expect(t.rows.contains { $0.contains("no suggestion yet") })
    }
}

@Suite("Ticket detail: restricted views are recorded")
struct DetailViewAuditTests {
    @Test func openingARestrictedTicketInTheFrontDeskRecordsWhoAndWhen() throws {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        let restricted = try f.log(d, caller: "Client One", reference: "C100", category: "appointeeship.allowance")
        let plain = try f.log(d, caller: "Employee Two", category: "payroll.payslip")
        let s = try f.session()
        // The screen itself writes nothing: it names the effect.
        let screen = TicketDetailScreen(session: s, ref: restricted)
        #expect(screen.effectsOnOpen == [.recordView(restricted)])
        #expect(TicketDetailScreen(session: s, ref: plain).effectsOnOpen.isEmpty)
        #expect(try s.desk.views(of: restricted).isEmpty)
        // The front desk, with its runner, records the opening.
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 100, height: 30, now: FrontDeskFixture.start,
                             effects: DeskEffects(session: s))
        t.press(.function(3))
        t.press(.char("j"), .enter)  // the list is newest first: BSC-000001 is second
        #expect(t.rows[1].hasPrefix("BSC-000001"), "\(t.rows.joined(separator: "\n"))")
        let views = try f.desk().views(of: restricted)
        #expect(views.count == 1)
        #expect(views.first?.user == "tester")
        t.press(.escape, .char(":"))
        t.type("open 2")
        t.press(.enter)
        #expect(t.rows[1].hasPrefix("BSC-000002"))
        #expect(try f.desk().views(of: plain).isEmpty)
    }
}

@Suite("Ticket list: callbacks due")
struct CallbacksDueListTests {
    @Test func dShowsOnlyMyCallbacksThatHaveFallenDue() throws {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        let start = FrontDeskFixture.start
        func log(_ name: String, callback: Instant?) throws -> TicketRef {
            try d.logFirstContact(Desk.NewContact(caller: Caller(name: name, type: .employee), channel: .phone,
                                                  category: "payroll.payslip", summary: "Call back", callback: callback)).ref
        }
        // Callbacks are set in the future; an hour later two have fallen due.
        let due = try log("Due Later", callback: start.adding(minutes: 30))
        let dueFirst = try log("Due First", callback: start.adding(minutes: 10))
        _ = try log("Not Yet", callback: start.adding(hours: 5))
        _ = try log("No Callback", callback: nil)
        let later = start.adding(hours: 1)
        f.clock.set(later)
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session()), width: 80, height: 24, now: later)
        t.press(.function(3))
        t.press(.char("d"))
        let rows = t.rows
        #expect(rows.contains { $0.hasPrefix("callbacks due to me") && $0.hasSuffix("2 shown") }, "\(rows.joined(separator: "\n"))")
        let order = rows.compactMap { r in [dueFirst, due].first { r.contains($0.description) } }
        #expect(order == [dueFirst, due])
        #expect(!rows.contains { $0.contains("Not Yet") || $0.contains("No Callback") })
        t.press(.char("d"))
        #expect(t.rows.contains { $0.hasSuffix("4 shown") })
    }
}
