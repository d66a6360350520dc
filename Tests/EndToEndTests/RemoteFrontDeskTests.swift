import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 13's tmux test: the front desk as a terminal of the team server,
/// with real OS users. Two agents in two tmux panes on one server: a call
/// saved by one shows on the other's list without a key pressed; a ticket
/// of a restricted queue shows on an outsider's list without its caller;
/// the server killed (-9) while one agent types: the pane says so and the
/// draft is kept in a 0600 file of the agent's own; the server restarted:
/// the pane reconnects, the draft is back in the form, and the call saves
/// once.
@Suite("Front desk through the team server (tmux, real OS users)", .serialized)
struct RemoteFrontDeskTests {
    let tmux = Tmux()

    /// A pane running `bscdesk` as `login` through the server; its state
    /// folder (where a draft is kept while the server is away) is `state`.
    /// `pane` names the tmux session (the login by default); a wrapped
    /// desk's exit status is printed after it ends.
    func startDesk(_ f: TeamServerFixture, _ login: String, state: String, pane: String? = nil, wrapped: Bool = false) throws {
        let env = ["PATH=/usr/bin:/bin", "TERM=xterm-256color", "LANG=C.UTF-8", "TZ=UTC", "BSCDESK_SYSTEM_CONFIG=/nonexistent",
                   "HOME=/nonexistent", "BSCDESK_SERVER=" + f.socket, "XDG_STATE_HOME=" + state]
        var command = (["/usr/sbin/runuser", "-u", login, "--", "/usr/bin/env", "-i"] + env + [Bscdesk.binary]).map(Tmux.quote).joined(separator: " ")
        if wrapped { command = "sh -c " + Tmux.quote(command + "; echo EXITED=$?; sleep 30") }
        try tmux.start(pane ?? login, command: command, environment: [:], width: 100, height: 30)
        try tmux.waitFor(pane ?? login, "F5Solve", timeout: 20)
    }

