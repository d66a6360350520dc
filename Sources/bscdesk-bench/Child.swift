import BSCApp
import BSCCore
import BSCJournal
import BSCUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Rows of a ticket list over the store, built only for the rows on screen.
struct TicketRows: TableDataSource {
    let store: TicketStore
    let count: Int

    init(store: TicketStore, limit: Int = .max) {
        self.store = store
        self.count = min(limit, store.slots.count)
    }

    static var table: TableView { TableView(columns: [
        .fixed("Ref", 10), .fixed("Status", 11), .fixed("Queue", 18), .flex("Caller", weight: 1, min: 10),
        .flex("Summary", weight: 3, min: 20), .fixed("Opened", 24),
    ]) }

    func row(at index: Int) -> [String] {
        guard let t = store.slots[index] else { return ["(gap)"] }
        return [t.ref.description, t.status.rawValue, t.queue, t.caller.displayName, t.summary, t.openedAt.description]
    }
}

/// Modes the bench runs in a fresh process of its own binary.
enum Child {
    static func say(_ s: String) { FileHandle.standardOutput.write((s + "\n").data(using: .utf8)!) }

    static func run(_ args: [String]) throws {
        switch args.first {
        case "open": try open(dir: args[1], mode: args[2])
        case "reader": try reader(dir: args[1], count: Int(args[2]) ?? 20)
        case "first-frame":  // the real first screen on an existing data directory (user "bench")
            try Bench.measureFirstFrame(try Desk.open(dataOption: args[1], environment: Bench.env(args[1])))
        case "replay":  // for profilers: one full replay, nothing else
            let desk = try Desk.open(dataOption: args[1], environment: Bench.env(args[1]))
            let t = Bench.now(), c = Bench.cpuSeconds()
            let events = try desk.loadState(useSnapshot: false, writeThreshold: nil).store.eventCount
            say(String(format: "events %d wall_ms %.0f cpu_ms %.0f", events, (Bench.now() - t) * 1000, (Bench.cpuSeconds() - c) * 1000))
        default: say("unknown child mode")
        }
    }

    /// Start -> loaded desk; then peak RSS and a stats query. (The first
    /// frame is measured on the real binary: FirstFrame.swift.)
    static func open(dir: String, mode: String) throws {
        let desk = try Desk.open(dataOption: dir, environment: Bench.env(dir))
        let state = try desk.loadState(useSnapshot: mode == "snapshot", writeThreshold: nil)
        say("loaded_at \(Bench.now())")
        say("events \(state.store.eventCount)")
        say("rss_mb \(Bench.peakRSSMegabytes())")
        // The stats query runs on the loaded desk.
        try desk.load()
        let q = try desk.metricsQuery(period: "2025/26", from: nil, to: nil, by: ["queue", "channel", "agent"], series: nil)
        let t1 = Bench.now()
        let engine = desk.metricsEngine()
        let t2 = Bench.now()
        let report = engine.report(q)
        let t3 = Bench.now()
        precondition(!report.breakdowns.isEmpty)
        say("engine_ms \((t2 - t1) * 1000)")
        say("report_ms \((t3 - t2) * 1000)")
        say("stats_ms \((t3 - t1) * 1000)")
    }

    /// Polls the journal the way a screen does (every 25 ms: cheap stat
    /// and read of what is new) and prints when each new ticket appears.
    static func reader(dir: String, count: Int) throws {
        let desk = try Desk.open(dataOption: dir, environment: Bench.env(dir))
        try desk.load()
        var known = desk.store.slots.count
        say("ready \(Bench.now())")
        var seen = 0
        let deadline = Bench.now() + 60
        while seen < count && Bench.now() < deadline {
            usleep(25_000)
            if try desk.refresh() {
                let t = Bench.now()
                while known < desk.store.slots.count {
                    known += 1
                    say("seen \(known) \(t)")
                    seen += 1
                }
            }
        }
    }
}
