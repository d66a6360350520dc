import BSCTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A group's sync that fails, on the real server: the sync runs off the
/// request queue while the next requests execute, so the appends it leaves
/// unknown are its own group's and those executed while it ran.
extension TeamServerTests {
    /// One fdatasync fails (strace injects EIO into the third). An append
    /// written before that sync returned is acknowledged only if a sync
    /// that began after its write, and before the failed one, covered it;
    /// the others are answered "outcome unknown".
    @Test func aFailedSyncAcknowledgesNoneOfTheAppendsItMayHaveLost() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        var bench = Bscdesk.Result(status: -1, stdout: "", stderr: "")
        let lines = try tracingServer(f, inject: "fdatasync:error=EIO:when=3") {
            bench = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--clients", "40", "--count", "5"])
        }
        #expect(bench.status == 1, "the bench saw no failure: \(bench.stdout)")
        #expect(!bench.stdout.contains(" 0 failed"), "\(bench.stdout)")
        #expect(bench.stderr.contains("outcome is unknown"), "failed appends must be answered 'outcome unknown': \(bench.stderr)")

        var written: [String: Double] = [:]
        var answered: [String: Double] = [:]
        var syncStarts: [String: Double] = [:]  // by pid: the last fdatasync begun
        var allStarts: [Double] = []
        var failed: (began: Double, ended: Double)? = nil
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let at = Double(parts[1]) else { continue }
            let pid = String(parts[0]), call = String(parts[2])
            if call.hasPrefix("fdatasync("), call.contains(".jsonl>") {
                syncStarts[pid] = at
                allStarts.append(at)
            }
            if call.contains("fdatasync"), call.contains("INJECTED") {
                failed = (syncStarts[pid] ?? at, at)
            } else if call.hasPrefix("write("), call.contains(".jsonl>") {
                for r in Self.refs(in: call) where written[r] == nil { written[r] = at }
            } else if call.contains("socket:[") || call.contains("UNIX"), call.hasPrefix("write") || call.hasPrefix("sendmsg") {
                for r in Self.refs(in: call) where answered[r] == nil { answered[r] = at }
            }
        }
        guard let failed else {
            Issue.record("the trace shows no injected fdatasync failure (\(lines.count) lines)")
            return
        }
        var lostUnacknowledged = 0
        for (r, w) in written where w < failed.ended {
            guard let a = answered[r] else {
                lostUnacknowledged += 1
                continue
            }
            // Its answer may reach the socket later (the event loop writes
            // it), but the sync that released it began after its write and
            // before the one that failed.
            #expect(allStarts.contains { $0 >= w && $0 < failed.began },
                    "\(r) was written at \(w), no sync before the failed one (\(failed.began)–\(failed.ended)) covered it, and it was acknowledged at \(a)")
        }
        #expect(lostUnacknowledged > 0, "no append was left unknown by the failed sync")
        print("failed sync: \(written.count) appends written, \(lostUnacknowledged) answered 'outcome unknown', \(answered.count) acknowledged")
    }
}
