import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `erase` and `retention` through a real team server, as real OS users:
/// the server that holds the keys and the projection does the erasure, so
/// its next answers show `(erased)`; confirmation stays with the person at
/// the client. Needs root.
@Suite("Team server: erasure and retention", .serialized)
struct TeamServerErasureTests {
    @Test func anErasureThroughTheServerLeavesNothingInItsAnswersOrFiles() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, sup) = (t.f.amy, t.f.sup)
        let personal = ["Zebedee Quux", "Q123456", "07700900123", "zq@example.org", "pay query about Quux"]
        for args in [["log", "--caller", "Zebedee Quux", "--ref", "Q123456", "--phone", "07700900123", "--email", "zq@example.org",
                      "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "about my pay"],
                     ["note", "BSC-000001", "pay query about Quux"], ["resolve", "BSC-000001"],
                     ["log", "--caller", "Pat Other", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "other"]] {
            let p = try t.both(amy, args)
            #expect(p.server.status == 0 && p.local.status == 0, "\(args): \(p.server.stderr) \(p.local.stderr)")
        }
        // The running server has the person decrypted in its projection.
        #expect(try t.f.client(sup, ["show", "BSC-000001"]).stdout.contains("Zebedee Quux"))

        // Agents: refused by their login, shown nothing.
        let agent = try t.both(amy, ["erase", "--caller", "Q123456", "--reason", "test", "--yes"])
        for r in [agent.server, agent.local] {
            #expect(r.status == 77, "\(r.stderr)")
            #expect(r.stderr.contains("erasure is for supervisors") && !r.stdout.contains("Zebedee"))
        }
        // Not confirmed at the client: nothing erased (stdin is empty).
        let unconfirmed = try t.both(sup, ["erase", "--caller", "Q123456", "--reason", "test"])
        for r in [unconfirmed.server, unconfirmed.local] {
            #expect(r.status == 65)
            #expect(r.stdout.contains("will erase the personal data of 1 ticket(s):\n  BSC-000001  Zebedee Quux"))
            #expect(r.stderr.contains("not confirmed; nothing was erased"))
        }
        let typedNo = try t.client(sup, ["erase", "--caller", "Q123456", "--reason", "test"], input: "no\n")
        #expect(typedNo.status == 65)
        #expect(try t.f.journal().filter { $0["type"] as? String == "subject.erased" }.isEmpty)

        // Confirmed by typing yes through the server; --yes in-process.
        let erased = try t.client(sup, ["erase", "--caller", "Q123456", "--reason", "test"], input: "yes\n")
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.hasSuffix("erased: BSC-000001\n"), "\(erased.stdout)")
        let local = try t.local.as(sup).run(["erase", "--caller", "Q123456", "--reason", "test", "--yes"])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(ServerTwin.normalised(erased.stdout) == ServerTwin.normalised(local.stdout))

        // The same server, still running, answers without the person.
        let shown = try t.f.client(sup, ["show", "BSC-000001"])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("(erased)"), "\(shown.stdout)")
        for answer in [shown.stdout, try t.f.client(sup, ["list", "--format", "json"]).stdout,
                       try t.f.client(sup, ["show", "BSC-000001", "--format", "json"]).stdout] {
            for p in personal { #expect(!answer.contains(p), "\(p) still shown") }
        }
        #expect(try t.f.client(sup, ["show", "BSC-000002"]).stdout.contains("Pat Other"))
        // Nothing personal can be added to it any more.
        #expect(try t.f.client(amy, ["note", "BSC-000001", "more"]).status == 65)
        // Erasing again: already done.
        let again = try t.f.client(sup, ["erase", "--ticket", "BSC-000001", "--reason", "test", "--yes"])
        #expect(again.status == 65)
        #expect(again.stderr.contains("already erased"))

        let events = try t.f.journal().filter { $0["type"] as? String == "subject.erased" }
        #expect(events.count == 1)
        #expect(events.first?["user"] as? String == sup)
        #expect(t.f.stopServer() == 0)
        #expect(ServerTwin.filesHolding(t.f.data, personal) == [])
        let verify = try t.f.runAs(t.f.service, [Bscdesk.binary, "verify", "--data", t.f.data], env: ["BSCDESK_USER": sup])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    /// A history ending in January 2023 and a 1-year rule: the server lists
    /// and shreds exactly what the in-process desk does, with one event.
    @Test func retentionThroughTheServerShredsWhatInProcessWould() throws {
        let t = try ServerTwin { f, local in
            for file in [f.data + "/bscdesk.toml", local.data + "/bscdesk.toml"] {
                try ServerTwin.setDeskKey(file, "retention_years_after_closure = 1")
            }
            let demo = ["demo", "--tickets", "60", "--until", "2023-01-31"]
            let onServer = try f.runAs(f.service, [Bscdesk.binary] + demo + ["--data", f.data], env: ["BSCDESK_USER": f.sup])
            guard onServer.status == 0 else { throw TestFailure("demo: \(onServer.stderr)") }
            let here = try local.run(demo)
            guard here.status == 0 else { throw TestFailure("demo: \(here.stderr)") }
        }
        defer { t.cleanUp() }
        let amy = try t.both(t.f.amy, ["retention"])
        #expect(amy.server.status == 77 && amy.local.status == 77, "\(amy.server.stderr)")
        let listed = try t.both(t.f.sup, ["retention"])
        #expect(listed.server.status == 0, "\(listed.server.stderr)")
        #expect(listed.server.stdout == listed.local.stdout)
        #expect(listed.server.stdout.contains("ticket(s) past retention"), "\(listed.server.stdout)")
        let due = listed.server.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(!due.isEmpty)

        let applied = try t.both(t.f.sup, ["retention", "--apply"])
        #expect(applied.server.status == 0, "\(applied.server.stderr)")
        #expect(applied.server.stdout == applied.local.stdout)
        #expect(applied.server.stdout.hasPrefix("shredded \(due.count) ticket(s) past retention: " + due.joined(separator: " ")))
        let events = try t.f.journal().filter { $0["type"] as? String == "subject.erased" }
        #expect(events.count == 1)
        #expect(events.first?["basis"] as? String == "retention")
        // The running server shows them erased at once; a second run finds none.
        if let first = due.first {
            #expect(try t.f.client(t.f.sup, ["show", first]).stdout.contains("(erased)"))
        }
        #expect(try t.both(t.f.sup, ["retention", "--apply"]).server.stdout == "no ticket is past its retention; nothing was done\n")
    }
}
