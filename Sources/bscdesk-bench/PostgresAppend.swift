import BSCApp
import BSCCore
import BSCJournal
import BSCPostgres
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk-bench postgres-append --store URL [--count N] [--writers W]`:
/// append latency and throughput on a PostgreSQL store (docs/postgresql.md).
/// Each writer is a store of its own (one connection, as one server has),
/// appending one event at a time the way the team server does: read the
/// head, build, append, build again on a conflict. Latency is from the
/// first try to the commit. Run it on an empty database.
///
/// `--group N` appends as the team server does under load: the store holds
/// its appends open (`holdCommits`) and one COMMIT covers N of them, so
/// each append's latency runs to its group's commit.
enum PostgresAppend {
    static let usage = "usage: bscdesk-bench postgres-append --store postgresql://USER@HOST:PORT/DB [--count N] [--writers W] [--group N]"

    static func run(_ arguments: [String]) -> Int32 {
        var url: String?, count = 2000, writers = 1, group = 1
        var args = arguments[...]
        while let a = args.popFirst() {
            switch a {
            case "--store": url = args.popFirst()
            case "--count": count = args.popFirst().flatMap { Int($0) } ?? -1
            case "--writers": writers = args.popFirst().flatMap { Int($0) } ?? -1
            case "--group": group = args.popFirst().flatMap { Int($0) } ?? -1
            default:
                FileHandle.standardError.write("bscdesk-bench: unknown option \(a) for postgres-append; \(usage)\n".data(using: .utf8)!)
                return 64
            }
        }
        guard let url, count > 0, writers > 0, group > 0 else {
            FileHandle.standardError.write("bscdesk-bench: postgres-append needs --store, and whole numbers above 0; \(usage)\n".data(using: .utf8)!)
            return 64
        }
        do {
            let address = try PostgresAddress(parsing: url)
            let stores = (0..<writers).map { _ in PostgresEventStore(address: address, clock: SystemClock()) }
            try stores[0].prepare()
            let start = try stores[0].head()
            if start.tickets == 0 {
                let at = SystemClock().now()
                try stores[0].append([Event(id: RandomIds().fresh(), at: at, user: "bench", ref: TicketRef(1), body: .opened(
                    caller: Caller(name: "Bench Caller", type: .employee), category: "bench", queue: QueueID.customerServices, priority: .normal,
                    contact: ContactRecord(channel: .phone, summary: "bench", received: at), details: [:]))], expected: start.seq)
            }
            final class Results: @unchecked Sendable {
                let lock = NSLock()
                var latencies: [Double] = []
                var conflicts = 0
                var failure: String?
            }
            let results = Results()
            let per = count / writers
            let perCommit = group
            let t0 = Bench.now()
            DispatchQueue.concurrentPerform(iterations: writers) { w in
                let store = stores[w]
                var mine: [Double] = []
                var retried = 0
                if perCommit > 1 { _ = store.holdCommits() }
                var waiting: [Double] = []
                for i in 0..<per {
                    let begin = Bench.now()
                    while true {
                        do {
                            let head = try store.head()
                            let e = Event(id: RandomIds().fresh(), at: SystemClock().now(), user: "bench", ref: TicketRef(1), body: .noted(text: "bench \(w)-\(i)"))
                            try store.append([e], expected: head.seq)
                            break
                        } catch EventStoreError.conflict {
                            retried += 1
                        } catch {
                            results.lock.lock(); results.failure = "\(error)"; results.lock.unlock()
                            return
                        }
                    }
                    guard perCommit > 1 else {
                        mine.append((Bench.now() - begin) * 1000)
                        continue
                    }
                    waiting.append(begin)
                    if waiting.count == perCommit || i == per - 1 {
                        do { try store.commitHeld() } catch {
                            results.lock.lock(); results.failure = "\(error)"; results.lock.unlock()
                            return
                        }
                        let committed = Bench.now()
                        mine += waiting.map { (committed - $0) * 1000 }
                        waiting = []
                    }
                }
                results.lock.lock(); results.latencies += mine; results.conflicts += retried; results.lock.unlock()
            }
            let seconds = Bench.now() - t0
            var latencies = results.latencies
            let conflicts = results.conflicts
            if let failure = results.failure {
                FileHandle.standardError.write("bscdesk-bench: postgres-append failed: \(failure)\n".data(using: .utf8)!)
                return 74
            }
            latencies.sort()
            func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            let sync = (try? stores[0].setting("synchronous_commit")) ?? "?"
            print(String(format: "postgres-append: %d appends, %d writer(s), %d per commit, synchronous_commit=%@: %.0f appends/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d conflicts rebuilt",
                         latencies.count, writers, group, sync, Double(latencies.count) / seconds, pct(0.5), pct(0.99), latencies.last ?? 0, conflicts))
            return 0
        } catch {
            FileHandle.standardError.write("bscdesk-bench: postgres-append: \(error)\n".data(using: .utf8)!)
            return 74
        }
    }
}

extension RandomIds {
    /// One id, without keeping a generator.
    func fresh() -> String {
        var g = self
        return g.next()
    }
}
