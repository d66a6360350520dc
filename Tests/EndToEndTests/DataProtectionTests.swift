import Foundation
import Testing

/// Crypto-shredding through the real binary (issue 16,
/// docs/data-protection.md): subject access, erasure, and what is left on
/// disk afterwards.
@Suite("Data protection: subject access and erasure")
struct DataProtectionTests {
    static let name = "Zebedee Quux"
    static let reference = "Q123456"
    static let phone = "07700 900461"
    static let email = "zebedee.quux@example.org"
    static let note = "Zebedee prefers a call after four"
    static let summary = "Overpayment in October, wants a repayment plan"
    static let needles = [name, "Zebedee", "Quux", reference, phone, "07700900461", email, note, summary]

    /// Zebedee's ticket (routed, noted, resolved) and another caller's.
    func world() throws -> (desk: Bscdesk, zeb: String, other: String) {
        let desk = try Bscdesk.fresh()
        let zeb = try desk.log(caller: Self.name, category: "payroll.overpayment", summary: Self.summary,
                               extra: ["--ref", Self.reference, "--phone", Self.phone, "--email", Self.email])
        let other = try desk.log(caller: "Ada Other", category: "payroll.salary-query", summary: "Tax code question",
                                 extra: ["--ref", "E900001", "--resolved"])
        for args in [["route", zeb, "payroll", "--detail", "employee-number=\(Self.reference)", "--detail", "pay-period=2026-10"], ["note", zeb, Self.note],
                     ["resolve", zeb, "--note", "Plan agreed with Zebedee Quux"]] {
            let r = try desk.run(args)
            guard r.status == 0 else { throw TestFailure("\(args): \(r.stderr)") }
        }
        return (desk, zeb, other)
    }

