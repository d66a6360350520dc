import Foundation
import Testing
import BSCCore
@testable import BSCApp

@Suite("Restricted tickets: views, APIs and files")
struct RestrictedDeskTests {
    static let name = "Winifred Quaglia"
    static let clientRef = "CL-77123"
    static let summary = "Allowance stopped after hospital stay"

    /// sup logs a ticket straight into an appointeeship category.
    func world() throws -> (TriageWorld, TicketRef) {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        let (r, _) = try sup.logFirstContact(w.contact(Self.name, ref: Self.clientRef, category: "appointeeship.allowance",
                                                       summary: Self.summary, details: ["client-reference": Self.clientRef]))
        return (w, r)
    }

    func leaks(_ s: String) -> Bool { s.contains(Self.name) || s.contains(Self.clientRef) || s.contains(Self.summary) || s.contains("Quaglia") }

    @Test func outsideAgentSeesExistenceQueueAndTimingsOnly() throws {
        let (w, r) = try world()
        let bob = try w.desk("bob")
        let now = w.clock.now()
        let t = try bob.ticket(r)
        #expect(t.restricted && t.restrictedQueue == "appointeeship")
        // The projection itself holds no content for bob: it never left the restricted files.
        #expect(!leaks(t.caller.name + t.summary + (t.caller.reference ?? "") + t.details.values.joined()))
        let listed = bob.tickets(matching: TicketFilter())
        #expect(listed.map(\.ref) == [r])
        #expect(listed[0].caller.name == Desk.redacted)
        #expect(listed[0].category == "appointeeship.allowance")
        #expect(bob.slaStatus(listed[0], now: now) != nil)
        #expect(!leaks(TicketViews.listTable(listed, desk: bob, now: now)))
        #expect(!leaks(TicketViews.listCSV(listed, desk: bob, now: now)))
        #expect(!leaks(JSONOut.array(listed.map { TicketViews.ticketJSON($0, desk: bob, now: now) }).serialized()))
        let history = try bob.history(r).map { bob.visible($0, of: t) }
        #expect(!leaks(TicketViews.showText(bob.visible(t), history: history, desk: bob, now: now)))
        #expect(!leaks(TicketViews.showJSON(bob.visible(t), history: history, desk: bob, now: now).serialized()))
        // Type-ahead and repeat-caller warnings reveal nothing.
        #expect(bob.typeAhead("Quaglia").isEmpty)
        #expect(bob.typeAhead("hospital").isEmpty)
        #expect(bob.tickets(matching: TicketFilter(caller: Self.clientRef)).isEmpty)
        #expect(bob.repeatContactWarning(caller: Caller(name: Self.name, type: .serviceUser, reference: Self.clientRef),
                                         category: "appointeeship.allowance", now: now).isEmpty)
    }

    @Test func teamAndSupervisorsSeeEverything() throws {
        let (w, r) = try world()
        for login in ["appo", "sup"] {
            let d = try w.desk(login)
            let t = d.visible(try d.ticket(r))
            #expect(t.caller.name == Self.name, "\(login)")
            #expect(t.summary == Self.summary)
            #expect(t.details["client-reference"] == Self.clientRef)
            #expect(d.typeAhead("quaglia").map(\.ref) == [r])
            #expect(d.repeatContactWarning(caller: Caller(name: Self.name, type: .serviceUser, reference: Self.clientRef),
                                           category: "appointeeship.allowance", now: w.clock.now()) == [r])
            let opened = try d.history(r).first
            if case .opened(let caller, _, _, _, let c, _) = opened?.body {
                #expect(caller.name == Self.name && c.summary == Self.summary)
            } else { Issue.record("no opening event") }
        }
    }

    @Test func theAgentWhoLoggedStillSeesTheirContact() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let ann = try w.desk("ann")
        let (r, _) = try ann.logFirstContact(w.contact(Self.name, category: "appointeeship.pay-bill", summary: Self.summary))
        let again = try w.desk("ann")  // replayed from the files
        let t = again.visible(try again.ticket(r))
        #expect(t.caller.name == Self.name && t.summary == Self.summary)
        let bob = try w.desk("bob")
        #expect(!leaks(bob.visible(try bob.ticket(r)).caller.name))
        let appo = try w.desk("appo")
        #expect(appo.visible(try appo.ticket(r)).summary == Self.summary)
    }

    @Test func mainJournalHoldsNoPersonalContentAndRestrictedFilesAreNotWorldReadable() throws {
        let (w, r) = try world()
        let sup = try w.desk("sup")
        try sup.addNote(r, "Spoke to Quaglia's niece")
        try sup.route(r, to: "appointeeship", details: [:], note: "Quaglia needs a call")
        let main = try w.mainJournalBytes()
        #expect(!leaks(main) && !main.contains("niece"))
        #expect(main.contains("\"enc\":"))
        #expect(main.contains("\"category\":\"appointeeship.allowance\""))  // stats still have what they need
        // The ticket's key is in the queue's folder (this writer's), not readable by others.
        let dir = w.data.path + "/keys/restricted/appointeeship/sup"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".keys") }
        #expect(files.count == 1)
        let content = try String(contentsOfFile: dir + "/" + files[0], encoding: .utf8)
        #expect(content.hasPrefix(r.description + " "))
        #expect(!FileManager.default.fileExists(atPath: w.data.path + "/restricted"), "no restricted journal is written any more")
        for path in [dir + "/" + files[0], dir, w.data.path + "/keys/restricted/appointeeship"] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o004 == 0, "\(path) is world-readable: \(String(mode, radix: 8))")
        }
    }

    @Test func routedLaterSealsFromTheRoutingOn() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let ann = try w.desk("ann")
        let (r, _) = try ann.logFirstContact(w.contact("Early Name", category: "cs.general-enquiry", summary: "Early summary"))
        try ann.route(r, to: "appointeeship", details: ["client-reference": "CL-SECRET"], note: "Late secret note")
        try ann.addNote(r, "After routing secret")
        let main = try w.mainJournalBytes()
        // Nothing is in clear, before the routing or after (the old limit is closed).
        #expect(!main.contains("Early summary") && !main.contains("Early Name"))
        #expect(!main.contains("CL-SECRET") && !main.contains("Late secret note") && !main.contains("After routing secret"))
        let bob = try w.desk("bob")
        let t = try bob.ticket(r)
        #expect(t.restricted && !bob.canSeeContent(t))
        #expect(bob.visible(t).summary == Desk.redacted)
        let appo = try w.desk("appo")
        #expect(appo.visible(try appo.ticket(r)).details["client-reference"] == "CL-SECRET")
    }

    @Test func openingARestrictedTicketIsRecorded() throws {
        let (w, r) = try world()
        let bob = try w.desk("bob")
        try bob.recordView(r)
        let appo = try w.desk("appo")
        try appo.recordView(r)
        #expect(try appo.views(of: r).map(\.user) == ["bob", "appo"])
        // Ordinary tickets are not recorded.
        let (plain, _) = try bob.logFirstContact(w.contact())
        try bob.recordView(plain)
        #expect(try bob.views(of: plain).isEmpty)
    }
}
