import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

/// The ticket detail offers (bar, help, `:` commands) only what this user
/// may do to this ticket now: its status, their role (agent, team leader,
/// supervisor, from the real configuration) and an outstanding identity
/// check. A key not offered says why before any prompt opens.
@Suite struct TicketDetailOffersTests {
    /// The fixture's users plus a team leader of customer services.
    func fixture() throws -> FrontDeskFixture {
        let f = try FrontDeskFixture()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: f.dir + "/data/bscdesk.toml"))
        handle.seekToEndOfFile()
        handle.write(Data("\n[users.lead]\nname = \"Lead\"\nrole = \"team-leader\"\nqueues = [\"customer-services\"]\n".utf8))
        try handle.close()
        return f
    }

    func detail(_ f: FrontDeskFixture, _ user: String, _ ref: TicketRef) throws -> TestTerminal {
        var t = TestTerminal(root: FrontDeskTabs.root(session: try f.session(user)), width: 120, height: 30, now: FrontDeskFixture.start)
        t.press(.function(3), .char(":"))  // from the list: on the call form `:` is typed
        t.type("open \(ref.number)")
        t.press(.enter)
        return t
    }

    func offeredCommands(_ t: TestTerminal) -> [String] {
        (t.app.stack.last as! TicketDetailScreen).commands.map(\.name)
    }

    func helpText(_ t: TestTerminal) -> String {
        var t = t
        t.press(.function(1))
        return t.rows.joined(separator: "\n")
    }

    @Test func anAgentIsNotOfferedSomeoneElsesTicketOrAnIdentityCheckItDoesNotNeed() throws {
        let f = try fixture()
        let d = try f.desk()
        let held = try f.log(d, caller: "Ann")
        try d.assign(held, to: "lead")
        let free = try f.log(d, caller: "Bob")

        var t = try detail(f, "agent", held)
        #expect(t.bottomText == "F1Help  F2Call  F3List  F5Solve F6Route F7Pend  F8Note  F10Quit")
        #expect(!offeredCommands(t).contains("assign") && !offeredCommands(t).contains("take"))
        #expect(!offeredCommands(t).contains("verify"))
        let help = helpText(t)
        #expect(!help.contains("Assign") && !help.contains("Take this ticket") && !help.contains("identity"))
        #expect(!help.contains(":assign USER") && !help.contains(":verify HOW"))
        #expect(help.contains(":note TEXT"))
        // The key says why, before any prompt opens.
        t.press(.function(4))
        #expect(t.bottomText.hasPrefix("Error: BSC-000001 is held by lead: only team leaders and supervisors move work between people"))
        #expect((t.app.stack.last as! TicketDetailScreen).prompt == nil)
        t.press(.char("i"))
        #expect(t.bottomText.hasPrefix("Error: BSC-000001 needs no identity check"))
        // `:assign` is not a command here: the list of commands says what is.
        t.press(.char(":"))
        t.type("assign lead")
        t.press(.enter)
        #expect(t.bottomText.hasPrefix("Error: unknown command \"assign\""))
        #expect(!t.bottomText.contains(":assign USER") && !t.bottomText.contains(":take"))

        // An unassigned ticket of a queue the agent works: "Take", at once.
        var u = try detail(f, "agent", free)
        #expect(u.bottomText == "F1Help  F2Call  F3List  F4Take  F5Solve F6Route F7Pend  F8Note  F10Quit")
        #expect(offeredCommands(u).contains("take"))
        u.press(.function(4))
        #expect(u.bottomText == "BSC-000002 is yours")
        #expect(try f.desk().store[free]?.assignee == "agent")
        u.press(.char("j"))  // the message goes at the next key
        #expect(u.bottomText == "F1Help  F2Call  F3List  F5Solve F6Route F7Pend  F8Note  F10Quit")
    }

    @Test func aTeamLeaderAndASupervisorMayReassign() throws {
        let f = try fixture()
        let d = try f.desk()
        let held = try f.log(d, caller: "Ann")
        try d.assign(held, to: "agent")
        for user in ["lead", "tester"] {
            var t = try detail(f, user, held)
            #expect(t.bottomText == "F1Help  F2Call  F3List  F4Asgn  F5Solve F6Route F7Pend  F8Note  F10Quit", "\(user)")
            #expect(offeredCommands(t).contains("assign"), "\(user)")
            t.press(.function(4))
            #expect(t.rows.joined().contains("Assign to"), "\(user)")
        }
    }

    @Test func anOutstandingIdentityCheckIsOfferedAndResolveAndRouteWaitForIt() throws {
        let f = try fixture()
        let d = try f.desk()
        let bank = try f.log(d, caller: "Acme Ltd", category: "exchequer.bank-details")
        var t = try detail(f, "agent", bank)
        #expect(t.bottomText == "F1Help  F2Call  F3List  F4Take  F7Pend  F8Note  F10Quit  iIdent")
        #expect(offeredCommands(t).contains("verify") && !offeredCommands(t).contains("resolve") && !offeredCommands(t).contains("route"))
        t.press(.function(5))
        #expect(t.bottomText.hasPrefix("Error: exchequer.bank-details needs the caller's identity checked first (i)"))
        t.press(.char("i"))
        t.type("call-back to number on file")
        t.press(.enter)
        #expect(t.bottomText == "Identity check recorded on BSC-000001")
        t.press(.escape, .escape)
        t = try detail(f, "agent", bank)
        #expect(t.bottomText == "F1Help  F2Call  F3List  F4Take  F5Solve F6Route F7Pend  F8Note  F10Quit")
        #expect(!offeredCommands(t).contains("verify"))
    }

    @Test func aResolvedTicketOffersNoteReopenAndCloseByCommandToo() throws {
        let f = try fixture()
        let d = try f.desk()
        let done = try f.log(d, caller: "Ann", outcome: .resolved)
        var t = try detail(f, "agent", done)
        #expect(Set(offeredCommands(t)) == ["note", "reopen", "close"])
        t.press(.char(":"))
        t.type("note Rang back to confirm")
        t.press(.enter)
        #expect(t.rows.joined().contains("Rang back to confirm"))
        t.press(.enter)
        #expect(t.bottomText == "Note added to BSC-000001")
    }

    /// A restricted ticket whose queue's key this user is not given: nothing
    /// personal can be added (note, route details, a resolution note), so
    /// only what carries none is offered, and the keys say why; the team
    /// and supervisors are offered the rest.
    @Test func aRestrictedTicketOffersOutsidersNothingPersonal() throws {
        let f = try fixture()
        let appt = try f.desk("appt")
        let ref = try f.log(appt, caller: "Vera Vulnerable", reference: "C9", category: "appointeeship.allowance",
                            outcome: .route("appointeeship"), details: ["client-reference": "C9"])
        var lead = try detail(f, "lead", ref)
        lead.press(.down)
        #expect(!lead.rows.joined().contains("Vulnerable"), "an outsider never sees the name")
        #expect(!lead.bottomText.contains("Note") && !lead.bottomText.contains("Route") && !lead.bottomText.contains("Solve"), "\(lead.bottomText)")
        #expect(!offeredCommands(lead).contains("note") && !offeredCommands(lead).contains("route"))
        lead.press(.function(8))
        #expect(lead.bottomText.hasPrefix("Error: \(ref) is restricted to appointeeship: only its team and supervisors may add to it"), "\(lead.bottomText)")
        #expect((lead.app.stack.last as! TicketDetailScreen).prompt == nil)

        // Opening a restricted ticket asks for its view to be recorded; this
        // terminal has no effect runner, so a key clears that message.
        var team = try detail(f, "appt", ref)
        team.press(.down)
        #expect(team.rows.joined().contains("Vera Vulnerable"))
        #expect(team.bottomText.contains("F8Note"), "\(team.bottomText)")
        var sup = try detail(f, "tester", ref)
        sup.press(.down)
        #expect(sup.bottomText.contains("F8Note") && sup.bottomText.contains("F6Route"), "\(sup.bottomText)")
    }
}