    /// Every regular file under `dir`, with its bytes.
    func files(under dir: String) throws -> [(String, Data)] {
        var out: [(String, Data)] = []
        let e = FileManager.default.enumerator(atPath: dir)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = dir + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out.append((rel, try Data(contentsOf: URL(fileURLWithPath: path))))
            }
        }
        return out
    }

    /// The needles found in `data` in any encoding bscdesk writes: as
    /// bytes, with JSON `\uXXXX` escapes undone, and inside any base64 run
    /// (at any alignment: each run is decoded).
    func found(in data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        var variants = [text, unescapeJSON(text)]
        var run = ""
        func flush() {
            if run.count >= 8 {
                for cut in 0..<4 {
                    var s = String(run.dropFirst(cut))
                    s = String(s.prefix(s.count - s.count % 4))
                    if let d = Data(base64Encoded: s) { variants.append(String(decoding: d, as: UTF8.self)) }
                    let url = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                    if let d = Data(base64Encoded: url) { variants.append(String(decoding: d, as: UTF8.self)) }
                }
            }
            run = ""
        }
        for ch in text {
            if ch.isASCII && (ch.isLetter || ch.isNumber || "+/=-_".contains(ch)) { run.append(ch) } else { flush() }
        }
        flush()
        return Self.needles.filter { n in variants.contains { $0.localizedCaseInsensitiveContains(n) } }
    }

    func unescapeJSON(_ s: String) -> String {
        var out = ""
        var it = Array(s.unicodeScalars)[...]
        while let c = it.popFirst() {
            if c == "\\", it.first == "u", it.count >= 5, let v = UInt32(String(String.UnicodeScalarView(it.dropFirst().prefix(4))), radix: 16),
               let u = Unicode.Scalar(v) {
                out.unicodeScalars.append(u)
                it = it.dropFirst(5)
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Stats text without the lines that must change (the "as at" time and
    /// the journal head).
    func stable(_ s: String) -> String {
        s.split(separator: "\n").filter { !$0.localizedCaseInsensitiveContains("as at") && !$0.contains("as_at") && !$0.contains("head") }.joined(separator: "\n")
    }

    @Test func journalAndKeyFilesNeverHoldPersonalDataInClear() throws {
        let (desk, _, _) = try world()
        for line in try desk.journalLines() {
            #expect(!Self.needles.contains { line.contains($0) }, "journal line in clear: \(line)")
        }
        // …but the data is all there for the desk.
        let list = try desk.run(["list", "--caller", "Quux"])
        #expect(list.stdout.contains(Self.name))
    }

    @Test func erasureLeavesNothingReadableAndKeepsChainAndFigures() throws {
        let (desk, zeb, other) = try world()
        let out = try TempDir.make()
        #expect(try desk.run(["export", "--out", out + "/kpi.csv"]).status == 0)
        let statsBefore = try desk.run(["stats", "--by", "category"])
        let jsonBefore = try desk.run(["stats", "--format", "json", "--by", "category"])
        #expect(statsBefore.status == 0)
        #expect(try desk.run(["show", zeb]).stdout.contains(Self.note))

        // Something to find before, so the search below is known to work.
        let keysBefore = try files(under: desk.data + "/keys")
        #expect(!keysBefore.isEmpty)
        let plainFile = Data("x \(Self.name) y".utf8)
        #expect(found(in: plainFile).contains(Self.name))
        #expect(found(in: Data(("{\"a\":\"" + Data(Self.email.utf8).base64EncodedString() + "\"}").utf8)).contains(Self.email))
        #expect(found(in: Data("\"Zeb\\u0065dee Quux\"".utf8)).contains(Self.name))

        // Without --yes it asks, and anything but "yes" erases nothing.
        let asked = try desk.run(["erase", "--caller", Self.reference, "--reason", "test"], stdin: "no\n")
        #expect(asked.status == 65 && asked.stdout.contains(zeb) && asked.stderr.contains("nothing was erased"), "\(asked.stderr)")
        #expect(try desk.run(["show", zeb]).stdout.contains(Self.note))
        let erase = try desk.run(["erase", "--caller", Self.reference, "--reason", "test", "--yes"])
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains(zeb))
        #expect(!erase.stdout.contains(other))

        for (rel, bytes) in try files(under: desk.data) {
            let hits = found(in: bytes)
            #expect(hits.isEmpty, "\(rel) still holds \(hits)")
        }
        for (rel, bytes) in try files(under: out) {
            #expect(found(in: bytes).isEmpty, "export \(rel)")
        }
        let verify = try desk.run(["verify"])
        #expect(verify.status == 0 && verify.stdout.contains("chain intact"), "\(verify.stdout)\(verify.stderr)")
        let statsAfter = try desk.run(["stats", "--by", "category"])
        #expect(stable(statsAfter.stdout) == stable(statsBefore.stdout))
        let jsonAfter = try desk.run(["stats", "--format", "json", "--by", "category"])
        #expect(stable(jsonAfter.stdout) == stable(jsonBefore.stdout))

        let show = try desk.run(["show", zeb])
        #expect(show.status == 0)
        #expect(show.stdout.contains("(erased)"))
        #expect(!Self.needles.contains { show.stdout.contains($0) })
        let showJSON = try desk.run(["show", zeb, "--format", "json"])
        #expect(showJSON.stdout.contains("subject.erased"))
        // The other caller is untouched.
        #expect(try desk.run(["show", other]).stdout.contains("Ada Other"))
        // Nothing personal can be added to an erased ticket; a second erase says it is done.
        #expect(try desk.run(["note", zeb, "more"]).status == 65)
        let again = try desk.run(["erase", "--ticket", zeb, "--reason", "again", "--yes"])
        #expect(again.status == 65 && again.stderr.contains("already erased"), "\(again.stderr)")
    }

    /// A file still holding the person is named in erase's warning; its
    /// name is directory text, so a planted escape sequence in it must not
    /// reach the terminal.
    @Test func erasureNamesAFileStillHoldingThePersonWithoutItsEscapes() throws {
        let (desk, zeb, _) = try world()
        let torn = desk.data + "/journal/torn"
        try FileManager.default.createDirectory(atPath: torn, withIntermediateDirectories: true)
        let name = "\u{1B}]0;pwned\u{07}\u{1B}[2Jfragment.jsonl"
        #expect(FileManager.default.createFile(atPath: torn + "/" + name, contents: Data("{\"caller\":\"\(Self.name)\"\n".utf8)))
        // A fragment of another OS user is not read but named (it could
        // not be checked); a FIFO neither hangs the erase nor is skipped.
        let owner = try OtherOSUser()
        defer { owner.remove() }
        #expect(FileManager.default.createFile(atPath: torn + "/foreign.jsonl", contents: Data("x".utf8)))
        try owner.own(torn + "/foreign.jsonl")
        #expect(mkfifo(torn + "/pipe.jsonl", 0o600) == 0)
        let erase = try desk.run(["erase", "--ticket", zeb, "--reason", "test", "--yes"])
        #expect(erase.status == 0, "\(erase.stderr)")
        let all = erase.stdout + erase.stderr
        #expect(all.contains("fragment.jsonl may still hold them in clear"), "\(all)")
        #expect(all.contains("foreign.jsonl may still hold them in clear"), "\(all)")
        #expect(all.contains("pipe.jsonl may still hold them in clear"), "\(all)")
        #expect(!all.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "an escape sequence reached the output")
    }

    @Test func subjectAccessHoldsEveryEventOfThePersonAndNobodyElse() throws {
        let (desk, zeb, other) = try world()
        let dir = try TempDir.make()
        let r = try desk.run(["sar", "--caller", "zebedee quux", "--out", dir + "/sar.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try String(contentsOfFile: dir + "/sar.json", encoding: .utf8)
        let md = try String(contentsOfFile: dir + "/sar.json.md", encoding: .utf8)
        for n in [Self.name, Self.reference, Self.phone, Self.email, Self.note, Self.summary, "Plan agreed"] {
            #expect(json.contains(n), "JSON lacks \(n)")
            #expect(md.contains(n), "Markdown lacks \(n)")
        }
        for n in ["Ada Other", "E900001", "Tax code question", other] {
            #expect(!json.contains(n) && !md.contains(n), "leaks \(n)")
        }
        // Every event of the ticket is there.
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let tickets = try #require(obj["tickets"] as? [[String: Any]])
        #expect(tickets.count == 1 && tickets[0]["ref"] as? String == zeb)
        let types = (tickets[0]["history"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
        #expect(types == ["ticket.opened", "ticket.routed", "ticket.noted", "ticket.resolved"])
        // The request is recorded, naming the ticket and not the person.
        let last = try #require(try desk.journalLines().last)
        #expect(last.contains("\"subject.accessed\"") && last.contains(zeb))
        #expect(!Self.needles.contains { last.contains($0) })
        // Refused for an agent; a name matching two callers asks for --ticket.
        var agentDesk = desk
        agentDesk.user = "bob"
        try appendUser(desk, "bob", role: "agent")
        #expect(try agentDesk.run(["sar", "--caller", Self.reference, "--out", dir + "/x.json"]).status == 77)
        _ = try desk.log(caller: Self.name, category: "payroll.salary-query", summary: "Another Zebedee", extra: ["--ref", "Q999999"])
        let amb = try desk.run(["erase", "--caller", Self.name, "--reason", "test", "--yes"])
        #expect(amb.status == 65 && amb.stderr.contains("--ticket"), "\(amb.stderr)")
    }

    func appendUser(_ desk: Bscdesk, _ login: String, role: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: desk.data + "/bscdesk.toml"))
        handle.seekToEndOfFile()
        handle.write("\n[users.\(login)]\nrole = \"\(role)\"\nqueues = [\"customer-services\"]\n".data(using: .utf8)!)
        try handle.close()
    }
}

@Suite("Test support: the decrypted journal")
struct DecryptedJournalTests {
    @Test func journalObjectsHoldTheDecryptedFields() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Decrypt Me", summary: "findable summary")
        let objs = try desk.journalObjects()
        #expect(objs.count == 1)
        #expect(objs.first?["summary"] as? String == "findable summary", "\(objs)")
        #expect(objs.first?["caller"] as? String == "Decrypt Me")
    }
}
