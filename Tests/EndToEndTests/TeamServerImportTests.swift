import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk import` through a real team server, as real OS users (protocol
/// version 4): the supervisor's process reads the export from a folder the
/// service account cannot enter and writes the rejects and the mapping as
/// the supervisor; the server plans and writes with the same importer, so
/// the answer is the in-process one. Needs root.
@Suite("Team server: import", .serialized)
struct TeamServerImportTests {
    func owner(_ path: String) -> (uid: uid_t, mode: mode_t)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (st.st_uid, st.st_mode & 0o777)
    }

    @Test func aSupervisorImportsAnExportOnlyTheyCanRead() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, sup) = (t.f.amy, t.f.sup)
        // The export, in a folder of sup's own (0700): the server's account
        // cannot open it, so only the client's reading can make this work.
        let folder = t.f.root + "/exports"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let file = folder + "/incident_event_log.csv"
        let gen = try TeamServerFixture.command(Bscdesk.bench, ["gen-servicenow", "--tickets", "300", "--out", file])
        try TeamServerFixture.check(gen, "gen-servicenow")
        // One row the importer must reject: too few fields.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        h.seekToEndOfFile()
        h.write("INC9999999,not a row\n".data(using: .utf8)!)
        try h.close()
        try TeamServerFixture.check(TeamServerFixture.command("/bin/chown", ["-R", sup, folder]), "chown")
        chmod(folder, 0o700)
        #expect(try t.f.runAs(t.f.service, ["/bin/cat", file]).status != 0, "the service account can read the export, so this test could not fail")
        let uidOfSup = try #require(getpwnam(sup)?.pointee.pw_uid)
        let eventsBefore = try t.f.journal().count

        // amy can neither read sup's export nor import (the server says so).
        let byAgent = try t.f.client(amy, ["import", "servicenow", file, "--yes"])
        #expect(byAgent.status == 64 && byAgent.stderr.contains("cannot import"), "\(byAgent.stderr)")
        let voidByAgent = try t.f.client(amy, ["import", "--void", "b1"])
        #expect(voidByAgent.status == 77 && voidByAgent.stderr.contains("import is for supervisors"), "\(voidByAgent.stderr)")

        let dry = try t.f.client(sup, ["import", "servicenow", file, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Dry run: nothing written.") && dry.stdout.contains("rejected rows: 1"), "\(dry.stdout)")
        #expect(owner(file + ".rejects.csv") == nil)
        let asked = try t.f.client(sup, ["import", "servicenow", file])
        #expect(asked.status == 64 && asked.stderr.contains("add --yes"), "\(asked.stderr)")
        #expect(try t.f.journal().count == eventsBefore)

        let run = try t.f.client(sup, ["import", "servicenow", file, "--yes"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Imported 300 tickets"), "\(run.stdout)")
        let rejects = try #require(owner(file + ".rejects.csv"), "no rejects file")
        #expect(rejects.uid == uidOfSup && rejects.mode == 0o600)
        #expect(try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8).contains("INC9999999"))
        #expect(try t.f.journal().count > eventsBefore + 300)

        // The same answer as in-process on the same file.
        let local = try t.local.as(sup).run(["import", "servicenow", file, "--yes", "--rejects", t.f.root + "/local.rejects.csv"])
        #expect(local.status == 0, "\(local.stderr)")
        func summary(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.contains("rejected rows written") } }
        #expect(summary(local.stdout) == summary(run.stdout), "in-process:\n\(local.stdout)\nserver:\n\(run.stdout)")
        let stats = try t.both(sup, ["stats", "--from", "2016-01-01", "--to", "2026-12-31", "--by", "channel"])
        #expect(ServerTwin.normalised(stats.server.stdout) == ServerTwin.normalised(stats.local.stdout))

        // Again: nothing more is written.
        let again = try t.f.client(sup, ["import", "servicenow", file, "--yes"])
        #expect(again.status == 0 && again.stdout.contains("Nothing to write."), "\(again.stdout)\(again.stderr)")

        // A default mapping, written by the client as sup.
        let mapping = folder + "/sn.toml"
        let mapped = try t.f.client(sup, ["import", "servicenow", file, "--write-mapping", mapping])
        #expect(mapped.status == 0, "\(mapped.stderr)")
        #expect(owner(mapping)?.uid == uidOfSup && owner(mapping + ".categories.toml")?.uid == uidOfSup)
        #expect(try String(contentsOfFile: mapping, encoding: .utf8).contains("--mapping sn.toml"))

        // Voided: the batch leaves every figure.
        guard let batchLine = run.stdout.split(separator: "\n").last(where: { $0.hasPrefix("Imported ") }),
              let batch = batchLine.split(separator: " ").last?.dropLast() else { throw TestFailure("no batch in \(run.stdout)") }
        let voided = try t.f.client(sup, ["import", "--void", String(batch)])
        #expect(voided.status == 0 && voided.stdout.contains("Voided import batch \(batch): 300 tickets"), "\(voided.stdout)\(voided.stderr)")

        // A link where the export should be is refused, as in-process.
        let link = folder + "/link.csv"
        #expect(symlink(file, link) == 0)
        let linked = try t.f.client(sup, ["import", "servicenow", link, "--dry-run"])
        #expect(linked.status == 64 && linked.stderr.split(separator: "\n").count == 1, "\(linked.stderr)")
    }

    /// An import's write does not hold the server for its length: it reads
    /// and builds stories off the request queue and queues each append
    /// (about 5,000 events) behind the requests that came meanwhile. A
    /// `log` sent while the import is written lands between its appends:
    /// imported events follow it in the journal. Before, the import was one
    /// request and the log's event came after every imported one. Checked
    /// by the journal's order, not by time.
    @Test func aLogSentDuringAnImportIsWrittenBetweenItsAppends() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, sup) = (t.f.amy, t.f.sup)
        let folder = t.f.root + "/exports"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let file = folder + "/incident_event_log.csv"
        try TeamServerFixture.check(TeamServerFixture.command(Bscdesk.bench, ["gen-servicenow", "--tickets", "12000", "--out", file]), "gen-servicenow")
        try TeamServerFixture.check(TeamServerFixture.command("/bin/chown", ["-R", sup, folder]), "chown")
        let journalDir = t.f.data + "/journal"
        func journalBytes() -> Int {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: journalDir)) ?? []
            return files.filter { $0.hasSuffix(".jsonl") }.reduce(0) { total, f in
                total + ((try? FileManager.default.attributesOfItem(atPath: journalDir + "/" + f)[.size] as? Int) ?? 0)
            }
        }
        let before = journalBytes()
        let (importing, output) = try t.f.spawnClient(sup, ["import", "servicenow", file, "--yes"], tag: "import")
        // Wait for the first append of the import to land.
        let deadline = Date().addingTimeInterval(300)
        while journalBytes() == before && importing.isRunning && Date() < deadline { usleep(5_000) }
        #expect(importing.isRunning, "the import ended before a log could be sent during it; the test needs a larger file")
        let sent = Date()
        let logged = try t.f.client(amy, ["log", "--caller", "Pat Doe", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "during the import"])
        let waited = Date().timeIntervalSince(sent)
        #expect(logged.status == 0, "\(logged.stderr)")
        let stillImporting = importing.isRunning
        importing.waitUntilExit()
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(importing.terminationStatus == 0 && text.contains("Imported 12000 tickets"), "\(text)")
        print("TeamServerImportTests: the log was answered in \(String(format: "%.2f", waited)) s during the import (import still running then: \(stillImporting))")

        let events = try t.f.journal()
        let ref = logged.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let logAt = try #require(events.firstIndex { $0["user"] as? String == amy && $0["ref"] as? String == ref }, "the log's event \(ref) is not in the journal")
        let importedAfter = events[(logAt + 1)...].filter { $0["batch"] != nil }.count
        let importedBefore = events[..<logAt].filter { $0["batch"] != nil }.count
        #expect(importedBefore > 0 && importedAfter > 0,
                "the log's event should fall between the import's appends: \(importedBefore) imported events before it, \(importedAfter) after")
        #expect(try t.f.client(sup, ["verify"]).status == 0)
    }
}
