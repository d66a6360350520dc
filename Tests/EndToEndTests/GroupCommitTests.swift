import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension TeamServerTests {
    /// Runs `body` while strace watches the server's `calls` (by default
    /// its writes to files and sockets and its syncs; with `inject`, an
    /// `-e inject=` rule for a fault), and returns the trace's lines:
    /// "PID TIME call(...) = n".
    func tracingServer(_ f: TeamServerFixture, calls: String = "write,writev,sendmsg,fdatasync", inject: String? = nil,
                       _ body: () throws -> Void) throws -> [String] {
        guard access("/usr/bin/strace", X_OK) == 0 else {
            throw TestFailure("this test watches the server's system calls with strace, which is missing: apt-get install strace (.ci/run does); it does not skip")
        }
        let trace = f.root + "/serve.strace"
        let strace = Process()
        // Through python3 to clear the signal mask the test runner's
        // thread passes on: strace keeps whatever was blocked at its start
        // blocked, and would never see the SIGINT that detaches it.
        strace.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        strace.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                            "/usr/bin/strace", "-f", "-ttt", "-y", "-s", "512", "-e", "trace=" + calls]
            + (inject.map { ["-e", "inject=" + $0] } ?? []) + ["-o", trace, "-p", "\(f.server!.processIdentifier)"]
        strace.standardOutput = FileHandle.nullDevice
        strace.standardError = FileHandle.nullDevice
        try strace.run()
        defer { if strace.isRunning { kill(strace.processIdentifier, SIGKILL) } }
        // strace says nothing when attached; give it a moment to be.
        usleep(700_000)
        try body()
        kill(strace.processIdentifier, SIGINT)
        // strace notices the signal when the server next stops in a system
        // call: one more request makes sure it does.
        _ = try f.client(f.amy, ["stats"])
        strace.waitUntilExit()
        return try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

/// Group commit and de-duplication across restarts, on a real server with
/// real OS users (see TeamServerTests).
extension TeamServerTests {
    /// 40 connections append at once while strace watches the server:
    /// fewer fdatasyncs than appends (one sync covers a group), and no
    /// answer naming a ticket leaves the server before a sync that came
    /// after that ticket's journal write.
    @Test func oneSyncCoversAGroupAndNoAnswerPrecedesItsSync() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        var bench = Bscdesk.Result(status: -1, stdout: "", stderr: "")
        let lines = try tracingServer(f) {
            bench = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--clients", "40", "--count", "5"])
        }
        #expect(bench.status == 0, "\(bench.stdout) \(bench.stderr)")

        var journalWrites: [(at: Double, refs: [String])] = []
        var syncs: [Double] = []
        var answers: [(at: Double, refs: [String])] = []
        for line in lines {
            // "PID 1700000000.123456 call(fd<path>, ...) = n"
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let at = Double(parts[1]) else { continue }
            let call = String(parts[2])
            if call.hasPrefix("fdatasync("), call.contains(".jsonl>") {
                syncs.append(at)
            } else if call.hasPrefix("write("), call.contains(".jsonl>") {
                journalWrites.append((at, Self.refs(in: call)))
            } else if call.contains("socket:[") || call.contains("UNIX"), call.hasPrefix("write") || call.hasPrefix("sendmsg") {
                let refs = Self.refs(in: call)
                if !refs.isEmpty { answers.append((at, refs)) }
            }
        }
        let appended = journalWrites.flatMap(\.refs)
        #expect(Set(appended).count == 200, "the trace shows \(Set(appended).count) tickets written, not 200 (trace: \(lines.count) lines)")
        #expect(!syncs.isEmpty)
        #expect(syncs.count < journalWrites.count, "\(syncs.count) syncs for \(journalWrites.count) appends: no group shared a sync")
        var written: [String: Double] = [:]
        for w in journalWrites { for r in w.refs where written[r] == nil { written[r] = w.at } }
        var checked = 0
        for a in answers {
            for r in a.refs {
                guard let w = written[r] else { continue }
                let synced = syncs.first { $0 >= w }
                #expect(synced != nil && synced! <= a.at, "\(r) was answered at \(a.at) before a sync after its write at \(w)")
                checked += 1
            }
        }
        #expect(checked >= 150, "only \(checked) answers could be matched to their tickets in the trace")
        print("group commit: \(journalWrites.count) appends, \(syncs.count) fdatasyncs, \(checked) answers checked after their sync")
    }

    static func refs(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let r = rest.range(of: "BSC-") {
            let digits = rest[r.upperBound...].prefix { $0.isNumber }
            if digits.count == 6 { out.append("BSC-" + digits) }
            rest = rest[r.upperBound...]
        }
        return out
    }

    /// A request written before the server stopped (cleanly, or by kill -9)
    /// and resent with the same event id after it came back is answered
    /// with the ticket it made, and nothing is written twice.
    @Test func aRequestResentAfterARestartIsNotWrittenTwice() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        let call = ["log", "--caller", "Restart Caller", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "before the restart"]
        let first = try f.client(f.amy, call + ["--event-id", "0123456789abcdef0123456789abcdef"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "BSC-000001\n")
        #expect(f.stopServer() == 0)
        try f.startServer()
        let again = try f.client(f.amy, call + ["--event-id", "0123456789abcdef0123456789abcdef"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "BSC-000001\n")
        #expect(again.stderr.contains("resent after the server restarted"))

        let second = try f.client(f.amy, call + ["--event-id", "fedcba9876543210fedcba9876543210"])
        #expect(second.stdout == "BSC-000002\n", "\(second.stderr)")
        kill(f.server!.processIdentifier, SIGKILL)
        f.server!.waitUntilExit()
        try f.startServer()
        let afterKill = try f.client(f.amy, call + ["--event-id", "fedcba9876543210fedcba9876543210"])
        #expect(afterKill.stdout == "BSC-000002\n", "\(afterKill.status): \(afterKill.stderr) server log: \(f.log())")
        // Another login may not claim someone's id, even across a restart.
        let other = try f.client(f.ben, ["note", "BSC-000002", "mine", "--event-id", "fedcba9876543210fedcba9876543210"])
        #expect(other.status == 65, "\(other.status) \(other.stderr)")
        #expect(try f.journal().count == 2)
    }
}