    func localDrafts(_ state: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: state + "/bscdesk")) ?? []).filter { $0.hasSuffix(".json") }
    }

    /// A folder of `login`'s own, 0700, for its state.
    func stateFolder(_ f: TeamServerFixture, _ login: String) throws -> String {
        let dir = f.root + "/state-" + login
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        try TeamServerFixture.check(TeamServerFixture.command("/bin/chown", [login, dir]), "chown")
        chmod(dir, 0o700)
        return dir
    }

    func typeCall(_ pane: String, caller: String, category: String, summary: String) throws {
        try tmux.type(pane, caller)
        try tmux.keys(pane, "Tab", "Tab", "Tab")
        try tmux.type(pane, category)
        try tmux.keys(pane, "Tab")
        try tmux.type(pane, summary)
        try tmux.waitFor(pane, summary)
    }

    @Test func twoAgentsOnOneServerAndADraftThatOutlivesTheServer() throws {
        let f = try TeamServerFixture.desk()
        defer { f.cleanUp() }
        defer { tmux.kill() }
        // Another login through BSCDESK_USER is refused before anything starts.
        let posing = try f.client(f.amy, [], env: ["BSCDESK_USER": f.sup])
        #expect(posing.status == 77, "\(posing.stderr)")
        #expect(posing.stderr.contains("BSCDESK_USER is set"))

        let amyState = try stateFolder(f, f.amy)
        let benState = try stateFolder(f, f.ben)
        try startDesk(f, f.amy, state: amyState)
        try startDesk(f, f.ben, state: benState)
        #expect(try tmux.capture(f.amy).contains("\(f.amy)/agent"), "the server says who the pane is")

        // Pushed: ben's list shows amy's call with no key pressed after it.
        try tmux.keys(f.ben, "F3")
        try tmux.waitFor(f.ben, "Tickets")
        try typeCall(f.amy, caller: "Ann Lee", category: "cs.general-enquiry", summary: "Where is my payslip")
        try tmux.keys(f.amy, "F5")
        try tmux.waitFor(f.amy, "Saved BSC-000001")
        let benList = try tmux.waitFor(f.ben, "BSC-000001", timeout: 5)
        #expect(benList.contains("Ann Lee"))

        // Restricted: ben's appointeeship ticket reaches amy's list (pushed
        // from a command-line append) without its caller.
        let logged = try f.client(f.ben, ["log", "--caller", "Winifred Quaglia", "--channel", "phone", "--category", "appointeeship.allowance",
                                          "--summary", "Quaglia allowance", "--detail", "client-reference=CL-4411"])
        try #require(logged.status == 0, "restricted log: \(logged.stderr)")
        try tmux.keys(f.amy, "F3")
        let amyList = try tmux.waitFor(f.amy, "BSC-000002")
        #expect(!amyList.contains("Quaglia"), "restricted caller on an outsider's screen:\n\(amyList)")
        #expect(try tmux.waitFor(f.ben, "BSC-000002").contains("Winifred Quaglia"), "the team reads it")
        try tmux.keys(f.amy, "F2")
        try tmux.waitFor(f.amy, "F5Solve")

        // The server dies while amy types.
        try typeCall(f.amy, caller: "Dora Keeper", category: "cs.general-enquiry", summary: "Survives the kill")
        usleep(400_000)  // the draft message follows the frame
        let server = try #require(f.server)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        let away = try tmux.waitFor(f.amy, "team server went away", timeout: 10)
        #expect(away.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined().contains("/bscdesk/call-draft."),
                "the whole path is on screen:\n\(away)")
        let keptDir = amyState + "/bscdesk"
        let kept = try FileManager.default.contentsOfDirectory(atPath: keptDir).filter { $0.hasSuffix(".json") }
        try #require(kept.count == 1, "\(kept)")
        var st = stat()
        #expect(lstat(keptDir + "/" + kept[0], &st) == 0)
        #expect(st.st_mode & S_IFMT == S_IFREG && st.st_mode & 0o777 == 0o600)
        #expect(st.st_uid == getpwnam(f.amy).pointee.pw_uid)
        #expect(try String(contentsOfFile: keptDir + "/" + kept[0], encoding: .utf8).contains("Survives the kill"))

        // Back: the pane reconnects by itself and the call saves, once.
        try f.startServer()
        let back = try tmux.waitFor(f.amy, "draft restored", timeout: 15)
        #expect(back.contains("Survives the kill") && back.contains("Dora Keeper"), "\(back)")
        #expect(!back.contains("more after this call"), "offered twice:\n\(back)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: keptDir).filter { $0.hasSuffix(".json") }.isEmpty,
                "the local copy goes once the server has it")
        try tmux.keys(f.amy, "F5")
        try tmux.waitFor(f.amy, "Saved BSC-000003")
        let list = try f.client(f.sup, ["list", "--format", "csv"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.components(separatedBy: "Dora Keeper").count - 1 == 1, "\(list.stdout)")
        let show = try f.client(f.sup, ["show", "BSC-000003"])
        #expect(show.stdout.contains("Survives the kill"))

    }

    /// Quit while the server is away: the desk exits 74 saying where the
    /// call is; the next desk started once the server is back hands it to
    /// the server, and it saves.
    @Test func aDraftKeptByADeskQuitWhileTheServerWasAwayIsSavedByTheNextDesk() throws {
        let f = try TeamServerFixture.desk()
        defer { f.cleanUp() }
        defer { tmux.kill() }
        let state = try stateFolder(f, f.amy)
        try startDesk(f, f.amy, state: state, pane: "first", wrapped: true)
        try typeCall("first", caller: "Quentin Quitter", category: "cs.general-enquiry", summary: "Typed then quit")
        usleep(400_000)
        let server = try #require(f.server)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        try tmux.waitFor("first", "team server went away", timeout: 10)
        try tmux.keys("first", "F10")
        let ended = try tmux.waitFor("first", "EXITED=")
        #expect(ended.contains("EXITED=74"), "\(ended)")
        #expect(ended.contains("your call is kept at"), "\(ended)")
        #expect(localDrafts(state).count == 1)

        try f.startServer()
        try startDesk(f, f.amy, state: state, pane: "second")
        let back = try tmux.waitFor("second", "draft restored", timeout: 10)
        #expect(back.contains("Quentin Quitter") && back.contains("Typed then quit"), "\(back)")
        #expect(!back.contains("more after this call"), "offered twice:\n\(back)")
        #expect(localDrafts(state).isEmpty)
        try tmux.keys("second", "F5")
        try tmux.waitFor("second", "Saved BSC-000001")
        let list = try f.client(f.sup, ["list", "--format", "csv"])
        #expect(list.stdout.components(separatedBy: "Quentin Quitter").count - 1 == 1, "\(list.stdout)")

        // A resize reaches the server, which lays the screen out again:
        // the bottom line (the save's message) moves to the new last row.
        try tmux.resize("second", width: 90, height: 26)
        let deadline = Date().addingTimeInterval(5)
        var rows: [String] = []
        while Date() < deadline {
            rows = try tmux.capture("second").components(separatedBy: "\n")
            if rows.count >= 26, rows[25].contains("Saved BSC-000001") { break }
            usleep(50_000)
        }
        #expect(rows.count >= 26 && rows[25].contains("Saved BSC-000001"), "\(rows.joined(separator: "\n"))")
    }
}
