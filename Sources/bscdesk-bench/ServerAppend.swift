import BSCClient
import BSCProtocol
import Foundation

/// `bscdesk-bench server-append --socket PATH [--clients N] [--count M]`
/// logs calls through a running team server from N connections at once,
/// M each, and prints append latency (p50, p99) and throughput. Exit 1 if
/// any append was not acknowledged.
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
        let perClient = count
        let lock = NSLock()
        nonisolated(unsafe) var latencies: [Double] = []
        nonisolated(unsafe) var failures: [String] = []
        let started = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: clients) { worker in
            var mine: [Double] = []
            var failed: [String] = []
            do {
                let c = try DeskClient(path: path, client: "bscdesk-bench")
                for i in 0..<perClient {
                    let t0 = ContinuousClock.now
                    let r = try c.run(Request(id: 0, eventId: EventIds.random(), log: call(worker * perClient + i)))
                    let d = ContinuousClock.now - t0
                    mine.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                    if r.status != 0 { failed.append(r.error ?? "status \(r.status)") }
                }
            } catch {
                failed.append("\(error)")
            }
            lock.lock()
            latencies += mine
            failures += failed
            lock.unlock()
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print(String(format: "server-append: %d clients x %d: %d acknowledged, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f appends/s",
                     clients, count, latencies.count - failures.count, failures.count, pct(0.5), pct(0.99), sorted.last ?? 0,
                     Double(latencies.count) / max(seconds, 0.001)))
        for f in failures.prefix(5) { FileHandle.standardError.write("bscdesk-bench: \(f)\n".data(using: .utf8)!) }
        return failures.isEmpty && latencies.count == clients * count ? 0 : 1
    }

    /// `--acked FILE [--deadline S]`: the failover test's clients. Each
    /// request keeps its event id until the server acknowledges it: a
    /// lost connection, a server restarting or a database failing over
    /// get the same request again (reconnecting), so nothing is lost and
    /// nothing is saved twice. Each acknowledged event id is written to
    /// FILE (one line each, flushed) only after its answer arrived. Exit 1
    /// if any request was still unacknowledged at the deadline.
    static func resubmitting(socket: String, clients: Int, count: Int, acked: String, deadline: Double) -> Int32 {
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
        print("server-append --acked: \(clients) clients x \(count): \(clients * count - unacknowledged) acknowledged (\(resent) after resending), \(unacknowledged) not")
        return unacknowledged == 0 ? 0 : 1
    }
}
