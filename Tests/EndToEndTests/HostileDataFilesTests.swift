import Foundation
import Testing

/// Issue 15 for the data directory's other files: knowledge articles
/// (`kb/`), themes (`themes/`) and torn fragments (`journal/torn/`). A
/// link, a FIFO, another real user's file, an oversized file and escape
/// sequences inside are each refused or made safe: one line names the file
/// and what is allowed, nothing hangs, nothing raw reaches an output, and
/// everything else still loads.
@Suite("Hostile articles, themes and torn fragments", .serialized)
struct HostileDataFilesTests {
    /// OSC 0 (window title), OSC 52, CSI 2J, C1 OSC and CSI, a bidi override.
    static let payload = "\u{1B}]0;PWNED\u{07}" + EscapeInjectionTests.payload + "\u{9D}0;PWNED2\u{9C}"

    static func dangerous(_ s: String) -> [String] { EscapeInjectionTests.dangerous(s) }

    func deadline(_ desk: Bscdesk, _ args: [String], seconds: Double = 2) throws -> Bscdesk.Result {
        let (finished, r) = try HostileFilesTests().runWithDeadline(desk, args, seconds: seconds)
        #expect(finished, "\(args) still running after \(seconds) s: it waits on a FIFO")
        return r
    }

    func mkfifo(_ path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        guard Foundation.mkfifo(path, 0o600) == 0 else { throw TestFailure("mkfifo \(path): \(String(cString: strerror(errno)))") }
    }

