import Foundation
import Testing

/// Files someone placed in the data directory on purpose or by accident (a
/// link, a directory, a FIFO where a file belongs) are never followed,
/// never waited on and never stop the commands that do not need them.
@Suite("Hostile files")
struct HostileFilesTests {
    /// The segment a write made now goes to.
    static var currentSegment: String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month], from: Date())
        return String(format: "%04d-%02d.jsonl", c.year!, c.month!)
    }

    /// Runs the real binary with stdout and stderr in files, and gives it
    /// `seconds` to finish; one still running then is killed and reported.
    func runWithDeadline(_ desk: Bscdesk, _ args: [String], seconds: Double = 2) throws -> (finished: Bool, result: Bscdesk.Result) {
        let dir = try TempDir.make()
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Bscdesk.binary)
        p.arguments = args
        p.environment = desk.environment
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        let finished = !p.isRunning
        if !finished {
            kill(p.processIdentifier, SIGKILL)
        }
        p.waitUntilExit()
        let out = (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
        return (finished, .init(status: finished ? p.terminationStatus : -1, stdout: out, stderr: err))
    }

    func mkfifo(_ path: String) throws {
        guard Foundation.mkfifo(path, 0o600) == 0 else { throw TestFailure("mkfifo \(path): \(String(cString: strerror(errno)))") }
    }

    /// Issue 15, item 1: `journal/<this month>.jsonl` linked to a file
    /// outside the data directory whose last line is unterminated. The old
    /// code cut that line into torn/ and appended an event to the victim.
    @Test func aSymlinkedSegmentIsNeverWrittenThrough() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let victim = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/victim"
        let original = Data("root:x:0:0:root:/root:/bin/bash\nunterminated last line".utf8)
        try original.write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createDirectory(atPath: desk.journalDirectory, withIntermediateDirectories: true)
        let link = desk.journalDirectory + "/" + Self.currentSegment
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)

        let r = try desk.run(["log", "--caller", "A", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "x"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) == original, "the victim file was changed")
        #expect(r.status != 0, "log wrote somewhere: \(r.stdout)")
        #expect(r.stderr.contains("is a symbolic link"), "\(r.stderr)")
        #expect(r.stderr.contains(Self.currentSegment), "\(r.stderr)")
        let torn = desk.journalDirectory + "/torn"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: torn)) ?? []).isEmpty, "something was cut into torn/")
        // Readers skip it and say so.
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 1, "\(doctor.stdout)")
        #expect(doctor.stdout.contains(Self.currentSegment + ": is a symbolic link"), "\(doctor.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) == original)
    }

    /// Item 1: a linked journal/ directory is refused as a whole.
    @Test func aSymlinkedJournalDirectoryIsRefused() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let elsewhere = try TempDir.make()
        try? FileManager.default.removeItem(atPath: desk.journalDirectory)
        try FileManager.default.createSymbolicLink(atPath: desk.journalDirectory, withDestinationPath: elsewhere)
        let r = try desk.run(["log", "--caller", "A", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "x"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("journal is a symbolic link"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    /// Item 2 of the issue: `mkdir journal/2026-01.jsonl` made doctor, list,
    /// stats and verify exit 74.
    @Test func aDirectoryNamedLikeASegmentIsReportedAndSkipped() throws {
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(summary: "kept")
        try FileManager.default.createDirectory(atPath: desk.journalDirectory + "/2026-01.jsonl", withIntermediateDirectories: false)
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 1, "\(doctor.stderr)")
        #expect(doctor.stdout.contains("2026-01.jsonl: is a directory, not a regular file; skipped"), "\(doctor.stdout)")
        let list = try desk.run(["list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains(ref))
        #expect(list.stderr.contains("2026-01.jsonl: is a directory"), "\(list.stderr)")
        let stats = try desk.run(["stats"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let verify = try desk.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.contains("note: journal/2026-01.jsonl: is a directory"), "\(verify.stdout)")
        #expect(verify.stdout.contains("checked 1 events"), "\(verify.stdout)")
        // Writing goes on beside it.
        _ = try desk.log(summary: "after")
    }

    /// Item 3: a FIFO as the snapshot hung `list` and `stats` for ever.
    @Test func aFIFOSnapshotDoesNotHang() throws {
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(summary: "kept")
        try FileManager.default.createDirectory(atPath: desk.data + "/cache", withIntermediateDirectories: true)
        try mkfifo(desk.data + "/cache/snapshot.bin")
        for args in [["list"], ["stats"], ["doctor"]] {
            let (finished, r) = try runWithDeadline(desk, args)
            #expect(finished, "\(args) still running after 2 s: it waits on the FIFO")
            #expect(r.status == 0, "\(args): \(r.stderr)")
            if args == ["list"] { #expect(r.stdout.contains(ref)) }
        }
    }

    /// Item 3: a FIFO as bscdesk.toml: refused at once with its name.
    @Test func aFIFOConfigurationDoesNotHang() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "kept")
        let config = desk.data + "/bscdesk.toml"
        try FileManager.default.removeItem(atPath: config)
        try mkfifo(config)
        for args in [["list"], ["stats"], ["categories"]] {
            let (finished, r) = try runWithDeadline(desk, args)
            #expect(finished, "\(args) still running after 2 s: it waits on the FIFO")
            #expect(r.status != 0)
            #expect(r.stderr.contains("bscdesk.toml is a FIFO, not a regular file"), "\(args): \(r.stderr)")
        }
    }

    /// A symlinked configuration is refused, not followed.
    @Test func aSymlinkedConfigurationIsRefused() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let config = desk.data + "/bscdesk.toml"
        let moved = desk.data + "/../elsewhere.toml"
        try FileManager.default.moveItem(atPath: config, toPath: moved)
        try FileManager.default.createSymbolicLink(atPath: config, withDestinationPath: moved)
        let r = try desk.run(["categories"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("bscdesk.toml is a symbolic link"), "\(r.stderr)")
    }

    /// Issue 15, item 6: an empty `journal/2099-01.jsonl` or `2026-13.jsonl`
    /// received every new event, and doctor said ok.
    @Test func segmentNamesMustBeARealMonthNotInTheFuture() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        for name in ["2099-01.jsonl", "2026-13.jsonl", "2026-00.jsonl"] {
            _ = FileManager.default.createFile(atPath: desk.journalDirectory + "/" + name, contents: nil)
        }
        _ = try desk.log(summary: "second")
        for name in ["2099-01.jsonl", "2026-13.jsonl", "2026-00.jsonl"] {
            let size = try FileManager.default.attributesOfItem(atPath: desk.journalDirectory + "/" + name)[.size] as! Int
            #expect(size == 0, "\(name) was written into")
        }
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("2099-01.jsonl: is named for a month after the current one"), "\(doctor.stdout)")
        // A planted later segment with content stops writing, saying why.
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: desk.journalDirectory + "/2099-01.jsonl"))
        let refused = try desk.run(["log", "--caller", "A", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "x"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("a month after the current one"), "\(refused.stderr)")
        #expect(doctor.stdout.contains("2026-13.jsonl: is not a segment name"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("2026-00.jsonl: is not a segment name"), "\(doctor.stdout)")
        let list = try desk.run(["list", "--format", "json"])
        #expect(list.stdout.contains("second"))
    }
}
