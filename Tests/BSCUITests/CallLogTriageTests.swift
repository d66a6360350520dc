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
    @Test func openingARestrictedTicketRecordsWhoAndWhen() throws {
        let f = try FrontDeskFixture()
        let d = try f.desk()
        let restricted = try f.log(d, caller: "Client One", reference: "C100", category: "appointeeship.allowance")
        let plain = try f.log(d, caller: "Employee Two", category: "payroll.payslip")
        let s = try f.session()
        _ = TicketDetailScreen(session: s, ref: restricted)
        _ = TicketDetailScreen(session: s, ref: plain)
        let views = try s.desk.views(of: restricted)
        #expect(views.count == 1)
        #expect(views.first?.user == "tester")
        #expect(try s.desk.views(of: plain).isEmpty)
    }
}
