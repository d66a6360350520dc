import BSCApp
import BSCJournal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The first screen an agent sees: the release `bscdesk` binary on a
/// pseudo-terminal (120x40, xterm-256color), timed from just before spawn
/// to the `first_frame` and `history_loaded` lines of its startup trace
/// (`BSCDESK_TRACE_STARTUP`, CLOCK_MONOTONIC like `Bench.now()`).
extension Bench {
    static func measureFirstFrame(_ desk: Desk) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            say("  \(binary) not built: skipping the real first frame (run swift build -c release first)")
            return
        }
        // The projection, to put a snapshot back after the runs without one.
        let state = try desk.loadState(writeThreshold: nil)
        let events = state.store.eventCount
        let restore = ProjectionSnapshot(store: state.store, cursor: state.cursor, issues: state.issues)
        let big = events >= 900_000
        for withSnapshot in [true, false] {
            var frames: [Double] = [], loads: [Double] = []
            for _ in 0..<5 {
                if withSnapshot { try desk.writeSnapshot(restore) } else { desk.removeSnapshot() }
                guard let run = try startDeskOnPTY(desk.data.path) else { continue }
                frames.append(run.firstFrame * 1000)
                loads.append(run.historyLoaded * 1000)
            }
            guard !frames.isEmpty else { say("  first frame: no run finished"); continue }
            let mode = withSnapshot ? "snapshot" : "no snapshot"
            let frame = median(frames)
            record("first frame (real bscdesk on a pty, \(mode))", events: events, frame, "ms", target: big ? "<= 300 ms" : "",
                   met: big ? frame <= 300 : nil,
                   note: "median of \(frames.count): " + spread(frames) + "; spawn to the first frame flushed, 120x40, history still loading")
            record("history loaded (real bscdesk, \(mode))", events: events, median(loads), "ms",
                   note: "median of \(loads.count): " + spread(loads) + "; spawn to the projection adopted"
                       + (withSnapshot ? "" : (events >= Desk.snapshotThreshold ? "; the new snapshot is written after the hand-over" : "")))
        }
        try desk.writeSnapshot(restore)
    }

    static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    static func spread(_ xs: [Double]) -> String {
        String(format: "min %.0f, max %.0f ms", xs.min() ?? 0, xs.max() ?? 0)
    }

    /// Seconds from spawn to the first frame and to the history loaded.
    struct StartupTimes {
        var firstFrame: Double
        var historyLoaded: Double
    }

    /// Runs `bscdesk` on a new pseudo-terminal until its trace has both
    /// lines, then quits it with F10 and y (SIGTERM, then SIGKILL, if that
    /// does not end it) and reaps it.
    static func startDeskOnPTY(_ dir: String) throws -> StartupTimes? {
        let master = PTY.openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, PTY.grantpt(master) == 0, PTY.unlockpt(master) == 0, let name = PTY.ptsname(master) else {
            say("  cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
            if master >= 0 { close(master) }
            return nil
        }
        let slavePath = String(cString: name)
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = withUnsafeMutablePointer(to: &size) { ioctl(master, UInt(TIOCSWINSZ), $0) }
        let trace = NSTemporaryDirectory() + "bscdesk-bench-trace-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(trace) }

        var env = Bench.env(dir)
        env["TERM"] = "xterm-256color"
        env["LANG"] = "C.UTF-8"
        env["BSCDESK_TRACE_STARTUP"] = trace

        // Drain the terminal so the desk never blocks writing its frames.
        let drained = DispatchSemaphore(value: 0)
        let drain = Thread {
            defer { drained.signal() }
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n > 0 { continue }
                if n < 0 && errno == EINTR { continue }
                break  // EIO once the desk has exited and closed the terminal
            }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, slavePath, O_RDWR, 0) }
        posix_spawn_file_actions_addclose(&actions, master)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        // A session of its own, with the pty as its controlling terminal.
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | PTY.spawnSetsid))
        let argv = [binary]
        let envp = env.map { "\($0.key)=\($0.value)" }
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cenv: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer { (cargs + cenv).forEach { free($0) } }

        var pid: pid_t = 0
        let spawnedAt = now()
        let rc = posix_spawn(&pid, binary, &actions, &attr, &cargs, &cenv)
        guard rc == 0 else {
            close(master)  // the drain thread has not started
            say("  cannot start \(binary): \(String(cString: strerror(rc)))")
            return nil
        }
        drain.start()

        var marks: [String: Double] = [:]
        let deadline = now() + 120
        var exited = false
        while marks["history_loaded"] == nil && now() < deadline {
            usleep(2_000)
            if let text = try? String(contentsOfFile: trace, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: " ")
                    if parts.count == 2, let t = Double(parts[1]) { marks[String(parts[0])] = t }
                }
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                say("  bscdesk exited early (status \(status))")
                break
            }
        }
        if !exited { quit(pid, master) }
        // The drain ends with EIO once the desk is gone; only then may the
        // descriptor be closed (and its number reused).
        if drained.wait(timeout: .now() + 5) == .timedOut { say("  the terminal did not close") } else { close(master) }
        guard let frame = marks["first_frame"], let loaded = marks["history_loaded"] else {
            say("  no startup trace from bscdesk within the time allowed")
            return nil
        }
        return StartupTimes(firstFrame: frame - spawnedAt, historyLoaded: loaded - spawnedAt)
    }

    /// F10 and "y", as a person quits; then SIGTERM and SIGKILL if needed.
    static func quit(_ pid: pid_t, _ master: Int32) {
        let keys = Array("\u{1b}[21~".utf8)
        _ = keys.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        usleep(100_000)
        _ = write(master, "y", 1)
        for signal in [0, SIGTERM, SIGKILL] {
            if signal != 0 { kill(pid, signal) }
            let until = now() + 5
            var status: Int32 = 0
            while now() < until {
                if waitpid(pid, &status, WNOHANG) == pid { return }
                usleep(5_000)
            }
        }
    }
}

/// The pseudo-terminal calls of glibc's stdlib.h, which Swift's Glibc
/// module leaves out (they need _XOPEN_SOURCE): looked up by name.
enum PTY {
    private static func function<T>(_ name: String, as: T.Type) -> T {
        guard let f = dlsym(nil, name) else { fatalError("no \(name) in the C library") }
        return unsafeBitCast(f, to: T.self)
    }
    static let openpt = function("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grantpt = function("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlockpt = function("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let ptsname = function("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
    /// POSIX_SPAWN_SETSID (glibc 2.26+; also behind _GNU_SOURCE).
    static let spawnSetsid: Int32 = 0x80
}
