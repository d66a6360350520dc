import Foundation
import Testing

/// deploy/backup.sh: a copy taken while a line is still being written
/// verifies, and records the head that `verify` prints for the copy.
@Suite("deploy/backup.sh")
struct DeployBackupTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/backup.sh").path

    @Test func aCopyTakenMidWriteVerifiesAndRecordsItsHead() throws {
        let desk = try Bscdesk.fresh()
        for n in 0..<5 { _ = try desk.log(caller: "Backup Caller \(n)") }
        let before = try desk.run(["verify"])
        #expect(before.status == 0, "\(before.stderr)")
        // A writer caught mid-line: half an event, no newline.
        let segment = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).filter { $0.hasSuffix(".jsonl") }.sorted().last!
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: desk.journalDirectory + "/" + segment))
        h.seekToEndOfFile()
        h.write(Data("{\"v\":1,\"seq\":6,\"id\":\"half".utf8))
        try h.close()

        let dest = try TempDir.make() + "/copy"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Self.script, desk.data, dest, "tester"]
        var env = ProcessInfo.processInfo.environment
        env["BSCDESK"] = Bscdesk.binary
        env["TZ"] = "UTC"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")

        let head = try String(contentsOfFile: dest + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head.count == 64)
        #expect(before.stdout.contains("head: \(head) (seq 5)"), "\(before.stdout) vs \(head)")
        let copied = try String(contentsOfFile: dest + "/journal/" + segment, encoding: .utf8)
        #expect(copied.hasSuffix("\n"))
        #expect(!copied.contains("\"half"))
        // The source keeps its partial line: a backup never writes there.
        let source = try String(contentsOfFile: desk.journalDirectory + "/" + segment, encoding: .utf8)
        #expect(source.hasSuffix("\"half"))

        // A second run into the same place is refused, writing nothing.
        let again = Process()
        again.executableURL = URL(fileURLWithPath: "/bin/bash")
        again.arguments = [Self.script, desk.data, dest, "tester"]
        again.environment = env
        again.standardOutput = FileHandle.nullDevice
        again.standardError = FileHandle.nullDevice
        try again.run()
        again.waitUntilExit()
        #expect(again.terminationStatus == 73)
    }
}
