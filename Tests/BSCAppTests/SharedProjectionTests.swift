import Foundation
import Testing
import BSCCore
@testable import BSCApp

/// The team server's one projection, lent to a desk acting for each
/// request's login.
@Suite("Shared projection (team server)")
struct SharedProjectionTests {
    /// A data directory whose configuration on disk has ann and bob
    /// (customer services), appo (appointeeship) and sup.
    func world() throws -> (TriageWorld, SharedProjection) {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: w.data.configPath))
        h.seekToEndOfFile()
        h.write("""

        [users.ann]
        role = "agent"
        queues = ["customer-services"]

        [users.bob]
        role = "agent"
        queues = ["customer-services"]

        [users.appo]
        role = "agent"
        queues = ["appointeeship"]

        """.data(using: .utf8)!)
        try h.close()
        return (w, try SharedProjection(data: w.data, clock: w.clock))
    }

    @Test func requestsShareOneProjectionThatIsNeverReloaded() throws {
        let (w, p) = try world()
        let ref = try p.acting(as: "ann") { d in try d.logFirstContact(w.contact("Jo Bloggs")).ref }
        // bob's desk sees ann's ticket at once: it got the projection ann's
        // append folded into, not a new read of the journal.
        let seen = try p.acting(as: "bob") { d in try d.ticket(ref).caller.name }
        #expect(seen == "Jo Bloggs")
        try p.acting(as: "bob") { d in try d.addNote(ref, "called back") }
        #expect(p.engine.loads == 1)
        #expect(p.ticketCount == 1)
        #expect(p.engine.store[ref]?.noteCount == 1)
        let users = try w.mainJournalBytes().split(separator: "\n").compactMap { line -> String? in
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return o["user"] as? String
        }
        #expect(users == ["ann", "bob"])
    }

    @Test func eachDeskSeesWithItsOwnLoginsRules() throws {
        let (w, p) = try world()
        let ref = try p.acting(as: "appo") { d in
            try d.logFirstContact(w.contact("Winifred Quaglia", category: "appointeeship.allowance", details: ["client-reference": "CL-1"])).ref
        }
        let bobView = try p.acting(as: "bob") { d in (d.visible(try d.ticket(ref)).caller.name, d.typeAhead("quaglia").count) }
        #expect(bobView.0 == Desk.redacted)
        #expect(bobView.1 == 0)
        let supView = try p.acting(as: "sup") { d in d.visible(try d.ticket(ref)).caller.name }
        #expect(supView == "Winifred Quaglia")
        // The sealed content stays out of the main journal.
        #expect(!(try w.mainJournalBytes()).contains("Quaglia"))
    }

    @Test func anUnknownLoginIsRefusedAndTheEngineIsNoUser() throws {
        let (_, p) = try world()
        for login in ["mallory", SharedProjection.engineLogin] {
            #expect(throws: DeskError.self) { try p.acting(as: login) { _ in () } }
        }
        #expect(p.notSetUp("mallory").contains("[users.mallory]"))
    }

    @Test func theClientsEventIdNamesTheFirstEvent() throws {
        let (w, p) = try world()
        let id = "00112233445566778899aabbccddeeff"
        _ = try p.acting(as: "ann", firstEventId: id) { d in try d.logFirstContact(w.contact(outcome: .resolved)) }
        let lines = try w.mainJournalBytes().split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\"id\":\"\(id)\""))
        #expect(!lines[1].contains(id))
    }

    @Test func aFailedRequestHandsTheProjectionBack() throws {
        let (w, p) = try world()
        let ref = try p.acting(as: "ann") { d in try d.logFirstContact(w.contact()).ref }
        #expect(throws: DeskError.self) { try p.acting(as: "ann") { d in try d.addNote(TicketRef(99), "nope") } }
        #expect(p.ticketCount == 1)
        #expect(try p.acting(as: "bob") { d in try d.ticket(ref).ref } == ref)
    }
}