    func replaceWithLink(_ path: String, to target: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    func write(_ text: String, to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A file outside the data directory that a link points at: its text
    /// must never show.
    func secret(_ desk: Bscdesk) throws -> String {
        let path = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/secret.md"
        try write("SECRET-OUTSIDE " + Self.payload + "\n", to: path)
        return path
    }

    // MARK: - Knowledge articles

    @Test func articlesThatMayNotBeUsedAreSkippedAndNamed() throws {
        let owner = try OtherOSUser()
        defer { owner.remove() }
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let kb = desk.data + "/kb"
        try replaceWithLink(kb + "/cs-general-enquiry.md", to: try secret(desk))
        try mkfifo(kb + "/payroll-salary-query.md")
        try write("Someone else's advice " + Self.payload + "\n", to: kb + "/payroll-payslip.md")
        try owner.own(kb + "/payroll-payslip.md")
        try write(String(repeating: "x", count: 64 * 1024 + 1), to: kb + "/payroll-tax.md")
        // A regular article of the user's own, with escape sequences: used, made safe.
        try write("Overpayment advice " + Self.payload + "\n", to: kb + "/payroll-overpayment.md")
        // An article name from the configuration with escape sequences, linked.
        let config = desk.data + "/bscdesk.toml"
        let toml = try String(contentsOfFile: config, encoding: .utf8)
        try toml.replacingOccurrences(of: "article = \"payroll-pension.md\"", with: "article = \"pension\\u001B]0;PWNED\\u0007.md\"")
            .write(toFile: config, atomically: true, encoding: .utf8)
        try replaceWithLink(kb + "/pension\u{1B}]0;PWNED\u{07}.md", to: try secret(desk))

        let doctor = try deadline(desk, ["doctor"])
        #expect(doctor.status == 0, "warnings only: \(doctor.stdout) \(doctor.stderr)")
        for expected in [
            "knowledge article kb/cs-general-enquiry.md not shown: it is a symbolic link; bscdesk never follows links in its data directory",
            "knowledge article kb/payroll-salary-query.md not shown: it is a FIFO, not a regular file",
            "knowledge article kb/payroll-payslip.md not shown: it is owned by user id \(owner.uid), not by you (0)",
            "knowledge article kb/payroll-tax.md not shown: it is 65537 bytes; larger than 64 KiB, the most bscdesk reads for such a file",
            "not shown: it is a symbolic link",
        ] {
            #expect(doctor.stdout.contains(expected), "doctor does not say \"\(expected)\":\n\(doctor.stdout)")
        }
        #expect(doctor.stdout.contains("knowledge articles and themes: 5 files skipped"), "\(doctor.stdout)")
        #expect(!doctor.stdout.contains("payroll-overpayment.md"), "the user's own article is fine: \(doctor.stdout)")
        let strict = try deadline(desk, ["doctor", "--strict"])
        #expect(strict.status == 1, "\(strict.stdout)")

        // triage names the refused article on stderr and does not count it.
        let triage = try deadline(desk, ["triage", "salary amount", "--format", "json"])
        #expect(triage.status == 0, "\(triage.stderr)")
        #expect(triage.stderr.contains("kb/payroll-salary-query.md not shown: it is a FIFO"), "\(triage.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(triage.stdout.utf8)) as? [[String: Any]])
        let salary = try #require(rows.first { $0["category"] as? String == "payroll.salary-query" })
        #expect(salary["article"] as? Bool == false)
        let overpaid = try deadline(desk, ["triage", "overpaid", "--format", "json"])
        let over = try #require(try JSONSerialization.jsonObject(with: Data(overpaid.stdout.utf8)) as? [[String: Any]])
        #expect(over.first { $0["category"] as? String == "payroll.overpayment" }?["article"] as? Bool == true)

        for r in [doctor, strict, triage, overpaid] {
            #expect(Self.dangerous(r.stdout + r.stderr).isEmpty, "raw control: \(Self.dangerous(r.stdout + r.stderr))")
            #expect(!(r.stdout + r.stderr).contains("SECRET-OUTSIDE"), "a link was followed")
            #expect(!(r.stdout + r.stderr).contains("Someone else's advice"), "another user's file was read")
        }
        // Everything else still works.
        let ref = try desk.log(category: "cs.general-enquiry", summary: "still logs")
        #expect(try desk.run(["show", ref]).status == 0)
    }

    /// The front desk in tmux with standard error in a file; a shell
    /// reports its exit status and keeps the pane open.
    func frontDesk(_ tmux: Tmux, _ name: String, _ desk: Bscdesk, theme: String? = nil) throws -> String {
        let err = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/\(name).stderr"
        var env = Tmux.deskEnvironment(desk)
        if let theme { env["BSCDESK_THEME"] = theme }
        let script = "\(Tmux.quote(Bscdesk.binary)) 2>\(Tmux.quote(err)); echo EXITED=$?; sleep 30"
        try tmux.start(name, command: "sh -c " + Tmux.quote(script), environment: env, width: 160, height: 30)
        return err
    }

    func paneTitle(_ tmux: Tmux, _ name: String) throws -> String {
        try tmux.run(["display-message", "-p", "-t", name, "#{pane_title}"])
    }

    /// The call form shows the chosen category's article: a linked one is
    /// named, not followed; one of the user's own with escape sequences is
    /// shown without them (an OSC 0 reaching tmux would set the pane title).
    @Test func theCallFormNamesARefusedArticleAndShowsAnArticleSafely() throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let kb = desk.data + "/kb"
        try replaceWithLink(kb + "/payroll-salary-query.md", to: try secret(desk))
        try write("Check the payslip portal first. " + Self.payload + " Then the bank.\n", to: kb + "/payroll-payslip.md")

        _ = try frontDesk(tmux, "a", desk)
        try tmux.waitFor("a", "F5Solve")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "salary")
        try tmux.waitFor("a", "payroll.salary-query")
        try tmux.keys("a", "Enter")
        let refused = try tmux.waitFor("a", "not shown")
        #expect(refused.contains("payroll-salary-query.md") && refused.contains("symbolic link"), "\(refused)")
        #expect(!refused.contains("SECRET-OUTSIDE"), "the link was followed:\n\(refused)")

        _ = try frontDesk(tmux, "b", desk)
        try tmux.waitFor("b", "F5Solve")
        try tmux.keys("b", "Tab", "Tab", "Tab")
        try tmux.type("b", "payslip")
        try tmux.waitFor("b", "payroll.payslip")
        try tmux.keys("b", "Enter")
        let shown = try tmux.waitFor("b", "Check the payslip portal first.")
        #expect(shown.contains("Then the bank."), "\(shown)")
        #expect(!shown.contains("PWNED"), "the OSC payload's text is on screen:\n\(shown)")
        #expect(!(try paneTitle(tmux, "b")).contains("PWNED"), "an OSC 0 from the article reached the terminal")
    }

    // MARK: - Themes

