import BSCClient
import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk-bench server-append --socket PATH [--clients N] [--count M]
/// [--processes P] [--server-pid PID]` logs calls through a running team
/// server from N connections held open at once (one thread each, spread
/// over P processes), M calls each, and prints append latency (p50, p99),
/// throughput, the clients' peak RSS and the server's (from /proc). Exit 1
/// if any append was not acknowledged.
///
/// `--abandon-event-id ID` instead sends one log request with that event
/// id and closes the connection without reading the answer: a client that
/// dies mid-append (the resubmission test). `--protocol N` says hello with
/// another protocol version (the version-mismatch test).
enum ServerAppend {
    static func call(_ n: Int) -> LogArgs {
        LogArgs(caller: "Bench Caller \(n)", channel: "phone", category: "cs.general-enquiry", summary: "bench append \(n)")
    }

    static func run(_ args: [String]) -> Int32 {
        var socket: String?
        var clients = 8
        var count = 50
        var abandon: String?
        var version = protocolVersion
        var processes = 1
        var childOut: String?
        var startAt: Double?
        var serverPid: Int32?
        var rate: Double?
        var acked: String?
        var deadline = 120.0
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--socket": socket = it.next()
            case "--clients": clients = it.next().flatMap(Int.init) ?? clients
            case "--count": count = it.next().flatMap(Int.init) ?? count
            case "--abandon-event-id": abandon = it.next()
            case "--protocol": version = it.next().flatMap(Int.init) ?? version
            case "--processes": processes = it.next().flatMap(Int.init) ?? processes
            case "--child-out": childOut = it.next()
            case "--start-at": startAt = it.next().flatMap(Double.init)
            case "--server-pid": serverPid = it.next().flatMap(Int32.init)
            case "--rate": rate = it.next().flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
            case "--acked": acked = it.next()
            case "--deadline": deadline = it.next().flatMap(Double.init) ?? deadline
            default:
                FileHandle.standardError.write("bscdesk-bench server-append: unknown argument \(a)\n".data(using: .utf8)!)
                return 64
            }
        }
        guard let socket else {
            FileHandle.standardError.write("bscdesk-bench server-append: needs --socket PATH\n".data(using: .utf8)!)
            return 64
        }
        if let abandon {
            do {
                let c = try DeskClient(path: socket, client: "bscdesk-bench", protocolVersion: version)
                try c.abandon(Request(id: 1, eventId: abandon, log: call(0)))
                return 0
            } catch {
                FileHandle.standardError.write("bscdesk-bench: \(error.message)\n".data(using: .utf8)!)
                return error.status
            }
        }
        if let acked { return resubmitting(socket: socket, clients: clients, count: count, acked: acked, deadline: deadline) }
        let path = socket
        if version != protocolVersion {
            do {
                _ = try DeskClient(path: path, client: "bscdesk-bench", protocolVersion: version)
            } catch {
                FileHandle.standardError.write("bscdesk-bench: \(error.message)\n".data(using: .utf8)!)
                return error.status
            }
        }
        if processes > 1 && childOut == nil {
            return fanOut(socket: path, clients: clients, count: count, processes: processes, rate: rate, serverPid: serverPid)
        }
        let (latencies, failures, seconds) = appendFromThreads(path: path, clients: clients, count: count, rate: rate, startAt: startAt)
        if let childOut {
            // For the parent: one latency per line, then failures, then RSS.
            var text = latencies.map { String(format: "%.4f", $0) }.joined(separator: "\n")
            text += "\nfailed \(failures.count)\nrss-kb \(peakRSSKilobytes())\n"
            try? text.write(toFile: childOut, atomically: true, encoding: .utf8)
            for f in failures.prefix(3) { FileHandle.standardError.write("bscdesk-bench: \(f)\n".data(using: .utf8)!) }
            return failures.isEmpty && latencies.count == clients * count ? 0 : 1
        }
        report(clients: clients, processes: 1, count: count, latencies: latencies, failed: failures.count, seconds: seconds,
               clientRSS: [peakRSSKilobytes()], serverPid: serverPid)
        for f in failures.prefix(5) { FileHandle.standardError.write("bscdesk-bench: \(f)\n".data(using: .utf8)!) }
        return failures.isEmpty && latencies.count == clients * count ? 0 : 1
    }

    /// One thread per connection, all connected before any appends (a
    /// long-lived client holds its connection): `startAt` (wall clock) lines
    /// up the processes of a fan-out.
    ///
    /// Without `rate` each client appends back to back (a closed loop: the
    /// figures are the server's saturation). With `rate`, each client
    /// appends that many times a second on a fixed schedule, and latency
    /// counts from when the append was due, not when it went out, so a
    /// stalled server is not hidden by the clients waiting for it
    /// (coordinated omission).
    static func appendFromThreads(path: String, clients: Int, count: Int, rate: Double?, startAt: Double?) -> (latencies: [Double], failures: [String], seconds: Double) {
        let lock = NSLock()
        nonisolated(unsafe) var latencies: [Double] = []
        nonisolated(unsafe) var failures: [String] = []
        nonisolated(unsafe) var connections: [DeskClient?] = Array(repeating: nil, count: clients)
        for worker in 0..<clients {
            do {
                connections[worker] = try DeskClient(path: path, client: "bscdesk-bench")
            } catch {
                failures.append("connect: \(error)")
            }
        }
        if let startAt {
            let wait = startAt - Date().timeIntervalSince1970
            if wait > 0 { usleep(UInt32(min(wait, 60) * 1_000_000)) }
        }
        let done = DispatchGroup()
        let started = ContinuousClock.now
        let base = Int(getpid()) * 100_000
        for worker in 0..<clients {
            guard let client = connections[worker] else { continue }
            // Each connection is used by its own thread only.
            let c = UncheckedClient(client)
            done.enter()
            let t = Thread {
                var mine: [Double] = []
                var failed: [String] = []
                // Spread the clients' schedules over one interval.
                let offset = rate.map { Double(worker) / Double(clients) / $0 } ?? 0
                for i in 0..<count {
                    var t0 = ContinuousClock.now
                    if let rate {
                        let due = started + .nanoseconds(Int64((offset + Double(i) / rate) * 1e9))
                        if due > t0 { Thread.sleep(forTimeInterval: Double((due - t0).components.attoseconds) / 1e18 + Double((due - t0).components.seconds)) }
                        t0 = due
                    }
                    do {
                        let r = try c.client.run(Request(id: i + 1, eventId: EventIds.random(), log: call(base + worker * count + i)))
                        if r.status != 0 { failed.append(r.error ?? "status \(r.status)") }
                    } catch {
                        failed.append("\(error)")
                    }
                    let d = ContinuousClock.now - t0
                    mine.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                }
                lock.lock()
                latencies += mine
                failures += failed
                lock.unlock()
                done.leave()
            }
            t.stackSize = 256 << 10
            t.start()
        }
        done.wait()
        let elapsed = ContinuousClock.now - started
        return (latencies, failures, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// `--processes P`: P copies of this command, each with its share of the
    /// connections, started together; their latencies are pooled.
    static func fanOut(socket: String, clients: Int, count: Int, processes: Int, rate: Double?, serverPid: Int32?) -> Int32 {
        let dir = NSTemporaryDirectory() + "bscdesk-bench-fanout-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        // Time to start every process and connect every client.
        let startAt = Date().timeIntervalSince1970 + 2 + Double(clients) / 200
        var children: [Process] = []
        var shares: [Int] = []
        for p in 0..<processes {
            let share = clients / processes + (p < clients % processes ? 1 : 0)
            guard share > 0 else { continue }
            let child = Process()
            child.executableURL = URL(fileURLWithPath: me)
            child.arguments = ["server-append", "--socket", socket, "--clients", "\(share)", "--count", "\(count)",
                               "--child-out", dir + "/\(p)", "--start-at", String(format: "%.3f", startAt)]
                + (rate.map { ["--rate", "\($0)"] } ?? [])
            do { try child.run() } catch {
                FileHandle.standardError.write("bscdesk-bench: cannot start a client process: \(error)\n".data(using: .utf8)!)
                return 1
            }
            children.append(child)
            shares.append(share)
        }
        for c in children { c.waitUntilExit() }
        let seconds = Date().timeIntervalSince1970 - startAt
        var latencies: [Double] = []
        var failed = 0
        var rss: [Int] = []
        for p in 0..<children.count {
            let text = (try? String(contentsOfFile: dir + "/\(p)", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                if line.hasPrefix("failed ") { failed += Int(line.dropFirst(7)) ?? 0 }
                else if line.hasPrefix("rss-kb ") { rss.append(Int(line.dropFirst(7)) ?? 0) }
                else if let v = Double(line) { latencies.append(v) }
            }
        }
        report(clients: clients, processes: children.count, count: count, latencies: latencies, failed: failed, seconds: seconds,
               clientRSS: rss, serverPid: serverPid)
        return failed == 0 && latencies.count == clients * count ? 0 : 1
    }

    static func report(clients: Int, processes: Int, count: Int, latencies: [Double], failed: Int, seconds: Double,
                       clientRSS: [Int], serverPid: Int32?) {
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print(String(format: "server-append: %d clients in %d processes x %d: %d acknowledged, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f appends/s",
                     clients, processes, count, latencies.count - failed, failed, pct(0.5), pct(0.99), sorted.last ?? 0,
                     Double(latencies.count) / max(seconds, 0.001)))
        if let m = clientRSS.max() {
            print(String(format: "client processes: peak RSS %.1f MB at most (%d connections each)", Double(m) / 1024, (clients + processes - 1) / processes))
        }
        if let serverPid, let status = try? String(contentsOfFile: "/proc/\(serverPid)/status", encoding: .utf8) {
            let lines = status.split(separator: "\n").filter { $0.hasPrefix("VmHWM") || $0.hasPrefix("VmRSS") }
            print("server (pid \(serverPid)): " + lines.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }.joined(separator: ", "))
        }
    }

    /// This process's peak resident set, in kB.
    static func peakRSSKilobytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(0), &usage)  // RUSAGE_SELF
        return usage.ru_maxrss
    }
}

