import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Protocol version 2's ticket commands on a real team server, as real OS
/// users: each gives the same answer (status, output, error) as the same
/// command run in-process on a desk with the same configuration, and
/// leaves the same events. Needs root; without it every test fails
/// saying so.
@Suite("Team server: every ticket command, same answer as in-process", .serialized)
struct TeamServerTicketCommandsTests {
    /// Runs the step on both and checks they agree; returns the pair.
    @discardableResult
    func same(_ t: ServerTwin, _ login: String, _ args: [String], status: Int32 = 0, exact: Bool = true,
              sourceLocation: SourceLocation = #_sourceLocation) throws -> ServerTwin.Pair {
        let p = try t.both(login, args)
        let what = args.joined(separator: " ")
        #expect(p.server.status == status, "server: \(what): \(p.server.stderr)", sourceLocation: sourceLocation)
        #expect(p.local.status == status, "in-process: \(what): \(p.local.stderr)", sourceLocation: sourceLocation)
        if exact {
            #expect(p.server.stdout == p.local.stdout, "\(what)", sourceLocation: sourceLocation)
        } else {
            #expect(ServerTwin.normalised(p.server.stdout) == ServerTwin.normalised(p.local.stdout), "\(what)", sourceLocation: sourceLocation)
            #expect(!p.server.stdout.isEmpty, "\(what) printed nothing", sourceLocation: sourceLocation)
        }
        if status != 0 {
            #expect(ServerTwin.lastLine(p.server.stderr) == ServerTwin.lastLine(p.local.stderr), "\(what)", sourceLocation: sourceLocation)
        }
        return p
    }