    /// A theme file that may not be used is skipped with a warning naming
    /// it, and the desk starts (the built-in of that name, or the default);
    /// a FIFO never hangs it. A theme of the user's own whose key carries
    /// escape sequences is refused with a message that carries none.
    @Test func themeFilesThatMayNotBeUsedAreSkippedAndTheDeskStarts() throws {
        let owner = try OtherOSUser()
        defer { owner.remove() }
        let tmux = Tmux()
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        let themes = desk.data + "/themes"
        try FileManager.default.createDirectory(atPath: themes, withIntermediateDirectories: true)
        let outside = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/outside.toml"
        try write("inherits = \"default\"\n", to: outside)
        try replaceWithLink(themes + "/linked.toml", to: outside)
        try mkfifo(themes + "/fifo.toml")
        // Would stop the desk if it were read: not valid TOML.
        try write("this is [not toml\n", to: themes + "/default.toml")
        try owner.own(themes + "/default.toml")
        let big = "inherits = \"default\"\n" + String(repeating: "# padding\n", count: 110_000)
        try write(big, to: themes + "/big.toml")

        let cases: [(theme: String, says: String)] = [
            ("linked", "themes/linked.toml not used: it is a symbolic link; bscdesk never follows links in its data directory"),
            ("fifo", "themes/fifo.toml not used: it is a FIFO, not a regular file"),
            ("default", "themes/default.toml not used: it is owned by user id \(owner.uid), not by you (0)"),
            ("big", "themes/big.toml not used: it is \(big.utf8.count) bytes; larger than 1 MiB, the most bscdesk reads for such a file"),
        ]
        for (i, c) in cases.enumerated() {
            let name = "t\(i)"
            let err = try frontDesk(tmux, name, desk, theme: c.theme)
            try tmux.waitFor(name, "F5Solve", timeout: 10)
            let text = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            #expect(text.contains(c.says), "\(c.theme): stderr was: \(text)")
            if c.theme != "default" {
                #expect(text.contains("using the default theme"), "\(c.theme): \(text)")
            }
            try tmux.keys(name, "F10")
            try tmux.waitFor(name, "Quit bscdesk?")
            try tmux.keys(name, "y")
            try tmux.waitFor(name, "EXITED=0")
        }
        // The same files named by doctor.
        let doctor = try deadline(desk, ["doctor"])
        for c in cases { #expect(doctor.stdout.contains(c.says), "doctor: \(doctor.stdout)") }

        // A theme of the user's own with escape sequences in a key: refused,
        // and nothing raw reaches standard error.
        try write("\"\\u001B]0;PWNED\\u0007\\u009B31m\" = 1\n", to: themes + "/evil.toml")
        let err = try frontDesk(tmux, "evil", desk, theme: "evil")
        try tmux.waitFor("evil", "EXITED=64")
        let text = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(text.contains("evil.toml") && text.contains("unknown key"), "\(text)")
        #expect(Self.dangerous(text).isEmpty, "raw control on stderr: \(Self.dangerous(text))")
        #expect(!(try paneTitle(tmux, "evil")).contains("PWNED"))
    }

    // MARK: - Torn fragments

    @Test func tornFragmentsThatMayNotBeReadAreNamedByVerify() throws {
        let owner = try OtherOSUser()
        defer { owner.remove() }
        let desk = try Bscdesk.fresh()
        for i in 0..<3 { _ = try desk.log(summary: "call \(i)") }
        let segment = HostileFilesTests.currentSegment
        let whole = try #require(try desk.journalLines().first) + "\n"  // seq 1: "lost" if it were read
        let torn = desk.journalDirectory + "/torn"
        try FileManager.default.createDirectory(atPath: torn, withIntermediateDirectories: false)
        let outside = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/outside.fragment"
        try write(whole, to: outside)
        try replaceWithLink(torn + "/\(segment).10.fragment", to: outside)
        try mkfifo(torn + "/\(segment).20.fragment")
        try write(whole, to: torn + "/\(segment).30.fragment")
        try owner.own(torn + "/\(segment).30.fragment")
        try write(whole + String(repeating: " ", count: 1 << 20), to: torn + "/\(segment).40.fragment")
        // A fragment named with escape sequences, holding a whole event:
        // reported as lost, its name made safe.
        try write(whole, to: torn + "/\(segment).50\(Self.payload).fragment")

        let verify = try deadline(desk, ["verify"])
        #expect(verify.status == 1, "the named fragment holds a lost event: \(verify.stdout)")
        for expected in [
            "note: journal/torn/\(segment).10.fragment: is a symbolic link; bscdesk never follows links in its data directory; skipped",
            "note: journal/torn/\(segment).20.fragment: is a FIFO, not a regular file; skipped",
            "note: journal/torn/\(segment).30.fragment: is owned by user id \(owner.uid), not by you (0)",
            "note: journal/torn/\(segment).40.fragment: is \(whole.utf8.count + (1 << 20)) bytes, more than a torn line can be (at most 1048576); skipped",
        ] {
            #expect(verify.stdout.contains(expected), "verify does not say \"\(expected)\":\n\(verify.stdout)")
        }
        let lost = verify.stdout.split(separator: "\n").filter { $0.hasPrefix("LOST:") }
        #expect(lost.count == 1, "only the readable fragment is read: \(lost)")
        #expect(lost.first?.contains(".50") == true, "\(lost)")
        #expect(Self.dangerous(verify.stdout + verify.stderr).isEmpty, "raw control: \(Self.dangerous(verify.stdout + verify.stderr))")
        // The link's target is untouched, and writers and readers go on.
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == whole)
        _ = try desk.log(summary: "after")
        let list = try deadline(desk, ["list"])
        #expect(list.status == 0 && list.stdout.contains("after"), "\(list.stderr)")
        let doctor = try deadline(desk, ["doctor"])
        #expect(Self.dangerous(doctor.stdout + doctor.stderr).isEmpty)
    }
}
