import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16's restricted test with real OS users on the team server: a
/// ticket logged in payroll and then routed to appointeeship. Before the
/// routing an ordinary agent reads its caller; after it, nothing the agent
/// can run or open shows the caller, the reference, the summary or the
/// hand-off detail, while the appointeeship team still reads them.
@Suite("Restricted routing with real OS users", .serialized)
struct RestrictedRoutingServerTests {
    let secrets = ["Quentin Zebedee", "Q765432", "Quuxfield letter worry", "CL-778899", "Moved for safeguarding"]

    func runningDesk() throws -> TeamServerFixture { try TeamServerFixture.desk() }

    /// Everything `login` can get out of bscdesk about the ticket.
    func everythingShown(_ f: TeamServerFixture, to login: String, _ ref: String) throws -> String {
        var all = ""
        for args in [["show", ref], ["show", ref, "--format", "json"], ["list"], ["list", "--format", "json"],
                     ["list", "--format", "csv"], ["list", "--caller", "Zebedee"], ["stats", "--format", "json"]] {
            let r = try f.client(login, args)
            #expect(r.status == 0, "\(args) as \(login): \(r.stderr)")
            all += r.stdout + r.stderr
        }
        return all
    }

    @Test func routingIntoAppointeeshipClosesEvenTheFirstContactToAnOutsideAgent() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        let logged = try f.client(f.sup, ["log", "--caller", "Quentin Zebedee", "--ref", "Q765432", "--channel", "phone",
                                          "--category", "payroll.salary-query", "--summary", "Quuxfield letter worry"])
        try #require(logged.status == 0, "log: \(logged.stderr)")
        let ref = logged.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        // Before: an ordinary agent reads the caller.
        let before = try everythingShown(f, to: f.amy, ref)
        #expect(before.contains("Quentin Zebedee"))
        #expect(before.contains("Quuxfield letter worry"))

        let routed = try f.client(f.sup, ["route", ref, "appointeeship", "--detail", "client-reference=CL-778899",
                                          "--note", "Moved for safeguarding"])
        try #require(routed.status == 0, "route through the server: \(routed.stderr)")

        // After: nothing amy can run shows any of it...
        let after = try everythingShown(f, to: f.amy, ref)
        for s in secrets { #expect(!after.contains(s), "\(s) shown to an outside agent after routing") }
        #expect(after.contains(ref), "the ticket itself stays visible")
        // ...and nothing she can open: the data directory is the server's.
        let find = try f.runAs(f.amy, ["/usr/bin/find", f.data, "-type", "f", "-readable"])
        #expect(find.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "files amy can read: \(find.stdout)")
        let cat = try f.runAs(f.amy, ["/bin/cat", f.data + "/bscdesk.toml"])
        #expect(cat.status != 0)

        // The team reads it all.
        let team = try f.client(f.ben, ["show", ref])
        #expect(team.status == 0)
        for s in ["Quentin Zebedee", "Quuxfield letter worry", "CL-778899"] { #expect(team.stdout.contains(s), "\(s) hidden from the team") }

        // On disk, every byte of the data directory (journal, keys, cache)
        // holds none of it in clear.
        let grep = try TeamServerFixture.command("/bin/grep", ["-r", "-l", "-a", "-e", "Quentin", "-e", "Q765432", "-e", "Quuxfield",
                                                               "-e", "CL-778899", "-e", "safeguarding", f.data])
        #expect(grep.stdout.isEmpty, "plaintext on disk: \(grep.stdout)")
    }
}
