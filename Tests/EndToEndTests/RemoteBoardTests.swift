import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk board` through the team server (tmux, real OS users): a team
/// leader's wall screen is the server's board, drawn by the terminal,
/// updated when an agent saves a call elsewhere, and quit with q.
@Suite("The live board through the team server (tmux, real OS users)", .serialized)
struct RemoteBoardTests {
    let tmux = Tmux()

    @Test func theBoardAloneRunsOnTheServerAndShowsAnotherClientsCall() throws {
        let f = try TeamServerFixture.desk()
        defer { f.cleanUp() }
        defer { tmux.kill() }
        let env = ["PATH=/usr/bin:/bin", "TERM=xterm-256color", "LANG=C.UTF-8", "TZ=UTC", "BSCDESK_SYSTEM_CONFIG=/nonexistent",
                   "HOME=/nonexistent", "BSCDESK_SERVER=" + f.socket]
        let command = (["/usr/sbin/runuser", "-u", f.sup, "--", "/usr/bin/env", "-i"] + env + [Bscdesk.binary, "board", "--detailed"])
            .map(Tmux.quote).joined(separator: " ")
        try tmux.start("wall", command: "sh -c " + Tmux.quote(command + "; echo EXITED=$?; sleep 30"), environment: [:], width: 120, height: 30)
        let first = try tmux.waitFor("wall", "Queue board", timeout: 20)
        // The board alone: none of the desk's tabs.
        #expect(!first.contains("F5Solve"), "\(first)")
        #expect(f.log().contains("board screen opened"), "\(f.log())")

        // An agent's call, saved by another process, reaches the wall
        // screen with no key pressed.
        let logged = try f.client(f.amy, ["log", "--caller", "Ann Lee", "--channel", "phone", "--category", "cs.general-enquiry",
                                          "--summary", "Where is my payslip", "--resolved"])
        #expect(logged.status == 0, "\(logged.stderr)")
        let shown = try tmux.waitFor("wall", f.amy, timeout: 10)
        #expect(shown.contains("Queue board"))

        // q asks first, as on every screen; y quits, and the terminal exits 0.
        try tmux.keys("wall", "q")
        _ = try tmux.waitFor("wall", "Quit bscdesk?", timeout: 10)
        try tmux.keys("wall", "y")
        _ = try tmux.waitFor("wall", "EXITED=0", timeout: 10)

        // --data with a server, or --format without --print: one line, 64.
        let withData = try f.client(f.sup, ["board", "--data", "/tmp"])
        #expect(withData.status == 64 && withData.stderr.contains("--server none"), "\(withData.stderr)")
        let withFormat = try f.client(f.sup, ["board", "--format", "json"])
        #expect(withFormat.status == 64 && withFormat.stderr.contains("--format goes with --print"), "\(withFormat.stderr)")
    }
}
