import ArgumentParser
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer
import BSCTerminal
import BSCUI
import Foundation

/// `bscdesk board`: the live queue board full screen, as a wallboard by
/// default (big numbers, few columns) or detailed with `--detailed`.
/// `--print` prints the board once instead (a frame as text, or every
/// figure as JSON with `--format json`), for scripts and checks.
/// `--measure-latency N` (hidden) benchmarks the time from another
/// process's write to a rebuilt board frame, in a scratch data directory.
struct BoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "The live queue board, full screen (a wallboard for a team's room).",
        discussion: """
        Updates within a second as agents log, route and resolve in other terminals.
        Team leaders and supervisors can press Enter on a queue or person to reassign or
        re-route tickets. Set BSCDESK_NO_INOTIFY=1 to poll the journal instead of using inotify.
        --print prints the board once and exits (no terminal needed): the frame as text, or with
        --format json every figure (queues, people, FCR and SLA today and this week), as you may see them.
        """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "The detailed board (all columns) instead of the wallboard.") var detailed = false
    @Flag(help: "Only the queues of your own team.") var team = false
    @Option(help: ArgumentHelp("Benchmark: N writes by a child process, timed until the board frame is rebuilt.", visibility: .hidden))
    var measureLatency: Int?
    @Flag(name: .customLong("print"), help: "Print the board once and exit (no terminal needed).")
    var printFrame = false
    @Option(help: "With --print: text (the board's frame) or json (every figure).") var format: String?
    @Option(help: "Frame size for --print in text, COLSxROWS.") var size: String = "100x30"
    /// How often the board checks the watcher while waiting for keys.
    static let tickMillis = 50

    func run() throws {
        if let n = measureLatency {
            try BoardLatency.run(count: n, tickMillis: Self.tickMillis)
            return
        }
        if printFrame {
            // Printed once: the same function in-process and on the server.
            let args = BoardArgs(detailed: detailed, team: team, format: format, size: size)
            try runRouted(global, load: true, request: { _ in Request(id: 0, board: args) }) { try DeskCommands.board(args, desk: $0) }
            return
        }
        // With a team server, the server runs the board and this process
        // draws it, as for the front desk.
        if let server = try serverLocation(global) {
            do {
                if format != nil { throw DeskError.usage("--format goes with --print: bscdesk board --print --format json") }
                if global.data != nil {
                    throw DeskError.usage("--data is for a desk run in-process; the team server at \(server) has its own data directory: drop --data, or add --server none for a desk of your own")
                }
                let board = ScreenBoard(detailed: detailed, team: team)
                try MainActor.assumeIsolated {
                    try RemoteFrontDesk.launch(server: server, theme: nil, environment: ProcessInfo.processInfo.environment, board: board)
                }
            } catch let e as DeskError {
                printError("bscdesk: " + terminalSafe(e.message, lineBreaks: .space))
                throw ExitCode(e.status.rawValue)
            }
            return
        }
        try runDesk(global, load: true) { desk in
            if format != nil { throw DeskError.usage("--format goes with --print: bscdesk board --print --format json") }
            let env = ProcessInfo.processInfo.environment
            try MainActor.assumeIsolated {
                try runBoard(desk: desk, environment: env)
            }
        }
    }

    @MainActor
    private func runBoard(desk: Desk, environment env: [String: String]) throws {
        // Check the theme before taking over the terminal so errors print normally.
        let themeName = try ThemeChoice.checked(env["BSCDESK_THEME"], searchPaths: [desk.data.themesPath], owner: desk.fileOwner)
        let screen = BoardScreen(desk: desk, environment: env, now: wallClockNow(), wallboard: !detailed, teamOnly: team)
        let terminal = try CursesTerminal.start(theme: try ThemeLoader.load(name: "monochrome"), environment: env)
        defer { terminal.stop() }
        terminal.setTheme(try ThemeLoader.select(name: themeName, searchPaths: [desk.data.themesPath], owner: desk.fileOwner, environment: env, colors: terminal.colorCount))
        var app = UIApp(root: screen, size: terminal.size, now: wallClockNow())
        terminal.run(app: &app, tickMillis: Self.tickMillis)
    }
}

/// The latency benchmark: a child `bscdesk` appends one ticket at a time
/// while this process runs the board's tick loop exactly as the terminal
/// does (check the watcher every tick, refresh, recompute, render a frame),
/// and records, per write, the time from the event's own timestamp (taken
/// just before the child appends) to the end of the frame that shows it.
enum BoardLatency {
    static func run(count: Int, tickMillis: Int) throws {
        let env = ProcessInfo.processInfo.environment
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-board-latency-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var childEnv = env
        childEnv["BSCDESK_DATA"] = scratch
        let desk = try Desk.open(dataOption: scratch, environment: env)
        try desk.load()
        childEnv["BSCDESK_USER"] = desk.login
        // A first write creates the journal directory for the watcher.
        try spawnWriter(env: childEnv)
        try desk.load()
        let screen = BoardScreen(desk: desk, environment: env, now: wallClockNow())
        let mode = screen.feed.watcher?.mode.rawValue ?? "none"
        var app = UIApp(root: screen, size: Size(width: 120, height: 40), now: wallClockNow())
        _ = app.render()
        var samples: [Int64] = []
        for _ in 0..<count {
            let before = screen.feed.snapshot.eventCount
            let child = try startWriter(env: childEnv)
            let deadline = wallClockNow().millis + 5_000
            // The terminal loop: wait up to one tick for a key, then tick.
            while wallClockNow().millis < deadline {
                usleep(useconds_t(tickMillis * 1000))
                if app.tick(now: wallClockNow()) {
                    _ = app.render()
                    if screen.feed.snapshot.eventCount > before { break }
                }
            }
            let drawn = wallClockNow()
            child.waitUntilExit()
            guard let newest = desk.store.tickets.last, screen.feed.snapshot.eventCount > before else {
                throw DeskError(.ioFailure, "the board did not see write \(samples.count + 1) within 5 s")
            }
            samples.append(drawn.millis - newest.openedAt.millis)
            // Writes arrive at random points of the tick, as in real use.
            usleep(useconds_t(Int.random(in: 0..<(tickMillis * 1000))))
        }
        samples.sort()
        func pct(_ p: Double) -> Int64 { samples[min(samples.count - 1, Int((Double(samples.count) * p).rounded(.up)) - 1)] }
        let mean = samples.reduce(0, +) / Int64(max(1, samples.count))
        print("watcher=\(mode) tick=\(tickMillis)ms writes=\(samples.count) p50=\(pct(0.5))ms p99=\(pct(0.99))ms max=\(samples.last ?? 0)ms mean=\(mean)ms")
    }

    private static func startWriter(env: [String: String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["stress-append", "--count", "1", "--label", "latency"]
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.standardError
        try p.run()
        return p
    }

    private static func spawnWriter(env: [String: String]) throws {
        let p = try startWriter(env: env)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw DeskError(.ioFailure, "the writer child failed (status \(p.terminationStatus))") }
    }
}
