import Foundation
import Testing

/// Issue 15, item 4: references keep working past BSC-999999. The counter
/// can only get there honestly (a forged `tickets` jump is damage, and
/// verify checks it), so the journal really holds 999,999 tickets, written
/// by a script with a correct chain; the real binary then stamps
/// BSC-1000000, and `list`, `show` and the front desk's list show it whole
/// and aligned. Slow in a debug build (a full replay of a million events,
/// about a minute, then two loads from the snapshot).
@Suite("A seven-digit reference, end to end", .serialized)
struct SevenDigitReferenceTests {
    static let tickets = 999_999

    static let script = """
    import hashlib, sys
    path, n = sys.argv[1], int(sys.argv[2])
    prev = "0" * 64
    buf = []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(1, n + 1):
            caller = "Edge Caller" if i == n else "Caller %d" % (i % 997)
            body = ('{"v":1,"seq":%d,"id":"%032x","ts":"2026-01-05T09:00:00.000Z","user":"tester","type":"ticket.opened",'
                    '"ref":"BSC-%06d","tickets":%d,"caller":"%s","caller_type":"employee","category":"cs.general-enquiry",'
                    '"queue":"customer-services","priority":"normal","channel":"phone","summary":"s",'
                    '"received":"2026-01-05T09:00:00.000Z"') % (i, i, i, i, caller)
            prev = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
            buf.append(body + ',"h":"' + prev + '"}\\n')
            if len(buf) == 20000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    """

    /// Column offsets of the list table's header words in a row.
    func starts(_ line: Substring, _ words: [String]) -> [Int] {
        words.compactMap { w in line.range(of: w).map { line.distance(from: line.startIndex, to: $0.lowerBound) } }
    }

    @Test func theMillionthTicketIsStampedListedShownAndAligned() throws {
        let desk = try Bscdesk.fresh()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: desk.data).deletingLastPathComponent().path) }
        let made = try desk.run(["categories"])
        guard made.status == 0 else { throw TestFailure("could not create the data directory: \(made.stderr)") }
        try FileManager.default.createDirectory(atPath: desk.journalDirectory, withIntermediateDirectories: true)
        let scriptPath = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/million.py"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let gen = try TeamServerFixture.command("/usr/bin/env", ["python3", scriptPath, desk.journalDirectory + "/2026-01.jsonl", String(Self.tickets)])
        guard gen.status == 0 else { throw TestFailure("generating the journal failed: \(gen.stderr)") }

        // The real writer stamps the next reference from the last line.
        let ref = try desk.log(caller: "Edge Caller", category: "cs.general-enquiry", summary: "the millionth")
        #expect(ref == "BSC-1000000")

        // Owner-only, as bscdesk writes its files (no warning about them).
        chmod(desk.journalDirectory + "/2026-01.jsonl", 0o600)
        let list = try desk.run(["list", "--caller", "Edge Caller"])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n")
        let header = try #require(rows.first { $0.hasPrefix("REF") })
        let seven = try #require(rows.first { $0.hasPrefix("BSC-1000000 ") }, "BSC-1000000 is cut or missing:\n\(list.stdout)")
        let six = try #require(rows.first { $0.hasPrefix("BSC-999999 ") }, "\(list.stdout)")
        // Every column starts where its header does, on both rows.
        let columns = ["STATUS", "QUEUE", "CATEGORY", "CALLER"]
        let at = starts(header, columns)
        #expect(at.count == columns.count, "\(header)")
        #expect(starts(seven, ["open", "customer-services", "cs.general-enquiry", "Edge Caller"]) == at, "\(list.stdout)")
        #expect(starts(six, ["open", "customer-services", "cs.general-enquiry", "Edge Caller"]) == at, "\(list.stdout)")

        #expect(!list.stderr.contains("skipped"), "the stamped line is damage: \(list.stderr)")

        // The first full load wrote the snapshot; the rest start from it.
        let show = try desk.run(["show", "BSC-1000000"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.hasPrefix("BSC-1000000  OPEN"), "\(show.stdout)")
        #expect(show.stdout.contains("the millionth"))

        // The front desk's list, newest first: the whole reference, the
        // row aligned with the six-digit one below it.
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("a", command: Tmux.quote(Bscdesk.binary), environment: Tmux.deskEnvironment(desk), width: 140, height: 30)
        try tmux.waitFor("a", "F5Solve")
        try tmux.keys("a", "F3")
        let screen = try tmux.waitFor("a", "1000000 shown", timeout: 120)
        let lines = screen.split(separator: "\n")
        let tuiSeven = try #require(lines.first { $0.contains("BSC-1000000") }, "\(screen)")
        let tuiSix = try #require(lines.first { $0.contains("BSC-999999") }, "\(screen)")
        #expect(tuiSeven.contains("BSC-1000000 open"), "cut: \(tuiSeven)")
        #expect(starts(tuiSeven, ["open", "Edge Caller"]) == starts(tuiSix, ["open", "Edge Caller"]), "misaligned:\n\(tuiSeven)\n\(tuiSix)")
    }
}
