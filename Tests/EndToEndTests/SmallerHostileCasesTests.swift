import Foundation
import Testing

/// The smaller findings of issue 15, item 10.
@Suite("Smaller hostile cases")
struct SmallerHostileCasesTests {
    func shell(_ script: String, _ desk: Bscdesk) throws -> Bscdesk.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        var env = desk.environment
        env["BIN"] = Bscdesk.binary
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// doctor listed only the first 50 damaged lines.
    @Test func doctorAllListsEveryDamagedLine() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        let seg = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).first { $0.hasSuffix(".jsonl") }!
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: desk.journalDirectory + "/" + seg))
        handle.seekToEndOfFile()
        handle.write(Data(String(repeating: "not json\n", count: 60).utf8))
        try handle.close()
        let capped = try desk.run(["doctor"])
        #expect(capped.status == 1)
        #expect(capped.stdout.contains("… and 10 more ('bscdesk doctor --all' lists every one)"), "\(capped.stdout)")
        let all = try desk.run(["doctor", "--all"])
        #expect(all.status == 1)
        #expect(all.stdout.contains(":61: "), "\(all.stdout)")
        #expect(!all.stdout.contains("more"), "\(all.stdout)")
    }

    /// show on an empty journal said "the newest is BSC-000001".
    @Test func showOnAnEmptyJournalSaysThereAreNoTickets() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let r = try desk.run(["show", "BSC-000001"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("there are no tickets yet"), "\(r.stderr)")
        #expect(!r.stderr.contains("newest"))
    }

    /// A disk-full repair left an empty 0-byte fragment in torn/: ENOSPC
    /// injected (strace) into the write of the fragment copy.
    @Test func aFailedFragmentCopyLeavesNothingInTorn() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("cannot run: /usr/bin/strace is not installed (.ci/run installs it)")
            return
        }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        let seg = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).first { $0.hasSuffix(".jsonl") }!
        let path = desk.journalDirectory + "/" + seg
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"v\":1,\"seq\":2,\"torn".utf8))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let size = before.count - 20
        let fragment = desk.journalDirectory + "/torn/\(seg).\(size).fragment"
        let r = try shell("""
            strace -f -qq -o /dev/null -P '\(fragment)' -e trace=write -e inject=write:error=ENOSPC \
              "$BIN" log --caller A --channel phone --category cs.general-enquiry --summary x
            """, desk)
        #expect(r.status != 0, "\(r.stderr)")
        #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
        let torn = (try? FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory + "/torn")) ?? []
        #expect(torn.isEmpty, "left behind: \(torn)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the segment was cut without a copy of its fragment")
        // Without the fault the next writer repairs it.
        _ = try desk.log(summary: "after")
        #expect(try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory + "/torn").count == 1)
    }
}
