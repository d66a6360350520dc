import Foundation
import Testing

/// Storms of random keystrokes and resizes on every screen of the real
/// front desk, over a journal of 10k+ events: the process stays alive all
/// through (quit keys are left out of the storm), quits cleanly at the end
/// with the terminal restored, and the journal holds only well-formed events
/// of the kinds keys can produce, with an intact chain.
@Suite("TUI robustness", .serialized)
struct TUIStormTests {
    static let keys: [String] = {
        var k = ["Up", "Down", "Left", "Right", "PageUp", "PageDown", "Home", "End", "Tab", "BTab", "Enter", "Escape",
                 "BSpace", "DC", "Space", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F11", "F12",
                 "C-t", "C-g", "C-a", "C-e", "C-u", "C-k", "C-w", "?", "/", "*"]
        // Letters and digits, but never 'q' (quit); F10 and C-c are left out too.
        for c in "abcdefghijklmnoprstuvwxyz0123456789" { k.append(String(c)) }
        k += ["Zoë", "山田", "Łukasz"]
        return k
    }()

    /// The next random key. Esc then 0 within 0.3 s is F10 (Midnight
    /// Commander's Esc-digit keys), which asks "Quit?", and a later y or
    /// Enter quits: the storm never sends 0 right after Esc.
    static func nextKey(after previous: inout String, using rng: inout SystemRandomNumberGenerator) -> String {
        var k = keys.randomElement(using: &rng)!
        while previous == "Escape" && k == "0" { k = keys.randomElement(using: &rng)! }
        previous = k
        return k
    }