    @Test func everyTicketCommandGivesTheSameAnswerThroughTheServer() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, ben, sup) = (t.f.amy, t.f.ben, t.f.sup)
        let payroll = ["--detail", "employee-number=E1", "--detail", "pay-period=2026-11"]
        func log(_ login: String, _ caller: String, _ category: String, _ extra: [String] = []) throws {
            try same(t, login, ["log", "--caller", caller, "--channel", "phone", "--category", category, "--summary", "a question"] + extra)
        }
        try log(amy, "Pat One", "cs.general-enquiry")
        try log(amy, "Pay Two", "payroll.payslip")
        try log(amy, "Pat One", "cs.general-enquiry")
        try same(t, amy, ["contact", "BSC-000001", "--channel", "email", "--summary", "again"])
        try same(t, amy, ["edit", "BSC-000001", "--priority", "high", "--summary", "a better summary"])
        try same(t, amy, ["edit", "BSC-000001"], status: 64)
        try same(t, amy, ["route", "BSC-000002", "payroll", "--detail", "employee-number=E1", "--note", "please check"], status: 65)
        try same(t, amy, ["route", "BSC-000002", "payroll", "--note", "please check"] + payroll)
        try same(t, amy, ["assign", "BSC-000001", amy])
        // An agent may not move someone else's work (77), by their login.
        try same(t, ben, ["assign", "BSC-000001", amy], status: 77)
        try same(t, sup, ["assign", "BSC-000003", amy])
        try same(t, ben, ["pending", "BSC-000003", "--reason", "customer"])
        try same(t, amy, ["pending", "BSC-000001", "--reason", "nonsense"], status: 64)
        try same(t, amy, ["pending", "BSC-000001", "--reason", "customer"])
        try same(t, amy, ["resume", "BSC-000001"])
        try same(t, amy, ["verify-identity", "BSC-000001", "--how", "call-back to number on file"])
        try same(t, amy, ["callback", "BSC-000001", "2099-01-01T10:00"])
        try same(t, amy, ["callback", "BSC-000001", "1999-01-01T10:00"], status: 64)
        try same(t, amy, ["callback", "BSC-000001", "none"])
        try same(t, amy, ["feedback", "BSC-000001", "4", "--source", "phone"], status: 65)
        try same(t, amy, ["resolve", "BSC-000001", "--note", "answered"])
        try same(t, amy, ["feedback", "BSC-000001", "4", "--source", "phone"])
        try same(t, amy, ["feedback", "BSC-000001", "9", "--source", "phone"], status: 64)
        try same(t, amy, ["reopen", "BSC-000001", "--reason", "not fixed"])
        try same(t, amy, ["resolve", "BSC-000001"])
        try same(t, amy, ["close", "BSC-000001"])
        try same(t, amy, ["reopen", "BSC-000001"], status: 65)
        try same(t, amy, ["link", "BSC-000002", "BSC-000003"])
        try same(t, amy, ["return", "BSC-000002"], status: 64)
        try same(t, sup, ["return", "BSC-000002", "--note", "back to you"])
        try same(t, sup, ["merge", "BSC-000003", "--into", "BSC-000002"])
        try same(t, amy, ["note", "BSC-000099", "lost"], status: 65)
        try same(t, amy, ["triage", "my payslip is wrong"])
        try same(t, amy, ["triage", "my payslip is wrong", "--format", "json", "--limit", "3"])
        try same(t, amy, ["triage", "x", "--limit", "0"], status: 64)
        try same(t, sup, ["show", "BSC-000001"], exact: false)
        try same(t, sup, ["list", "--format", "json"], exact: false)
        try same(t, sup, ["board", "--print", "--format", "json"], exact: false)
        try same(t, sup, ["board", "--print", "--detailed", "--size", "100x30"], exact: false)
        try same(t, amy, ["board", "--print", "--team", "--format", "json"], exact: false)
        try same(t, amy, ["board", "--print", "--size", "0x3"], status: 64)

        // The same events, in the same order, by the same people.
        let server = try t.serverShape()
        let local = try ServerTwin.shape(t.local.journalLines())
        #expect(server == local)
        #expect(server.contains("ticket.routed \(amy) BSC-000002"))
        #expect(server.contains("ticket.merged \(sup) BSC-000003"))
        #expect(server.count > 20)
    }

    /// A write resent with the same --event-id (a client that lost its
    /// connection) is written once; in-process the option is refused.
    @Test func ticketWritesCarryClientEventIds() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let amy = t.f.amy
        try same(t, amy, ["log", "--caller", "Pat", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "q"])
        let id = "00112233445566778899aabbccddeeff"
        for _ in 0..<2 {
            let r = try t.f.client(amy, ["contact", "BSC-000001", "--channel", "email", "--summary", "again", "--event-id", id])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let contacts = try t.f.journal().filter { $0["type"] as? String == "contact.logged" }
        #expect(contacts.count == 1)
        #expect(contacts.first?["id"] as? String == id)
        let bad = try t.f.client(amy, ["pending", "BSC-000001", "--reason", "customer", "--event-id", "nothex"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("bad --event-id"))
        let local = try t.local.as(amy).run(["pending", "BSC-000001", "--reason", "customer", "--event-id", id])
        #expect(local.status == 64)
        #expect(local.stderr.contains("--event-id is for the team server"))
    }

    /// A site upgrades the server first: a version 1 client is still
    /// answered, and what it wrote is recognised by its event id.
    @Test func aVersion2ServerStillAnswersVersion1Clients() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let id = "ffeeddccbbaa99887766554433221100"
        let v1 = try t.f.runAs(t.f.amy, [Bscdesk.bench, "server-append", "--socket", t.f.socket, "--protocol", "1", "--abandon-event-id", id])
        #expect(v1.status == 0, "\(v1.stderr)")
        let again = try t.f.client(t.f.amy, ["log", "--caller", "Bench Caller 0", "--channel", "phone", "--category", "cs.general-enquiry",
                                             "--summary", "bench append 0", "--event-id", id])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try t.f.journal().filter { $0["id"] as? String == id }.count == 1)
        let newer = try t.f.runAs(t.f.amy, [Bscdesk.bench, "server-append", "--socket", t.f.socket, "--protocol", "5"])
        #expect(newer.status == 64)
        #expect(newer.stderr.contains("this client speaks version 5, the server speaks version 4; upgrade the server first"))
    }
}
