import Foundation
import XCTest

/// `bscdesk import` as a supervisor runs it: the real binary on a
/// generated ServiceNow event log, killed halfway with SIGKILL and run
/// again.
final class ImportEndToEndTests: XCTestCase {
    /// Journal lines without what differs between two runs: when each was
    /// written (`ts`) and the hash chaining on it (`h`).
    func journalLines(_ desk: Bscdesk) throws -> [String] {
        let dir = desk.data + "/journal"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted()
        var out: [String] = []
        for f in files {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            for line in text.split(separator: "\n") {
                var s = String(line)
                if let r = s.range(of: #""ts":"[^"]*","#, options: .regularExpression) { s.removeSubrange(r) }
                if let r = s.range(of: #","h":"[0-9a-f]*""#, options: .regularExpression) { s.removeSubrange(r) }
                out.append(s)
            }
        }
        return out
    }

    /// The journal's events as each data directory decrypts them, without
    /// what depends on that directory's own keys (ciphertext, blind
    /// indexes) or on when a line was written (`ts`, `h`): two imports of
    /// one file into two data directories must agree on everything else.
    func comparableEvents(_ desk: Bscdesk) throws -> [String] {
        try desk.journalObjects().map { object in
            var o = object
            for k in ["ts", "h", "enc", "xn", "xr", "xt"] { o[k] = nil }
            return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    func generate(tickets: Int) throws -> String {
        let file = try TempDir.make() + "/incident_event_log.csv"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Bscdesk.bench)
        p.arguments = ["gen-servicenow", "--tickets", String(tickets), "--out", file]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return file
    }

    func testKilledHalfwayThenRunAgainGivesTheSameJournalAndReimportAddsNothing() throws {
        let file = try generate(tickets: 12_000)
        // Uninterrupted.
        let whole = try Bscdesk.fresh()
        let a = try whole.run(["import", "servicenow", file, "--yes"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stdout.contains("Imported 12000 tickets"), a.stdout)
        XCTAssertTrue(a.stderr.contains("bscdesk: import: "), "plain progress lines when not a terminal: \(a.stderr)")
        let expected = try comparableEvents(whole)
        let wholeLines = try journalLines(whole)
        XCTAssertGreaterThan(expected.count, 60_000)

        // Killed with SIGKILL as soon as the first append has landed.
        let killed = try Bscdesk.fresh()
        _ = try killed.run(["list"])  // the data directory, as a first run makes it
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Bscdesk.binary)
        p.arguments = ["import", "servicenow", file, "--yes"]
        p.environment = killed.environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let journal = killed.data + "/journal"
        let deadline = Date().addingTimeInterval(120)
        func journalBytes() -> Int {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []
            return files.filter { $0.hasSuffix(".jsonl") }.reduce(0) { total, f in
                total + ((try? FileManager.default.attributesOfItem(atPath: journal + "/" + f)[.size] as? Int) ?? 0)
            }
        }
        while journalBytes() == 0 && p.isRunning && Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the import ended before it could be killed halfway; the test needs a larger file")
        let partial = try journalLines(killed)
        XCTAssertGreaterThan(partial.count, 0)
        XCTAssertLessThan(partial.count, expected.count, "the kill came after the import finished: nothing was interrupted")

        // Run again: it carries on, and the journal is the uninterrupted one.
        let b = try killed.run(["import", "servicenow", file, "--yes"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stdout.contains("already imported (skipped): "), b.stdout)
        let resumed = try comparableEvents(killed)
        XCTAssertEqual(resumed.count, expected.count)
        // The first line that differs, if any (not the whole journal).
        let firstDifference = zip(resumed, expected).enumerated().first { $0.element.0 != $0.element.1 }
        XCTAssertNil(firstDifference.map { "line \($0.offset + 1): \($0.element.0) != \($0.element.1)" })
        let verify = try killed.run(["verify"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)

        // The same file again adds nothing.
        let again = try whole.run(["import", "servicenow", file, "--yes"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("to write: 0 tickets, 0 events"), again.stdout)
        XCTAssertTrue(try journalLines(whole) == wholeLines, "a re-import changed the journal")
    }

    /// The bytes of `file` that `bscdesk args` reads, summed over every
    /// thread's pread64 calls as strace sees them (one trace file per
    /// thread, so no call is split across lines).
    func bytesRead(of file: String, _ desk: Bscdesk, _ args: [String]) throws -> Int {
        guard access("/usr/bin/strace", X_OK) == 0 else {
            throw TestFailure("this test counts the import's reads with strace, which is missing: apt-get install strace; it does not skip")
        }
        let dir = try TempDir.make()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        p.arguments = ["-ff", "-y", "-qq", "-e", "trace=pread64", "-o", dir + "/trace", Bscdesk.binary] + args
        p.environment = desk.environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "bscdesk \(args) under strace")
        let real = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        var total = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasPrefix("trace.") {
            for line in try String(contentsOfFile: dir + "/" + name, encoding: .utf8).split(separator: "\n")
            where line.hasPrefix("pread64(") && line.contains("<\(real)>") {
                guard let eq = line.range(of: " = ", options: .backwards), let n = Int(line[eq.upperBound...].prefix { $0.isNumber }) else {
                    throw TestFailure("a pread64 line without its result: \(line)")
                }
                total += n
            }
        }
        return total
    }

    /// `--yes` reads the export twice, not three times: once as it is
    /// opened (its digest, UTF-8, where records end, whether each
    /// incident's rows are together) and once to parse, count and write.
    /// So does `--dry-run` (open, then the plan). Counted in bytes read,
    /// not in time.
    func testYesParsesTheExportOnce() throws {
        let file = try generate(tickets: 2_000)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        let desk = try Bscdesk.fresh()
        XCTAssertEqual(try bytesRead(of: file, desk, ["import", "servicenow", file, "--dry-run"]), 2 * size, "--dry-run: open and plan")
        XCTAssertEqual(try bytesRead(of: file, desk, ["import", "servicenow", file, "--yes"]), 2 * size, "--yes: open and one reading")
        XCTAssertTrue(try desk.run(["show", "INC0000001"]).stdout.contains("servicenow INC0000001"))
        // Written in that one reading; again, nothing to write.
        let again = try desk.run(["import", "servicenow", file, "--yes"])
        XCTAssertTrue(again.stdout.contains("already imported (skipped): 2000 tickets") && again.stdout.contains("Nothing to write."), again.stdout)
    }

    func testDryRunRejectsConfirmationAndRoles() throws {
        let desk = try Bscdesk.fresh()
        let dir = try TempDir.make()
        let file = dir + "/log.csv"
        try """
        number,incident_state,reassignment_count,reopen_count,sys_mod_count,caller_id,opened_at,sys_updated_at,contact_type,category,assignment_group,assigned_to,resolved_at,closed_at
        INC0000001,New,0,0,0,Caller 1,1/3/2016 10:00,1/3/2016 10:00,Phone,Category 1,Group 1,?,?,?
        INC0000001,Resolved,0,0,1,Caller 1,1/3/2016 10:00,1/3/2016 10:30,Phone,Category 1,Group 1,?,1/3/2016 10:30,?
        ?,New,0,0,0,Caller 2,1/3/2016 11:00,1/3/2016 11:00,Phone,Category 1,Group 1,?,?,?
        INC0000003,New,0,0,0,=cmd|' /C calc'!A0,31/2/2016 11:00,1/3/2016 11:00,Phone,Category 1,Group 1,?,?,?

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let dry = try desk.run(["import", "servicenow", file, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("rejected rows: 2"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("to write: 1 tickets, 2 events"), dry.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".rejects.csv"))
        let written = FileManager.default.fileExists(atPath: desk.data + "/journal") ? try journalLines(desk) : []
        XCTAssertEqual(written, [])

        // A mapping with the file's values, then used.
        let map = dir + "/map.toml"
        let written2 = try desk.run(["import", "servicenow", file, "--write-mapping", map])
        XCTAssertEqual(written2.status, 0, written2.stderr)
        let mapText = try String(contentsOfFile: map, encoding: .utf8)
        XCTAssertTrue(mapText.contains(#""Category 1" = "cs.general-enquiry""#), mapText)
        XCTAssertTrue(mapText.contains(#""Group 1" = "payroll""#), mapText)
        XCTAssertTrue(try String(contentsOfFile: map + ".categories.toml", encoding: .utf8).contains(#"name = "Category 1""#))
        let mapped = try desk.run(["import", "servicenow", file, "--mapping", map, "--dry-run"])
        XCTAssertEqual(mapped.status, 0, mapped.stderr)
        try (mapText + "\n[extra]\n").write(toFile: map, atomically: true, encoding: .utf8)
        let badMap = try desk.run(["import", "servicenow", file, "--mapping", map, "--dry-run"])
        XCTAssertEqual(badMap.status, 64)
        XCTAssertTrue(badMap.stderr.contains("extra: unknown key"), badMap.stderr)

        // No terminal to answer the question: refused, nothing written.
        let ask = try desk.run(["import", "servicenow", file])
        XCTAssertEqual(ask.status, 64, ask.stderr)
        XCTAssertTrue(ask.stderr.contains("--yes"), ask.stderr)

        let ok = try desk.run(["import", "servicenow", file, "--yes"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        XCTAssertTrue(rejects.hasPrefix("line,reason,number,incident_state"), rejects)
        XCTAssertTrue(rejects.contains("4,number is missing,"), rejects)
        XCTAssertTrue(rejects.contains(#"5,"opened_at ""31/2/2016 11:00"" is not a date"#), rejects)
        // A formula in a rejected cell is not left for a spreadsheet to run.
        XCTAssertTrue(rejects.contains("'=cmd"), rejects)

        let show = try desk.run(["show", "INC0000001"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("servicenow INC0000001"), show.stdout)
        let list = try desk.run(["list", "--caller", "INC0000001"])
        XCTAssertTrue(list.stdout.contains("BSC-000001"), list.stdout)
        let stats = try desk.run(["stats", "--period", "2016-03", "--by", "source-category"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertTrue(stats.stdout.contains("FCR is unknown for 1 imported tickets"), stats.stdout)
        XCTAssertTrue(stats.stdout.contains("Category 1"), stats.stdout)

        // Agents and team leaders may not import.
        let config = desk.data + "/bscdesk.toml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try (text + "\n[users.ann]\nrole = \"team-leader\"\nqueues = [\"customer-services\"]\n").write(toFile: config, atomically: false, encoding: .utf8)
        let agent = try desk.as("ann").run(["import", "servicenow", file, "--yes"])
        XCTAssertEqual(agent.status, 77, agent.stderr)

        // Unknown format: one line naming what is allowed.
        let bad = try desk.run(["import", "remedy", file])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("use servicenow"), bad.stderr)

        // Void: one event, the batch leaves every view.
        let batch = try XCTUnwrap(ok.stdout.range(of: #"imp-[0-9a-f]{12}"#, options: .regularExpression).map { String(ok.stdout[$0]) })
        let void = try desk.run(["import", "--void", batch])
        XCTAssertEqual(void.status, 0, void.stderr)
        XCTAssertTrue(try desk.run(["list"]).stdout.contains("(no tickets match)"))
        XCTAssertEqual(try desk.run(["verify"]).status, 0)
    }
}
