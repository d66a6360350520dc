import Foundation

/// Drives a program in a detached tmux session on a private socket (`-L`),
/// so tests see exactly what a person would: keys in, screen text out.
final class Tmux {
    let socket = "bscdesk-test-" + UUID().uuidString.prefix(8)
    private(set) var sessions: [String] = []

    /// Starts `command` in a new session of the given size with
    /// `environment` set; the pane's process is the command itself (exec),
    /// so `panePID` can signal it.
    func start(_ name: String, command: String, environment: [String: String], width: Int = 80, height: Int = 24) throws {
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        try run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "exec env \(env) \(command)"])
        sessions.append(name)
    }

    /// Environment for the real binary in a test data directory.
    static func deskEnvironment(_ desk: Bscdesk) -> [String: String] {
        ["BSCDESK_DATA": desk.data, "BSCDESK_USER": desk.user, "BSCDESK_SYSTEM_CONFIG": "/nonexistent",
         "TERM": "xterm-256color", "LANG": "C.UTF-8", "TZ": "UTC"]
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Named keys ("Enter", "F5", "Tab", "BTab", "Escape").
    func keys(_ name: String, _ keys: String...) throws { try run(["send-keys", "-t", name] + keys) }

    /// Literal text, UTF-8 included.
    func type(_ name: String, _ text: String) throws { try run(["send-keys", "-t", name, "-l", text]) }

    func capture(_ name: String) throws -> String { try run(["capture-pane", "-p", "-t", name]) }

    func resize(_ name: String, width: Int, height: Int) throws {
        try run(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    func panePID(_ name: String) throws -> Int32 {
        Int32(try run(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Polls the screen until `text` shows, or fails with the last screen.
    @discardableResult
    func waitFor(_ name: String, _ text: String, timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? capture(name)) ?? last
            if last.contains(text) { return last }
            usleep(50_000)
        }
        throw TestFailure("timed out after \(timeout)s waiting for \"\(text)\"; screen was:\n\(last)")
    }

    /// Ends the server and everything in it.
    func kill() { _ = try? run(["kill-server"]) }

    /// Runs tmux with posix_spawn and waitpid. Foundation's Process waits
    /// on a descriptor that the forked tmux server inherits and keeps open,
    /// so it would never see the client exit.
    @discardableResult
    func run(_ args: [String]) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-out-" + UUID().uuidString).path
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-L", socket] + args
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        // Test runner threads block signals; a tmux server started with that
        // mask would pass it on and the TUI would never see SIGWINCH.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "tmux", &actions, &attr, &cargs, environ)
        guard rc == 0 else { throw TestFailure("cannot run tmux: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else { throw TestFailure("tmux \(args.joined(separator: " ")) failed (status \(status))") }
        return text
    }
}
