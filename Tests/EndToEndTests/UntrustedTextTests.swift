import Foundation
import Testing

/// Text from the journal never reaches the terminal raw: a name or note
/// planted with escape sequences (as if imported or hand-edited) is shown
/// stripped in tables and text, and escaped in JSON.
@Suite("Untrusted text")
struct UntrustedTextTests {
    static let vectors: [(String, String)] = [
        ("CSI clear screen", "\u{1B}[2J"),
        ("CSI colour", "\u{1B}[31mred"),
        ("OSC 52 clipboard, BEL", "\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}"),
        ("OSC 8 hyperlink, ST", "\u{1B}]8;;https://evil.example\u{1B}\\link\u{1B}]8;;\u{1B}\\"),
        ("DCS", "\u{1B}P1$tx\u{1B}\\"),
        ("C1 CSI", "\u{9B}31m"),
        ("C1 OSC", "\u{9D}0;title\u{9C}"),
        ("bidi override", "\u{202E}evil"),
        ("bidi isolates", "\u{2066}a\u{2067}b\u{2068}c\u{2069}"),
        ("backspace and bell", "ab\u{08}\u{08}\u{07}"),
    ]

    /// Appends a hand-made event with a correct chain hash.
    func plant(_ desk: Bscdesk, name: String, note: String) throws {
        let script = """
        import hashlib, json, sys, glob, os
        d = sys.argv[1]; name = sys.argv[2]; note = sys.argv[3]
        seg = sorted(glob.glob(os.path.join(d, "*.jsonl")))[-1]
        last = open(seg, encoding="utf-8").read().splitlines()[-1]
        prev = json.loads(last)
        seq = prev["seq"] + 1
        ref = "BSC-%06d" % (prev["tickets"] + 1)
        ev = {"v": 1, "seq": seq, "id": "planted", "ts": prev["ts"], "user": "tester", "type": "ticket.opened",
              "ref": ref, "tickets": prev["tickets"] + 1, "caller": name, "caller_type": "employee",
              "category": "cs.general-enquiry", "queue": "customer-services", "priority": "normal",
              "channel": "phone", "summary": note, "received": prev["ts"]}
        body = json.dumps(ev, ensure_ascii=False, separators=(",", ":"))[:-1]
        h = hashlib.sha256((prev["h"] + body).encode("utf-8")).hexdigest()
        open(seg, "a", encoding="utf-8").write(body + ',"h":"' + h + '"}\\n')
        """
        let path = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/plant.py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path, desk.journalDirectory, name, note]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    func isDangerous(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    @Test func noVectorReachesTheTerminalFromTheCommandLine() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log()
        for (label, payload) in Self.vectors {
            try plant(desk, name: "Eve \(payload) Smith", note: "note \(payload) end")
            let ref = try desk.run(["list", "--format", "json"]).stdout
            let refs = try JSONSerialization.jsonObject(with: Data(ref.utf8)) as! [[String: Any]]
            let last = refs.last!["ref"] as! String
            for args in [["list"], ["list", "--format", "csv"], ["show", last], ["list", "--format", "json"], ["show", last, "--format", "json"], ["doctor"]] {
                let r = try desk.run(args)
                #expect(r.status == 0, "\(label) \(args): \(r.stderr)")
                let bad = r.stdout.unicodeScalars.filter { isDangerous($0) && $0 != "\r" }
                #expect(bad.isEmpty, "\(label) \(args): raw \(bad.map { String($0.value, radix: 16) })")
                if args != ["doctor"] { #expect(r.stdout.contains("Eve"), "\(label) \(args)") }
            }
            // JSON keeps the data, escaped, so nothing is lost for scripts.
            let json = try desk.run(["show", last, "--format", "json"]).stdout
            let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            #expect((obj["caller"] as! [String: Any])["name"] as? String == "Eve \(payload) Smith", "\(label)")
        }
    }

    @Test func inputWithControlCharactersOrTooLongIsRefused() throws {
        let desk = try Bscdesk.fresh()
        let long = try desk.run(["log", "--caller", String(repeating: "a", count: 200), "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "x"])
        #expect(long.status == 64)
        #expect(long.firstErrorLine.contains("caller name is too long (200 characters); at most 120"))
        let esc = try desk.run(["log", "--caller", "Eve \u{1B}[2J", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "x"])
        #expect(esc.status == 64)
        #expect(esc.firstErrorLine.contains("caller name contains a control character (U+1B)"))
        #expect(!esc.stderr.unicodeScalars.contains("\u{1B}"))
        let note = try desk.run(["log", "--caller", "A", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", String(repeating: "x", count: 4001)])
        #expect(note.status == 64)
        #expect(try desk.journalLines().isEmpty)
    }
}
