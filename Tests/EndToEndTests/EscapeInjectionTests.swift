import Foundation
import Testing

/// Issue 15, item 9: text from the journal or the configuration reached the
/// terminal raw from the command line (the list table's CATEGORY column,
/// show's hand-off detail keys, CSV assignee and category, stats csv/md
/// and export files, `categories`, stderr warnings about damaged lines).
/// A payload of OSC 52, CSI 2J, C1 CSI and U+202E goes into every string
/// field of the journal and into queue and category names; every read
/// command in every format runs; nothing dangerous comes out.
@Suite("Escape injection across outputs")
struct EscapeInjectionTests {
    static let payload = "\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{9B}31m\u{202E}"

    static func dangerous(_ text: String) -> [String] {
        text.unicodeScalars.filter { s in
            let v = s.value
            return v == 0x1B || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || v == 0x200E || v == 0x200F || v == 0x061C
        }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
    }

    static var openedOnly: [String: Any] { ["caller": NSNull(), "caller_type": NSNull(), "category": NSNull(), "queue": NSNull(),
                                            "priority": NSNull(), "channel": NSNull(), "summary": NSNull(), "received": NSNull()] }

    func plantEverywhere(_ desk: Bscdesk) throws {
        let p = Self.payload
        // Python's json.loads turns JSON null into None: the planting script drops those keys.
        func without(_ extra: [String: Any]) -> [String: Any] { Self.openedOnly.merging(extra) { _, b in b } }
        try JournalPlanting.plant(desk, ["caller": "Eve \(p)", "caller_ref": "ref \(p)", "phone": "01 \(p)", "email": "e\(p)@x",
                                         "summary": "sum \(p)", "category": "cs.general-enquiry\(p)", "user": "agent\(p)",
                                         "details": ["key\(p)": "value \(p)"]])
        let ref = "BSC-000002"
        try JournalPlanting.plant(desk, without(["type": "ticket.noted", "ref": ref, "tickets": 2, "text": "note \(p)", "user": "u\(p)"]))
        try JournalPlanting.plant(desk, without(["type": "ticket.routed", "ref": ref, "tickets": 2, "queue": "payroll\(p)",
                                                 "details": ["k\(p)": "v\(p)"], "note": "n\(p)"]))
        try JournalPlanting.plant(desk, without(["type": "ticket.assigned", "ref": ref, "tickets": 2, "assignee": "bob\(p)"]))
        try JournalPlanting.plant(desk, without(["type": "ticket.corrected", "ref": ref, "tickets": 2, "field": "caller-name",
                                                 "from": "a\(p)", "to": "b\(p)"]))
        try JournalPlanting.plant(desk, without(["type": "contact.logged", "ref": ref, "tickets": 2, "channel": "phone",
                                                 "summary": "again \(p)", "received": "2026-11-02T09:00:00.000Z"]))
        try JournalPlanting.plant(desk, without(["type": "ticket.resolved", "ref": ref, "tickets": 2, "fcr": false, "note": "done \(p)"]))
        try JournalPlanting.plant(desk, without(["type": "ticket.reopened", "ref": ref, "tickets": 2, "reason": "back \(p)"]))
        try JournalPlanting.plant(desk, without(["type": "identity.verified", "ref": ref, "tickets": 2, "how": "asked \(p)"]))
        try JournalPlanting.plant(desk, without(["type": "config.changed", "ref": NSNull(), "tickets": 2, "field": "desk.name\(p)",
                                                 "from": "\"a\(p)\"", "to": "\"b\(p)\""]))
        // An imported ticket (BSC-000003) whose source fields carry the
        // payload, as `bscdesk import` writes them from another system's
        // export, and an erasure (of BSC-000004) whose reason does.
        try JournalPlanting.plant(desk, ["caller": "Imported \(p)", "source_at": Self.monthStart, "batch": "imp-0123456789ab",
                                         "source_system": "servicenow\(p)", "source_file": "incidents\(p).csv", "source_row": 2,
                                         "source_ref": "INC\(p)0001", "source_category": "Payroll\(p)"])
        try JournalPlanting.plant(desk, ["caller": "To Be Erased"])
        try JournalPlanting.plant(desk, without(["type": "subject.erased", "ref": "BSC-000004", "tickets": 4, "refs": "BSC-000004",
                                                 "reason": "asked \(p)", "basis": "request"]))
        // Damaged lines whose error messages quote the bad value.
        try JournalPlanting.plant(desk, ["caller_type": "employee\(p)"])
        try JournalPlanting.plant(desk, ["channel": "phone\(p)", "seq": 99])
        try JournalPlanting.plant(desk, ["type": "ticket.\(p)"], chained: false)
    }

