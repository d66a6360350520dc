import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A new ticket's key is synced with its group (KeyStore.defersSync), not
/// one fsync per ticket: checked on a real server watched by strace, then
/// with a kill -9 (see TeamServerTests).
extension TeamServerTests {
    /// 40 connections open 200 tickets at once: every answer naming a
    /// ticket leaves after an fsync of a key file that followed that
    /// ticket's key write, key files take fewer fsyncs than keys written,
    /// and after a kill -9 every acknowledged ticket's key is in its file.
    @Test func aNewTicketsKeyIsSyncedWithItsGroupBeforeTheAnswer() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        var bench = Bscdesk.Result(status: -1, stdout: "", stderr: "")
        let lines = try tracingServer(f, calls: "write,writev,sendmsg,fsync,fdatasync") {
            bench = try f.runAs(f.amy, [Bscdesk.bench, "server-append", "--socket", f.socket, "--clients", "40", "--count", "5"])
        }
        #expect(bench.status == 0, "\(bench.stdout) \(bench.stderr)")

        var keyWritten: [String: Double] = [:]
        var keyWrites = 0
        var keySyncs: [Double] = []
        var answers: [(at: Double, refs: [String])] = []
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let at = Double(parts[1]) else { continue }
            let call = String(parts[2])
            if call.hasPrefix("fsync("), call.contains(".keys>") {
                keySyncs.append(at)
            } else if call.hasPrefix("write("), call.contains(".keys>") {
                keyWrites += 1
                for r in Self.refs(in: call) where keyWritten[r] == nil { keyWritten[r] = at }
            } else if call.contains("socket:[") || call.contains("UNIX"), call.hasPrefix("write") || call.hasPrefix("sendmsg") {
                let refs = Self.refs(in: call)
                if !refs.isEmpty { answers.append((at, refs)) }
            }
        }
        #expect(keyWritten.count == 200, "the trace shows \(keyWritten.count) tickets' keys written, not 200 (trace: \(lines.count) lines)")
        #expect(!keySyncs.isEmpty, "no key file was ever fsynced")
        #expect(keySyncs.count < keyWrites, "\(keySyncs.count) key fsyncs for \(keyWrites) keys written: each key still took its own")
        var checked = 0
        var acknowledged: Set<String> = []
        for a in answers {
            for r in a.refs {
                guard let w = keyWritten[r] else { continue }
                let synced = keySyncs.first { $0 >= w }
                #expect(synced != nil && synced! <= a.at, "\(r) was answered at \(a.at) before an fsync of a key file after its key was written at \(w)")
                acknowledged.insert(r)
                checked += 1
            }
        }
        #expect(checked >= 150, "only \(checked) answers could be matched to their tickets in the trace")

        // kill -9: every acknowledged ticket's key is in the key store.
        kill(f.server!.processIdentifier, SIGKILL)
        f.server!.waitUntilExit()
        var stored = ""
        let keys = f.data + "/keys/tickets"
        for name in try FileManager.default.contentsOfDirectory(atPath: keys) where name.hasSuffix(".keys") {
            stored += try String(contentsOfFile: keys + "/" + name, encoding: .utf8)
        }
        let withKeys = Set(stored.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        let lost = acknowledged.subtracting(withKeys)
        #expect(acknowledged.count >= 150 && lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged tickets have no key after kill -9: \(lost.sorted().prefix(5))")
        try f.startServer()
        let shown = try f.client(f.amy, ["show", acknowledged.sorted().last ?? "BSC-000001"])
        #expect(shown.status == 0 && shown.stdout.contains("Bench Caller"), "\(shown.status): \(shown.stdout) \(shown.stderr)")
    }
}
