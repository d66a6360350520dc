import Foundation
import Testing

/// The fault campaigns of the reliability issue, on the real binary and
/// real files. Each prints its counts; every acknowledged event must survive
/// and nothing partial may be left by a live writer.
@Suite("Fault campaigns", .serialized)
struct FaultCampaignTests {
    static func report(_ name: String, rounds: Int, faults: Int, acknowledged: Int, lost: Int) {
        print("fault campaign \(name): rounds \(rounds), faults injected \(faults), events acknowledged \(acknowledged), events lost \(lost)")
    }

    func shell(_ script: String, env: [String: String]) throws -> Bscdesk.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        var e = env
        e["BIN"] = Bscdesk.binary
        e["BENCH"] = Bscdesk.bench
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let r = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: r, as: UTF8.self))
    }

    /// Summaries ("label-N …") present in the journal.
    func savedTags(_ desk: Bscdesk) throws -> Set<String> {
        var tags = Set<String>()
        // Summaries are encrypted (docs/data-protection.md): decrypted here
        // with the data directory's keys.
        for obj in try desk.journalObjects() {
            if let s = obj["summary"] as? String, let tag = s.split(separator: " ").first { tags.insert(String(tag)) }
        }
        return tags
    }

    func acknowledgedTags(_ stdout: String) -> Set<String> {
        Set(stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count >= 2 ? String(parts[1]) : nil
        })
    }

    func expectClean(_ desk: Bscdesk) throws {
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 0, "doctor: \(doctor.stdout)")
        let verify = try desk.run(["verify"])
        #expect(verify.status == 0, "verify: \(verify.stdout)")
    }

    func segmentPath(_ desk: Bscdesk) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).filter { $0.hasSuffix(".jsonl") }.sorted()
        return desk.journalDirectory + "/" + names.last!
    }

    /// ENOSPC and EIO injected into write, fdatasync and ftruncate of the
    /// journal file with strace, on the real binary.
    @Test func injectedIOErrors() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("fault campaign io-errors cannot run: /usr/bin/strace is not installed (.ci/run installs it)")
            return
        }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "seed-0 first")
        let cases: [(String, String, Int32, String)] = [
            ("write", "ENOSPC", 74, "No space left on device"),
            ("write", "EIO", 74, "Input/output error"),
            ("write", "EFBIG", 74, "File too large"),
            ("fdatasync", "EIO", 75, "outcome is unknown"),
            ("fdatasync", "ENOSPC", 75, "outcome is unknown"),
        ]
        var faults = 0
        var acknowledged = 1
        for (n, (call, errno, status, message)) in cases.enumerated() {
            let seg = try segmentPath(desk)
            let before = try desk.journalLines()
            let r = try shell("""
                strace -f -qq -o /dev/null -P '\(seg)' -e trace=write,fdatasync -e inject=\(call):error=\(errno):when=1 \
                  "$BIN" log --caller "Fault \(n)" --channel phone --category cs.general-enquiry --summary "fault-\(n) x"
                """, env: desk.environment)
            faults += 1
            #expect(r.status == status, "\(call) \(errno): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(call) \(errno): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(r.stdout.isEmpty, "no reference may be printed for an unsaved event")
            if call == "write" {
                #expect(try desk.journalLines() == before, "a failed write must leave nothing behind")
            }
            // A restart is clean.
            _ = try desk.log(summary: "after-\(n) ok")
            acknowledged += 1
            try expectClean(desk)
        }
        // ftruncate fails while rolling back a short write: the outcome is
        // unknown and said so.
        let seg = try segmentPath(desk)
        let r = try shell("""
            ulimit -f $(( ($(stat -c %s '\(seg)') + 200) / 512 ))
            strace -f -qq -o /dev/null -P '\(seg)' -e trace=ftruncate -e inject=ftruncate:error=EIO \
              "$BENCH" stress-append --count 50 --summary-bytes 3000 --label trunc
            """, env: desk.environment)
        faults += 1
        #expect(r.status != 0)
        #expect(r.stderr.contains("outcome is unknown") || r.stderr.contains("could not save"), "\(r.stderr)")
        // The cut could not be rolled back: the next writer moves the
        // fragment aside and says so.
        let next = try desk.run(["log", "--caller", "Next", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "next-0 x"])
        #expect(next.status == 0)
        if r.stderr.contains("outcome is unknown") { #expect(next.stderr.contains("repaired the journal"), "\(next.stderr)") }
        try expectClean(desk)
        let saved = try savedTags(desk)
        let acked = acknowledgedTags(r.stdout)
        #expect(acked.isSubset(of: saved))
        acknowledged += acked.count
        Self.report("io-errors", rounds: cases.count + 1, faults: faults, acknowledged: acknowledged, lost: acked.subtracting(saved).count)
    }

    /// `ulimit -f` makes writes short (EFBIG): the partial write is rolled
    /// back and reported; every acknowledged event is there.
    @Test func shortWritesFromAFileSizeLimit() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "seed-0 first")
        var faults = 0, acknowledged = 0, lost = 0
        for round in 0..<5 {
            let seg = try segmentPath(desk)
            let r = try shell("""
                ulimit -f $(( ($(stat -c %s '\(seg)') + 20000 + \(round) * 3000) / 512 ))
                "$BENCH" stress-append --count 1000 --summary-bytes 3500 --label s\(round)
                """, env: desk.environment)
            faults += 1
            #expect(r.status == 74, "\(r.stderr)")
            #expect(r.stderr.contains("could not save"), "\(r.stderr)")
            let acked = acknowledgedTags(r.stdout)
            let saved = try savedTags(desk)
            acknowledged += acked.count
            lost += acked.subtracting(saved).count
            try expectClean(desk)
        }
        #expect(lost == 0)
        Self.report("file-size-limit", rounds: 5, faults: faults, acknowledged: acknowledged, lost: lost)
    }

    /// A real full disk: a tiny tmpfs. Fails, saying why, where mounting is
    /// not allowed.
    @Test func realFullDisk() throws {
        let base = try TempDir.make()
        let mnt = base + "/small"
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let mount = try shell("mount -t tmpfs -o size=192k tmpfs '\(mnt)'", env: ProcessInfo.processInfo.environment)
        guard mount.status == 0 else {
            Issue.record("fault campaign full-disk cannot run: cannot mount a tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); run as root")
            return
        }
        defer { _ = try? shell("umount '\(mnt)'", env: ProcessInfo.processInfo.environment) }
        let desk = Bscdesk(data: mnt + "/data")
        _ = try desk.log(summary: "seed-0 first")
        let r = try desk.run(["stress-append", "--count", "100000", "--summary-bytes", "2000", "--label", "full"], binary: Bscdesk.bench)
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains("No space left on device") || r.stderr.contains("disk full"), "\(r.stderr)")
        let acked = acknowledgedTags(r.stdout)
        let saved = try savedTags(desk)
        #expect(acked.count > 5)
        #expect(acked.isSubset(of: saved))
        let doctor = try desk.run(["doctor"])
        #expect(!doctor.stdout.contains("torn tail"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("damaged lines: none"), "\(doctor.stdout)")
        Self.report("full-disk", rounds: 1, faults: 1, acknowledged: acked.count, lost: acked.subtracting(saved).count)
    }

    /// A lock holder stopped with SIGSTOP: others time out with a clear
    /// message and save nothing; once it resumes, writing works again.
    @Test func stoppedLockHolder() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "seed-0 first")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-x", desk.journalDirectory + "/.lock", "-c", "kill -STOP $$; true"]
        try holder.run()
        usleep(300_000)
        let before = try desk.journalLines()
        let r = try desk.run(["log", "--caller", "Blocked", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "blocked"])
        #expect(r.status == 74)
        #expect(r.firstErrorLine.contains("locked by another bscdesk process"), "\(r.stderr)")
        #expect(r.firstErrorLine.contains("nothing was saved"))
        #expect(try desk.journalLines() == before)
        // Resume the stopped shell (flock's own child, found by its parent's
        // pid, never by name); the lock is released when it exits.
        _ = try shell("pkill -CONT -P \(holder.processIdentifier) ; true", env: ProcessInfo.processInfo.environment)
        holder.waitUntilExit()
        _ = try desk.log(summary: "after-0 resumed")
        Self.report("stopped-lock-holder", rounds: 1, faults: 1, acknowledged: 2, lost: 0)
    }

    /// 16 writers at once: nothing lost, nothing duplicated, references unique.
    @Test func sixteenConcurrentWriters() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        var procs: [(Process, Pipe)] = []
        for w in 0..<16 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Bscdesk.bench)
            p.arguments = ["stress-append", "--count", "60", "--label", "c\(w)"]
            p.environment = desk.environment
            let out = Pipe()
            p.standardOutput = out
            procs.append((p, out))
        }
        for (p, _) in procs { try p.run() }
        var refs: [String] = []
        var acked = Set<String>()
        for (p, out) in procs {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            refs += text.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
            acked.formUnion(acknowledgedTags(text))
        }
        #expect(refs.count == 960)
        #expect(Set(refs).count == 960)
        let saved = try savedTags(desk)
        #expect(acked.isSubset(of: saved))
        try expectClean(desk)
        Self.report("16-writers", rounds: 1, faults: 0, acknowledged: acked.count, lost: acked.subtracting(saved).count)
    }
}
