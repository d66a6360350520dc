import Foundation
import Testing

/// `bscdesk verify` catches every kind of tampering with the journal.
@Suite("Tamper evidence")
struct VerifyTests {
    func setUp() throws -> (Bscdesk, String, [String]) {
        let desk = try Bscdesk.fresh()
        for i in 0..<6 { _ = try desk.log(caller: "Caller \(i)", summary: "Query \(i)") }
        let r = try desk.run(["verify"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("result: chain intact"))
        let head = r.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }!.dropFirst(6).prefix(64)
        let file = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).first { $0.hasSuffix(".jsonl") }!
        let path = desk.journalDirectory + "/" + file
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        return (desk, String(head), lines + [path])
    }

    func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    func expectTampered(_ desk: Bscdesk, _ args: [String] = [], _ message: String) throws {
        let r = try desk.run(["verify"] + args)
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("TAMPERED"), "\(r.stdout)")
        #expect(r.stdout.contains(message), "\(r.stdout)")
    }

    @Test func editedLine() throws {
        var (desk, _, lines) = try setUp()
        let path = lines.removeLast()
        // Personal fields are ciphertext now (docs/data-protection.md):
        // one changed character of it breaks the chain all the same.
        let marker = "\"enc\":\""
        let at = try #require(lines[2].range(of: marker)).upperBound
        let old = lines[2][at]
        lines[2].replaceSubrange(at...at, with: old == "A" ? "B" : "A")
        try write(lines, to: path)
        try expectTampered(desk, [], ":3: the chain breaks here")
    }

    @Test func deletedLine() throws {
        var (desk, _, lines) = try setUp()
        let path = lines.removeLast()
        lines.remove(at: 1)
        try write(lines, to: path)
        try expectTampered(desk, [], ":2: the chain breaks here")
    }

    @Test func insertedLine() throws {
        var (desk, _, lines) = try setUp()
        let path = lines.removeLast()
        lines.insert(lines[1], at: 3)
        try write(lines, to: path)
        try expectTampered(desk, [], ":4: the chain breaks here")
    }

    @Test func reorderedLines() throws {
        var (desk, _, lines) = try setUp()
        let path = lines.removeLast()
        lines.swapAt(2, 3)
        try write(lines, to: path)
        try expectTampered(desk, [], ":3: the chain breaks here")
    }

    @Test func truncatedTailIsCaughtAgainstAnEarlierHead() throws {
        var (desk, head, lines) = try setUp()
        let path = lines.removeLast()
        try write(Array(lines.dropLast(2)), to: path)
        // On its own the shortened chain is consistent…
        let alone = try desk.run(["verify"])
        #expect(alone.status == 0)
        // …but the head recorded earlier is gone.
        try expectTampered(desk, ["--against", head], "is not in the chain")
    }

    @Test func recomputedChainIsCaughtAgainstAnEarlierHead() throws {
        var (desk, head, lines) = try setUp()
        let path = lines.removeLast()
        // Rewrite history: drop a line, renumber, recompute every hash.
        let script = """
        import hashlib, json, re, sys
        lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
        del lines[2]
        prev = "0" * 64
        out = []
        for n, line in enumerate(lines, 1):
            body = line[: line.rindex(',"h":"')]
            body = re.sub(r'"seq":\\d+', '"seq":%d' % n, body, count=1)
            body = re.sub(r'"tickets":\\d+', '"tickets":%d' % n, body, count=1)
            h = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
            out.append(body + ',"h":"' + h + '"}')
            prev = h
        open(sys.argv[1], "w", encoding="utf-8").write("\\n".join(out) + "\\n")
        """
        let scriptPath = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/rechain.py"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", scriptPath, path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        _ = lines
        let alone = try desk.run(["verify"])
        #expect(alone.status == 0, "a recomputed chain is self-consistent: \(alone.stdout)")
        try expectTampered(desk, ["--against", head], "is not in the chain")
    }

    @Test func earlierHeadStillPresentAfterMoreAppends() throws {
        let (desk, head, _) = try setUp()
        _ = try desk.log(summary: "later")
        let r = try desk.run(["verify", "--against", head])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("is in the chain"))
    }

    @Test func exportsRecordTheHeadHash() throws {
        let (desk, head, _) = try setUp()
        let dir = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path
        #expect(try desk.run(["export", "--format", "json", "--out", dir + "/f.json"]).status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/f.json"))) as? [String: Any]
        #expect(obj?["journal_head"] as? String == head)
        #expect(try desk.run(["export", "--format", "csv", "--out", dir + "/f.csv"]).status == 0)
        let side = try String(contentsOfFile: dir + "/f.csv.definitions.md", encoding: .utf8)
        #expect(side.contains("Journal head: \(head)"))
    }

    @Test func badAgainstIsAUsageError() throws {
        let (desk, _, _) = try setUp()
        let r = try desk.run(["verify", "--against", "xyz"])
        #expect(r.status == 64)
        #expect(r.firstErrorLine.contains("64-character"))
    }
}
