import Foundation
import Testing

/// `--server none` and `demo` where a team server is configured: a person
/// on the team server can still have a practice desk of their own, and
/// made-up tickets never go to the server.
@Suite("Choosing no server")
struct ServerChoiceTests {
    @Test func demoRefusesAConfiguredServerAndNoneGivesADeskOfOnesOwn() throws {
        var desk = try Bscdesk.fresh()
        desk.extraEnvironment["BSCDESK_SERVER"] = "/nonexistent/bscdesk.sock"
        let refused = try desk.run(["demo", "--tickets", "20"])
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("never through the team server") && refused.stderr.contains("--server none --data DIR demo"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: desk.journalDirectory))

        let made = try desk.run(["--server", "none", "demo", "--tickets", "20"])
        #expect(made.status == 0, "\(made.stderr)")
        let shown = try desk.run(["--server", "none", "show", "BSC-000020"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(try desk.run(["--server", "none", "show", "BSC-000021"]).status == 65)

        // BSCDESK_SERVER=none says the same, and other commands still go
        // to a named server (so none of them opens the files by accident).
        desk.extraEnvironment["BSCDESK_SERVER"] = "none"
        #expect(try desk.run(["stats"]).status == 0)
        // (The test acts through BSCDESK_USER, which a server refuses.)
        let named = try desk.run(["--server", "/nonexistent/bscdesk.sock", "stats"])
        #expect(named.status == 77, "\(named.stderr)")
        #expect(named.stderr.contains("the team server knows you by your OS login"), "\(named.stderr)")
    }

    /// A bad format is refused before anything is opened or asked: no
    /// data directory made, no server reached.
    @Test func aBadFormatIsRefusedBeforeTheDeskOrTheServer() throws {
        var desk = try Bscdesk.fresh()
        desk.extraEnvironment["BSCDESK_SERVER"] = "none"
        let local = try desk.run(["categories", "--format", "xml"])
        #expect(local.status == 64 && local.stderr == "bscdesk: unknown format \"xml\" for categories: use table or json\n", "\(local.stderr)")
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/bscdesk.toml"), "a refused command made the data directory")
        desk.extraEnvironment["BSCDESK_SERVER"] = "/nonexistent/bscdesk.sock"
        let served = try desk.run(["import", "nope", "/etc/hostname"])
        #expect(served.status == 64 && served.stderr.contains("unknown import format \"nope\""), "\(served.stderr)")
    }
}
