import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk-bench import [--tickets N]`: generates a ServiceNow incident
/// event log of N incidents (100,000 by default, about 600,000 rows) and
/// times the real `bscdesk import servicenow FILE --yes` on a fresh data
/// directory: wall time, events per second, the import process's peak RSS.
/// `bscdesk-bench gen-servicenow --tickets N --out FILE` only writes the log.
enum ImportBench {
    static func generate(_ args: [String]) -> Int32 {
        var tickets = 1000
        var out: String?
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--tickets": tickets = it.next().flatMap(Int.init) ?? tickets
            case "--out": out = it.next()
            default:
                FileHandle.standardError.write("bscdesk-bench gen-servicenow: unknown argument \(a); use --tickets N --out FILE\n".data(using: .utf8)!)
                return 64
            }
        }
        guard let out else {
            FileHandle.standardError.write("bscdesk-bench gen-servicenow: --out FILE is required\n".data(using: .utf8)!)
            return 64
        }
        do {
            let rows = try ServiceNowLog.write(tickets: tickets, to: out)
            print("\(tickets) incidents, \(rows) rows")
            return 0
        } catch {
            FileHandle.standardError.write("bscdesk-bench gen-servicenow: \(error)\n".data(using: .utf8)!)
            return 74
        }
    }

    static func run(_ args: [String]) -> Int32 {
        var tickets = 100_000
        var it = args.makeIterator()
        while let a = it.next() {
            if a == "--tickets", let n = it.next().flatMap(Int.init) { tickets = n } else {
                FileHandle.standardError.write("bscdesk-bench import: unknown argument \(a); use --tickets N\n".data(using: .utf8)!)
                return 64
            }
        }
        let root = NSTemporaryDirectory() + "bscdesk-bench-import-" + String(getpid())
        defer { try? FileManager.default.removeItem(atPath: root) }
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let csv = root + "/incident_event_log.csv"
        let rows: Int
        do { rows = try ServiceNowLog.write(tickets: tickets, to: csv) } catch {
            FileHandle.standardError.write("bscdesk-bench import: \(error)\n".data(using: .utf8)!)
            return 74
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        Bench.say(String(format: "bscdesk-bench import: %d incidents, %d rows, %.0f MB; release build: %@", tickets, rows, Double(size) / 1e6, Bench.isRelease ? "yes" : "no"))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("bscdesk").path
        var env = ProcessInfo.processInfo.environment
        env["BSCDESK_DATA"] = root + "/data"
        env["BSCDESK_USER"] = "bench"
        env["BSCDESK_SYSTEM_CONFIG"] = "/nonexistent"
        let started = Date()
        let (status, output, maxRSSKB) = spawn(binary, ["import", "servicenow", csv, "--yes"], env: env)
        let seconds = Date().timeIntervalSince(started)
        guard status == 0 else {
            FileHandle.standardError.write("bscdesk-bench import: bscdesk import exited \(status): \(output)\n".data(using: .utf8)!)
            return 1
        }
        // "Imported N tickets (M events) as batch …"
        let events = output.split(separator: "\n").last { $0.hasPrefix("Imported ") }
            .flatMap { $0.split(separator: "(").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) } } ?? 0
        Bench.record("import servicenow (100k incidents target)", events: events, seconds, "s", target: "< 60 s", met: seconds < 60,
                     note: String(format: "%d incidents, %d rows; %.0f events/s; import process peak RSS %.0f MB", tickets, rows,
                                  Double(events) / max(seconds, 0.001), Double(maxRSSKB) / 1024))
        return 0
    }

    /// Runs a program to its end; its exit status, stdout and stderr, and
    /// its peak RSS (kB) from wait4.
    static func spawn(_ path: String, _ args: [String], env: [String: String]) -> (Int32, String, Int) {
        let outFile = NSTemporaryDirectory() + "bscdesk-bench-import-out-" + String(getpid())
        defer { unlink(outFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { return (127, "cannot start \(path)", 0) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exit, output, Int(usage.ru_maxrss))
    }
}