    /// The one child process of `pid` (from /proc).
    static func child(of pid: Int32) throws -> Int32 {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            if let c = text.split(separator: " ").first.flatMap({ Int32($0) }) { return c }
            usleep(50_000)
        }
        throw TestFailure("no child process of the pane's shell \(pid): the front desk did not start")
    }

    /// Waits until the process has used under 20 ms of CPU in a second (it
    /// has read every queued key; the live clock and the journal watch cost
    /// less), for at most 60 s; slower than that is a failure.
    static func waitUntilIdle(_ pid: Int32) throws {
        func cpuTicks() -> Int {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return -1 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // utime and stime are fields 14 and 15; after "pid (comm)" they sit at 11 and 12.
            guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return -1 }
            return user + system
        }
        let deadline = Date().addingTimeInterval(60)
        var last = cpuTicks()
        while Date() < deadline {
            usleep(1_000_000)
            let now = cpuTicks()
            if now >= 0 && now - last < 2 { return }
            last = now
        }
        throw TestFailure("the front desk was still busy 60 s after the storm's last key")
    }

    static let sizes: [(Int, Int)] = [(80, 24), (20, 5), (40, 12), (200, 50), (60, 16), (30, 8), (120, 40), (80, 24)]

    @Test func randomKeysAndResizesOnEveryScreen() throws {
        let desk = try Bscdesk.fresh()
        let demo = try desk.run(["demo", "--tickets", "3000", "--seed", "3", "--until", "2026-11-20"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let before = try desk.journalLines()
        #expect(before.count >= 10_000)
        let tmux = Tmux()
        defer { tmux.kill() }
        let marker = "/tmp/bscdesk-storm-\(UUID().uuidString.prefix(8))"
        // Typed keys can export (F12, F6) to a relative path: the desk runs
        // in a scratch folder, never in the checkout.
        let scratch = try TempDir.make()
        try tmux.start("s", command: "sh -c " + Tmux.quote("cd " + Tmux.quote(scratch) + " && " + Tmux.quote(Bscdesk.binary) + "; echo EXITED=$?; stty -a > \(marker); sleep 30"),
                       environment: Tmux.deskEnvironment(desk))
        try tmux.waitFor("s", "Log a call", timeout: 15)
        // The pane runs sh; the front desk is its child. Checking the shell
        // would pass with the desk long gone (it did: a storm that quit
        // early "passed", and failed only when EXITED= scrolled away).
        let pid = try Self.child(of: try tmux.panePID("s"))
        var rng = SystemRandomNumberGenerator()
        let rounds = Int(ProcessInfo.processInfo.environment["BSCDESK_STORM_KEYS"] ?? "") ?? 3000
        var sent = 0, resizes = 0
        var previous = ""
        while sent < rounds {
            let batch = (0..<20).map { _ in Self.nextKey(after: &previous, using: &rng) }
            _ = try tmux.run(["send-keys", "-t", "s"] + batch)
            sent += batch.count
            if sent % 200 == 0 {
                let (w, h) = Self.sizes[resizes % Self.sizes.count]
                try tmux.resize("s", width: w, height: h)
                resizes += 1
            }
            if sent % 500 == 0 {
                #expect(kill(pid, 0) == 0, "the front desk died after \(sent) keys")
                if kill(pid, 0) != 0 { return }
            }
        }
        usleep(500_000)
        #expect(kill(pid, 0) == 0, "the front desk died during the storm")
        // Quit: Escape out of any prompt, then F10 and confirm.
        try tmux.resize("s", width: 80, height: 24)
        // Each Esc alone: Esc and a key within 0.3 s is one key (Esc 0 is
        // F10, Esc : the command line), so quick Escs and F10 could leave a
        // prompt open and type the y into it (a third cause of the flakes).
        // A loaded CI machine leaves the desk seconds behind the storm: keys
        // still queued in the terminal arrive together, and Escs read in one
        // burst become Alt-keys, so the prompt open at that moment stayed open
        // (a fourth cause of the flakes). Wait for the desk to go idle, then
        // try Esc… F10 again until the quit question shows.
        try Self.waitUntilIdle(pid)
        var asked = false
        for attempt in 1...5 where !asked {
            for _ in 0..<4 {
                try tmux.keys("s", "Escape")
                usleep(450_000)
            }
            try tmux.keys("s", "F10")
            do {
                try tmux.waitFor("s", "Quit bscdesk?", timeout: 6)
                asked = true
            } catch {
                print("TUI storm: no quit question on attempt \(attempt); trying again")
                try Self.waitUntilIdle(pid)
            }
        }
        let lastScreen = (try? tmux.capture("s")) ?? ""
        try #require(asked, "F10 never asked \"Quit bscdesk?\" after 5 attempts: \(lastScreen)")
        try tmux.keys("s", "y")
        let screen = try tmux.waitFor("s", "EXITED=", timeout: 10)
        #expect(screen.contains("EXITED=0"), "\(screen)")
        // The terminal is back in cooked mode with echo.
        // The shell writes it just after EXITED= shows: wait for it (reading
        // at once raced the shell, a second cause of this test's flakes).
        var stty = ""
        let sttyDeadline = Date().addingTimeInterval(5)
        while !stty.contains("speed") && Date() < sttyDeadline {
            usleep(50_000)
            stty = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
        }
        #expect(stty.contains(" icanon") && stty.contains(" echo "), "stty after exit: \(stty)")
        try? FileManager.default.removeItem(atPath: marker)
        // What the storm wrote: only well-formed events of kinds keys can make.
        let after = try desk.journalLines()
        #expect(Array(after.prefix(before.count)) == before, "earlier lines changed")
        let allowed: Set<String> = ["ticket.opened", "contact.logged", "ticket.routed", "ticket.assigned", "ticket.pending",
                                    "ticket.resumed", "ticket.resolved", "ticket.reopened", "ticket.closed", "ticket.noted",
                                    "ticket.viewed", "identity.verified", "callback.set"]
        var kinds: [String: Int] = [:]
        for line in after.dropFirst(before.count) {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let type = obj["type"] as? String ?? "?"
            kinds[type, default: 0] += 1
            #expect(allowed.contains(type), "unexpected event \(type)")
        }
        #expect(try desk.run(["doctor"]).status == 0)
        #expect(try desk.run(["verify"]).status == 0)
        print("TUI storm: \(sent) keys, \(resizes) resizes, \(before.count) events before, \(after.count - before.count) written by keys \(kinds)")
    }
}