    /// The first instant of the current month: the imported ticket's
    /// `source_at`, inside the period the figures are asked for.
    static var monthStart: String { String(HostileFilesTests.currentSegment.prefix(7)) + "-01T00:00:00.000Z" }

    func poisonConfiguration(_ desk: Bscdesk) throws {
        let path = desk.data + "/bscdesk.toml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        // Every name = "…" line: queues and categories. TOML escapes keep the file valid.
        let escaped = "\\u001B]52;c;ZXZpbA==\\u0007\\u001B[2J\\u009B31m\\u202E"
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("name = \""), line.hasSuffix("\"") else { return String(line) }
            return String(line.dropLast()) + escaped + "\""
        }.joined(separator: "\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func noControlReachesAnyOutput() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "clean")
        try plantEverywhere(desk)
        try poisonConfiguration(desk)
        let exports = try TempDir.make()
        var runs: [[String]] = [
            ["list"], ["list", "--format", "csv"], ["list", "--format", "json"],
            ["show", "BSC-000002"], ["show", "BSC-000002", "--format", "json"], ["show", "BSC-000001"],
            ["categories"], ["categories", "--format", "json"],
            ["doctor"], ["doctor", "--all"], ["verify"], ["triage", "pay slip question"], ["triage", "pay slip question", "--format", "json"],
            ["board", "--print"], ["board", "--print", "--detailed"], ["board", "--print", "--format", "json"],
            ["config", "show"], ["retention"], ["sar", "--ticket", "BSC-000002", "--out", exports + "/sar.json"],
            ["show", "BSC-000003"], ["show", "BSC-000003", "--format", "json"], ["show", "BSC-000004"], ["show", "BSC-000004", "--format", "json"],
            ["list", "--caller", "INC"], ["list", "--caller", "INC", "--format", "csv"],
            ["sar", "--ticket", "BSC-000003", "--out", exports + "/sar-imported.json"],
            ["sar", "--ticket", "BSC-000004", "--out", exports + "/sar-erased.json"],
        ]
        for format in ["table", "csv", "json", "md"] {
            runs.append(["stats", "--period", "all", "--format", format, "--by", "queue", "--by", "category", "--by", "channel", "--by", "agent", "--by", "caller-type",
                         "--by", "source-category"])
        }
        for format in ["csv", "json", "md"] {
            runs.append(["export", "--period", "all", "--format", format, "--by", "queue", "--by", "category", "--by", "agent", "--by", "source-category",
                         "--out", exports + "/figures.\(format)"])
        }
        var ran = 0
        let month = String(HostileFilesTests.currentSegment.prefix(7))
        runs = runs.map { $0.map { $0 == "all" ? month : $0 } }
        for args in runs {
            let r = try desk.run(args)
            ran += 1
            #expect(r.status == 0 || args[0] == "doctor" || args[0] == "verify", "\(args): \(r.status) \(r.stderr)")
            #expect(Self.dangerous(r.stdout).isEmpty, "\(args) stdout: \(Self.dangerous(r.stdout))")
            #expect(Self.dangerous(r.stderr).isEmpty, "\(args) stderr: \(Self.dangerous(r.stderr))")
        }
        // The payload really is in what was read: the damaged lines are
        // reported, the poisoned names are shown (stripped).
        let doctor = try desk.run(["doctor"])
        #expect(doctor.stdout.contains("unknown caller_type"), "\(doctor.stdout)")
        let list = try desk.run(["list"])
        #expect(list.stderr.contains("warning"), "\(list.stderr)")
        // The imported fields and the erasure reason are shown (stripped).
        let imported = try desk.run(["show", "BSC-000003"])
        #expect(imported.stdout.contains("Imported") && imported.stdout.contains("INC"), "\(imported.stdout)")
        let erased = try desk.run(["show", "BSC-000004"])
        #expect(erased.stdout.contains("personal data erased (request)") && erased.stdout.contains("asked"), "\(erased.stdout)")
        let bySource = try desk.run(["stats", "--period", month, "--by", "source-category"])
        #expect(bySource.stdout.contains("Payroll"), "\(bySource.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: exports)
        #expect(files.count >= 3, "\(files)")
        for f in files {
            let text = try String(contentsOfFile: exports + "/" + f, encoding: .utf8)
            #expect(Self.dangerous(text).isEmpty, "export \(f): \(Self.dangerous(text))")
        }
        #expect(ran == runs.count)
    }
}