/// A connection handed to the one thread that uses it.
final class UncheckedClient: @unchecked Sendable {
    let client: DeskClient
    init(_ client: DeskClient) { self.client = client }
}

extension ServerAppend {
    /// `--acked FILE [--deadline S]`: the failover test's clients. Each
    /// request keeps its event id until the server acknowledges it: a
    /// lost connection, a server restarting or a database failing over
    /// get the same request again (reconnecting), so nothing is lost and
    /// nothing is saved twice. Each acknowledged event id is written to
    /// FILE (one line each, flushed) only after its answer arrived. Exit 1
    /// if any request was still unacknowledged at the deadline.
    static func resubmitting(socket: String, clients: Int, count: Int, acked: String, deadline: Double, quiet: Bool = false) -> Int32 {
        guard let file = fopen(acked, "a") else {
            FileHandle.standardError.write("bscdesk-bench: cannot open \(acked)\n".data(using: .utf8)!)
            return 74
        }
        nonisolated(unsafe) let out = file
        let lock = NSLock()
        nonisolated(unsafe) var unacknowledged = 0
        nonisolated(unsafe) var resent = 0
        let end = Date().addingTimeInterval(deadline)
        DispatchQueue.concurrentPerform(iterations: clients) { worker in
            var client: DeskClient?
            for i in 0..<count {
                let id = EventIds.random()
                var done = false
                var tries = 0
                while !done && Date() < end {
                    tries += 1
                    do {
                        if client == nil { client = try DeskClient(path: socket, client: "bscdesk-bench") }
                        let r = try client!.run(Request(id: i, eventId: id, log: call(worker * count + i)))
                        if r.status == 0 {
                            done = true
                        } else {
                            client = nil
                            usleep(100_000)
                        }
                    } catch {
                        client = nil
                        usleep(100_000)
                    }
                }
                lock.lock()
                if done {
                    fputs(id + "\n", out)
                    fflush(out)
                    if tries > 1 { resent += 1 }
                } else {
                    unacknowledged += 1
                }
                lock.unlock()
            }
        }
        fclose(file)
        if !quiet { print("server-append --acked: \(clients) clients x \(count): \(clients * count - unacknowledged) acknowledged (\(resent) after resending), \(unacknowledged) not") }
        return unacknowledged == 0 ? 0 : 1
    }
}
