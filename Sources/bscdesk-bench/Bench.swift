import BSCApp
import BSCCore
import BSCJournal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `swift run -c release bscdesk-bench [--events N]… [--quick] [--out FILE]`
///
/// Generates realistic journals with the demo generator and measures the
/// figures in docs/performance.md, printing a table and writing JSON.
@main
struct Bench {
    struct Result: Codable {
        var name: String
        var events: Int
        var value: Double
        var unit: String
        var target: String
        var met: Bool?
        var note: String
    }

    nonisolated(unsafe) static var results: [Result] = []

    static func record(_ name: String, events: Int, _ value: Double, _ unit: String, target: String = "", met: Bool? = nil, note: String = "") {
        results.append(Result(name: name, events: events, value: value, unit: unit, target: target, met: met, note: note))
        let status = met.map { $0 ? "met" : "MISSED" } ?? ""
        say(String(format: "%-44@ %10@ %10.2f %-8@ %-12@ %@", name as NSString, String(events) as NSString, value, unit as NSString, target as NSString, status as NSString))
        if !note.isEmpty { say("    " + note) }
    }

    /// Unbuffered, so progress shows when piped.
    static func say(_ s: String) { FileHandle.standardOutput.write((s + "\n").data(using: .utf8)!) }

    static func main() throws {
        var sizes: [Int] = []
        var out = "bench-results/results.json"
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--events": if let v = args.popFirst(), let n = Int(v) { sizes.append(n) }
            case "--quick": sizes = [100_000]
            case "--out": out = args.popFirst() ?? out
            case "--help", "-h":
                print("usage: bscdesk-bench [--events N]... [--quick] [--out FILE]\n  default sizes: 100000 and 1000000 events; add --events 10000000 for the 10M case")
                return
            default:
                FileHandle.standardError.write("bscdesk-bench: unknown argument \(a); see --help\n".data(using: .utf8)!)
                exit(64)
            }
        }
        if sizes.isEmpty { sizes = [100_000, 1_000_000] }
        say("bscdesk-bench: \(ProcessInfo.processInfo.processorCount) cores; release build: \(isRelease)")
        say(String(format: "%-44@ %10@ %10@ %-8@ %-12@ %@", "measure" as NSString, "events" as NSString, "value" as NSString, "unit" as NSString, "target" as NSString, "" as NSString))
        let root = NSTemporaryDirectory() + "bscdesk-bench-" + String(getpid())
        defer { try? FileManager.default.removeItem(atPath: root) }
        for n in sizes {
            let dir = root + "/d\(n)"
            let desk = try generate(events: n, in: dir)
            try measureReplay(desk, events: n)
            try measureJQ(desk, events: n)
        }
        try measureAppends(root + "/append")
        let dirOut = (out as NSString).deletingLastPathComponent
        if !dirOut.isEmpty { try? FileManager.default.createDirectory(atPath: dirOut, withIntermediateDirectories: true) }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(results).write(to: URL(fileURLWithPath: out))
        say("results written to \(out)")
    }

    static var isRelease: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    static func env(_ dir: String) -> [String: String] {
        var e = ProcessInfo.processInfo.environment
        e["BSCDESK_DATA"] = dir
        e["BSCDESK_USER"] = "bench"
        e["BSCDESK_SYSTEM_CONFIG"] = "/nonexistent"
        return e
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A demo journal of about `events` events (the demo writes ~3.2 events
    /// per ticket; the ticket count is adjusted until it lands near).
    static func generate(events: Int, in dir: String) throws -> Desk {
        let t0 = now()
        let desk = try Desk.open(dataOption: dir, environment: env(dir))
        let tickets = max(1, Int(Double(events) / 3.2))
        _ = try DemoGenerator(desk: desk, tickets: tickets, seed: 1, until: CivilDate(year: 2026, month: 10, day: 30)).write()
        let fresh = try Desk.open(dataOption: dir, environment: env(dir))
        say("  generated \(tickets) tickets in \(String(format: "%.1f", now() - t0)) s")
        return fresh
    }

    static func journalBytes(_ desk: Desk) -> Int64 {
        let segs = (try? desk.journal.segments()) ?? []
        return segs.reduce(0) { total, s in
            let attrs = try? FileManager.default.attributesOfItem(atPath: desk.data.journalPath + "/" + s)
            return total + ((attrs?[.size] as? Int64) ?? Int64((attrs?[.size] as? Int) ?? 0))
        }
    }

    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(0), &usage)  // RUSAGE_SELF
        return Double(usage.ru_maxrss) / 1024
    }

    static func measureReplay(_ desk: Desk, events _: Int) throws {
        var best = Double.infinity
        var count = 0
        for _ in 0..<3 {
            let t = now()
            try desk.load()
            best = min(best, now() - t)
            count = desk.store.eventCount
        }
        let bytes = Double(journalBytes(desk))
        let perM = best * 1_000_000 / Double(count)
        record("replay (best of 3)", events: count, best * 1000, "ms", target: count >= 900_000 ? "<= 1000 ms/1M" : "", met: perM <= 1.0,
               note: String(format: "%.2f M events/s, %.0f MB/s, %.2f s per 1M events", Double(count) / best / 1e6, bytes / best / 1e6, perM))
        record("peak RSS after load", events: count, peakRSSMegabytes(), "MB", target: count >= 900_000 ? "<= 250 MB/1M" : "",
               met: count >= 900_000 ? peakRSSMegabytes() * 1_000_000 / Double(count) <= 250 : nil)
    }

    /// jq over the same journal: resolved events per queue at the time of
    /// resolution is a join, so the simple count is resolved events per
    /// resolving user; the ratio guards against machine drift.
    static func measureJQ(_ desk: Desk, events: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/jq") else {
            print("  jq not installed: skipping the jq comparison")
            return
        }
        let segs = try desk.journal.segments().map { desk.data.journalPath + "/" + $0 }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cat \"$@\" | jq -c 'select(.type==\"ticket.resolved\") | .user' | sort | uniq -c > /dev/null", "sh"] + segs
        let t = now()
        try p.run()
        p.waitUntilExit()
        let jqTime = now() - t
        let t2 = now()
        try desk.load()
        var perUser: [String: Int] = [:]
        var c = JournalCursor()
        _ = c
        c = JournalCursor()
        try desk.journal.read(from: &c) { d in
            if case .resolved = d.event.body { perUser[d.event.user, default: 0] += 1 }
        } issue: { _ in }
        let ours = now() - t2
        record("jq count of resolved events", events: desk.store.eventCount, jqTime * 1000, "ms")
        record("bscdesk same count (replay+count)", events: desk.store.eventCount, ours * 1000, "ms",
               note: String(format: "bscdesk is %.1fx faster than jq", jqTime / ours))
    }

    /// Append latency with fdatasync through the real binary: 1 writer, then
    /// 8 concurrent writers; each child prints its per-append latency.
    static func measureAppends(_ dir: String) throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("bscdesk").path
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            print("  \(bin) not built: skipping append latency (run swift build -c release first)")
            return
        }
        _ = try Desk.open(dataOption: dir, environment: env(dir))
        for writers in [1, 8] {
            var latencies: [Double] = []
            var procs: [(Process, Pipe)] = []
            for w in 0..<writers {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: bin)
                p.arguments = ["stress-append", "--count", "300", "--latency", "--label", "b\(writers)-\(w)"]
                p.environment = env(dir)
                let pipe = Pipe()
                p.standardOutput = pipe
                try p.run()
                procs.append((p, pipe))
            }
            for (p, pipe) in procs {
                let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                for line in text.split(separator: "\n") {
                    if let us = line.split(separator: " ").last.flatMap({ Double($0) }) { latencies.append(us / 1000) }
                }
            }
            latencies.sort()
            guard !latencies.isEmpty else { continue }
            let p50 = latencies[latencies.count / 2]
            let p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
            record("append p50, \(writers) writer(s), fdatasync", events: latencies.count, p50, "ms")
            record("append p99, \(writers) writer(s), fdatasync", events: latencies.count, p99, "ms",
                   target: writers == 8 ? "<= 5 ms" : "", met: writers == 8 ? p99 <= 5 : nil)
        }
    }
}
