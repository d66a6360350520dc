import Foundation
import Testing

/// The traps of issue 14, each in the real binary under tmux at 80×24,
/// each failing on the front desk before the fix. Waits poll the screen
/// (or the files) with generous timeouts: the machine may be loaded.
@Suite("Front desk traps under tmux", .serialized)
struct TUIFrontDeskTrapsTests {
    let tmux = Tmux()

    func start(_ desk: Bscdesk, _ name: String = "a", term: String = "xterm-256color") throws {
        var env = Tmux.deskEnvironment(desk)
        env["TERM"] = term
        try tmux.start(name, command: Tmux.quote(Bscdesk.binary), environment: env)
        try tmux.waitFor(name, "F5Solve", timeout: 20)
        try tmux.waitFor(name, "● live", timeout: 20)
    }

    /// The journal's `opened` event of `ref`, decoded.
    func opened(_ desk: Bscdesk, _ ref: String) throws -> [String: Any] {
        for line in try desk.journalLines() where line.contains("\"\(ref)\"") && line.contains("\"ticket.opened\"") {
            if let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { return obj }
        }
        throw TestFailure("no opened event of \(ref) in the journal")
    }

    /// The first value of `key` anywhere in a decoded JSON value.
    func find(_ key: String, in value: Any) -> Any? {
        if let d = value as? [String: Any] {
            if let v = d[key] { return v }
            for v in d.values { if let f = find(key, in: v) { return f } }
        } else if let a = value as? [Any] {
            for v in a { if let f = find(key, in: v) { return f } }
        }
        return nil
    }

    func showJSON(_ desk: Bscdesk, _ ref: String) throws -> [String: Any] {
        let r = try desk.run(["show", ref, "--format", "json"])
        guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw TestFailure("show \(ref) failed: \(r.stderr)")
        }
        return obj
    }

    func cursor(_ name: String) throws -> (x: Int, y: Int) {
        let text = try tmux.run(["display-message", "-p", "-t", name, "#{cursor_x},#{cursor_y}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: ",").compactMap { Int($0) }
        guard parts.count == 2 else { throw TestFailure("no cursor position: \(text)") }
        return (parts[0], parts[1])
    }

    // MARK: 1. The call timer

    /// 5 s idle after a save, then a call typed and saved quickly: its
    /// handle time is the call's, not the idle time, and its received time
    /// is after the idle time.
    @Test func theTimerStartsAtTheCallsFirstKeyNotAtThePreviousSave() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Seed")  // creates the data directory
        try start(desk)
        try tmux.type("a", "First Caller")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "cs.general-enquiry")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "first call")
        try tmux.waitFor("a", "first call")
        try tmux.keys("a", "F5")
        let ready = try tmux.waitFor("a", "Saved BSC-000002")
        #expect(ready.contains("Ready · Phone"), "between calls the form is ready, no timer runs")
        let savedAt = Date()
        Thread.sleep(forTimeInterval: 5)
        let typingStarted = Date()
        try tmux.type("a", "Second Caller")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "cs.general-enquiry")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "quick one")
        try tmux.waitFor("a", "quick one")
        try tmux.keys("a", "F5")
        try tmux.waitFor("a", "Saved BSC-000003")
        let typing = Date().timeIntervalSince(typingStarted)
        let event = try opened(desk, "BSC-000003")
        let duration = try #require(find("duration_ms", in: event) as? Int)
        #expect(duration < 4000, "recorded \(duration) ms for a call typed in \(typing) s after \(typingStarted.timeIntervalSince(savedAt)) s idle")
        #expect(Double(duration) / 1000 <= typing + 0.5)
        // The call was received when it started, not at the previous save.
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let previous = try opened(desk, "BSC-000002")
        let prevSaved = try #require((previous["ts"] as? String).flatMap { iso.date(from: $0) })
        let received = try #require((event["received"] as? String).flatMap { iso.date(from: $0) })
        #expect(received.timeIntervalSince(prevSaved) >= 4.5, "received \(received.timeIntervalSince(prevSaved)) s after the previous save")
    }

    // MARK: 2. Caller look-up as typed

    @Test func aKnownReferenceTypedIntoCallerRefShowsTheRepeatWarningHistoryAndF8Prefill() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Ann Known", category: "payroll.payslip", extra: ["--ref", "E 777", "--phone", "01632 100327"])
        try start(desk)
        // A name that is not hers, Esc for the suggestions, then her
        // reference typed in another spacing and case.
        try tmux.type("a", "A. Known")
        try tmux.keys("a", "Escape", "Tab")
        try tmux.type("a", "e777")
        let screen = try tmux.waitFor("a", "⚠ Repeat? BSC-000001 is still open")
        #expect(screen.contains("History of Ann Known: 1 ticket"))
        try tmux.keys("a", "F8")
        let add = try tmux.waitFor("a", "Add this call to a ticket")
        #expect(add.contains("BSC-000001"), "F8 prefills the caller's open ticket")
        try tmux.keys("a", "Escape")
        try tmux.waitFor("a", "F5Solve")
    }

    @Test func aPhoneNumberFindsTheCallerOnTheFormInTheListAndInListCaller() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Phil Phone", extra: ["--phone", "01632 100327"])
        _ = try desk.log(caller: "Other Person", extra: ["--phone", "0161 496 0000"])
        let cli = try desk.run(["list", "--caller", "01632 100327"])
        #expect(cli.status == 0)
        #expect(cli.stdout.contains("BSC-000001") && !cli.stdout.contains("BSC-000002"))
        let spaced = try desk.run(["list", "--caller", "+44 1632 100 327"])
        #expect(spaced.stdout.contains("BSC-000001"))
        try start(desk)
        // The form: the phone field after the summary.
        try tmux.keys("a", "Tab", "Tab", "Tab", "Tab", "Tab")
        try tmux.type("a", "01632100327")
        let form = try tmux.waitFor("a", "⚠ Repeat? BSC-000001 is still open")
        #expect(form.contains("History of Phil Phone"))
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "2 shown")
        try tmux.type("a", "/")
        try tmux.type("a", "01632 100327")
        try tmux.keys("a", "Enter")
        let list = try tmux.waitFor("a", "1 shown")
        #expect(list.contains("Phil Phone"))
        #expect(!list.contains("Other Person"))
    }

    /// The same by email: on the form (the field after the phone), with
    /// `/` and `c` on the list, and `list --caller`, whatever the case;
    /// and the list's `c` filter by a phone typed with spaces.
    @Test func anEmailFindsTheCallerOnTheFormInTheListAndInListCaller() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Erin Mail", extra: ["--email", "erin.mail@example.org", "--phone", "01632 100327"])
        _ = try desk.log(caller: "Other Person", extra: ["--email", "other@example.org", "--phone", "0161 496 0000"])
        let cli = try desk.run(["list", "--caller", "Erin.Mail@Example.org"])
        #expect(cli.status == 0)
        #expect(cli.stdout.contains("BSC-000001") && !cli.stdout.contains("BSC-000002"), "\(cli.stdout)")
        try start(desk)
        // The form: the email field after the summary and the phone.
        try tmux.keys("a", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab")
        try tmux.type("a", "erin.mail@example.org")
        let form = try tmux.waitFor("a", "⚠ Repeat? BSC-000001 is still open")
        #expect(form.contains("History of Erin Mail"))
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "2 shown")
        try tmux.type("a", "/")
        try tmux.type("a", "erin.mail@example.org")
        try tmux.keys("a", "Enter")
        let searched = try tmux.waitFor("a", "1 shown")
        #expect(searched.contains("Erin Mail") && !searched.contains("Other Person"))
        // The caller filter, by a phone typed with spaces.
        try tmux.type("a", "x")
        try tmux.waitFor("a", "2 shown")
        try tmux.type("a", "c")
        try tmux.type("a", "0161 496 0000")
        try tmux.keys("a", "Enter")
        let filtered = try tmux.waitFor("a", "1 shown")
        #expect(filtered.contains("Other Person") && !filtered.contains("Erin Mail"))
    }

    // MARK: 3. Where the cursor goes

    @Test func enterOnACallerSuggestionGoesToCallerRefAndTheRouteBoxOpensOnQueue() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Ann Known", extra: ["--ref", "E777"])
        try start(desk)
        try tmux.type("a", "ann k")
        try tmux.waitFor("a", "▸Ann Known · E777")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "History of Ann Known")
        #expect(try cursor("a").y == 3, "the cursor is on the Caller ref row (row 3), not Category")
        try tmux.keys("a", "Tab", "Tab")
        try tmux.type("a", "payroll.overpayment")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "Overpaid in October")
        try tmux.waitFor("a", "Overpaid in October")
        try tmux.keys("a", "F6")
        let box = try tmux.waitFor("a", "Employee number*:")
        let queueRow = try #require(box.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("Queue*:") })
        #expect(try cursor("a").y == queueRow, "the route box opens on Queue")
    }

    // MARK: 4. Wrapping

    @Test func aThreeHundredCharacterNoteIsFullyReadableInTheDetailAt80x24() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(caller: "Wendy Wrap", summary: "Supplier told to resend with PO 4500123 and the remittance advice for October and November both")
        let words = (1...60).map { String(format: "w%03d", $0) }
        let note = words.joined(separator: " ")  // 299 characters
        #expect(note.count >= 299)
        #expect(try desk.run(["note", ref, note]).status == 0)
        try start(desk)
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "1 shown")
        try tmux.keys("a", "Enter")
        var seen = try tmux.waitFor("a", "History (")
        // Read the page, then page down until the end (at most a few pages).
        for _ in 0..<4 where !words.allSatisfy({ seen.contains($0) }) {
            try tmux.keys("a", "PageDown")
            usleep(300_000)
            seen += try tmux.capture("a")
        }
        let missing = words.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "words of the note not readable: \(missing)")
        #expect(seen.contains("Supplier told to resend with PO 4500123"), "the summary wraps too")
        #expect(seen.contains("advice for October and November both"), "the summary wraps too")
    }

    // MARK: 5. F7 asks for the callback; priority on the form

    @Test func f7RecordsACallbackThatShowsUnderDAndThePriorityIsSaved() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Seed")
        try start(desk)
        try tmux.type("a", "Carl Back")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "cs.general-enquiry")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "He has no money for food")
        // Summary → phone → email → priority; ← from the category's default is urgent.
        try tmux.keys("a", "Tab", "Tab", "Tab", "Left")
        try tmux.waitFor("a", "‹urgent›")
        try tmux.keys("a", "F7")
        try tmux.waitFor("a", "Call back at:")
        try tmux.keys("a", "C-u")
        try tmux.type("a", "+0m")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "Saved BSC-000002: kept open, call back")
        let obj = try showJSON(desk, "BSC-000002")
        #expect(obj["priority"] as? String == "urgent")
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "2 shown")
        try tmux.type("a", "d")
        let due = try tmux.waitFor("a", "1 shown")
        #expect(due.contains("BSC-000002"))
    }

    // MARK: 6. Drafts per terminal

    func drafts(_ desk: Bscdesk) -> [String] {
        let dir = desk.data + "/drafts"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasPrefix("tester.") && $0.hasSuffix(".json") }
            .compactMap { try? String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }
    }

    func waitForDrafts(_ desk: Bscdesk, containing texts: [String], timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let all = drafts(desk)
            if texts.allSatisfy({ t in all.contains { $0.contains(t) } }) { return }
            usleep(50_000)
        }
        throw TestFailure("drafts never held \(texts); they hold: \(drafts(desk))")
    }

    @Test func twoTerminalsOfOneLoginKilledMidTypingBothDraftsAreRestored() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Seed")
        try start(desk, "a")
        try start(desk, "b")
        try tmux.type("a", "Alpha Caller")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "cs.general-enquiry")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "typed in terminal A")
        try tmux.waitFor("a", "typed in terminal A")
        try tmux.type("b", "Beta Caller")
        try tmux.keys("b", "Tab", "Tab", "Tab")
        try tmux.type("b", "payroll.overpayment")
        try tmux.keys("b", "Tab")
        try tmux.type("b", "typed in terminal B")
        try tmux.keys("b", "F6")
        try tmux.waitFor("b", "Employee number*:")
        try tmux.keys("b", "Tab")
        try tmux.type("b", "E4242")
        try tmux.waitFor("b", "E4242")
        try waitForDrafts(desk, containing: ["typed in terminal A", "typed in terminal B", "E4242"])
        let pids = try ["a", "b"].map { try tmux.panePID($0) }
        // Keeps the tmux server up when both desks are gone (started after
        // the look-up: tmux could resolve a short name to the newest pane).
        try tmux.start("keep", command: "sleep 600", environment: [:])
        for pid in pids { #expect(Glibc.kill(pid, SIGKILL) == 0) }
        // Gone (and reaped by tmux): their claims on the drafts are released.
        let deadline = Date().addingTimeInterval(10)
        while pids.contains(where: { Glibc.kill($0, 0) == 0 }) && Date() < deadline { usleep(20_000) }
        // The next session of that login offers both, one after the other.
        try tmux.start("c", command: Tmux.quote(Bscdesk.binary), environment: Tmux.deskEnvironment(desk))
        let first = try tmux.waitFor("c", "draft restored, 1 more after this call", timeout: 20)
        #expect(first.contains("Alpha Caller") && first.contains("typed in terminal A"))
        try tmux.waitFor("c", "● live", timeout: 20)
        try tmux.keys("c", "F7")
        try tmux.waitFor("c", "Call back at:")
        try tmux.keys("c", "C-u", "Enter")
        try tmux.waitFor("c", "Saved BSC-000002")
        let second = try tmux.waitFor("c", "Beta Caller")
        #expect(second.contains("draft restored"))
        #expect(second.contains("typed in terminal B"))
        try tmux.keys("c", "F6")
        let box = try tmux.waitFor("c", "Employee number*:")
        #expect(box.contains("E4242"), "the route box's hand-off detail was kept in the draft")
    }

    // MARK: 7. F5 on a category not resolvable here; typed category

    @Test func f5OnANonResolvableCategoryWarnsAndATypedCategoryTakesTheMatch() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Seed")
        try start(desk)
        try tmux.type("a", "Owen Over")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "payroll.overpayment")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "Overpaid")
        try tmux.waitFor("a", "Overpaid")
        try tmux.keys("a", "F5")
        try tmux.waitFor("a", "marked not resolvable at the front")
        try tmux.type("a", "n")
        try tmux.waitFor("a", "not saved")
        #expect(try desk.journalLines().count == 1, "nothing saved")
        try tmux.keys("a", "F9")
        try tmux.waitFor("a", "Clear the form?")
        try tmux.type("a", "y")
        try tmux.waitFor("a", "Ready · Phone")
        try tmux.type("a", "Pat Word")
        try tmux.keys("a", "Tab", "Tab", "Tab")
        try tmux.type("a", "password reset")
        try tmux.waitFor("a", "▸cs.password-reset")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "Locked out")
        try tmux.waitFor("a", "Locked out")
        try tmux.keys("a", "F5")
        try tmux.waitFor("a", "Saved BSC-000002: resolved at first contact")
        #expect(try showJSON(desk, "BSC-000002")["category"] as? String == "cs.password-reset")
    }

    // MARK: 8. Function keys from the terminals people use

    /// Raw bytes as a terminal sends them, through `send-keys -H`.
    func send(_ name: String, _ sequence: String) throws {
        try tmux.run(["send-keys", "-t", name, "-H"] + sequence.utf8.map { String(format: "%02x", $0) })
    }

    @Test(arguments: ["xterm", "xterm-256color", "screen-256color", "tmux-256color", "linux", "rxvt", "vt220"])
    func functionKeySequencesOfEveryTerminalReachTheirScreens(term: String) throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Seed")
        try start(desk, term: term)
        let esc = "\u{1B}"
        // (sequence, key) for F3 then F2: PuTTY default / rxvt / xterm R6,
        // PuTTY VT100+ / xterm / tmux, the Linux console, ESC[n~ for F5+.
        let list = ["[13~", "OR", "[[C"]
        let call = ["[12~", "OQ", "[[B"]
        for (toList, toCall) in zip(list, call) {
            try send("a", esc + toList)
            try tmux.waitFor("a", "bscdesk › Tickets", timeout: 10)
            try send("a", esc + toCall)
            try tmux.waitFor("a", "bscdesk › Log a call", timeout: 10)
        }
        #expect(!(try tmux.capture("a")).contains("[1"), "no sequence was typed into the form as text")
        // F1 (help) in each spelling, closed with Esc.
        for f1 in ["[11~", "OP", "[[A"] {
            try send("a", esc + f1)
            try tmux.waitFor("a", "Help: Log a call", timeout: 10)
            try tmux.keys("a", "Escape")
            try tmux.waitFor("a", "F5Solve", timeout: 10)
        }
        // F12 as xterm (ESC[24~) and PuTTY VT100+ (ESC O[) send it.
        for f12 in ["[24~", "O["] {
            try send("a", esc + f12)
            try tmux.waitFor("a", "FCR dashboard", timeout: 10)
            try send("a", esc + "[12~")
            try tmux.waitFor("a", "bscdesk › Log a call", timeout: 10)
        }
        // Esc then a digit, for terminals that send nothing usable (in one
        // write, so a loaded machine cannot stretch the gap past 0.3 s).
        try send("a", esc + "3")
        try tmux.waitFor("a", "bscdesk › Tickets", timeout: 10)
        let screen = try tmux.capture("a")
        #expect(!screen.contains("Caller      3"))
    }

    /// Polls until `text` has left the screen (a box closed), so the next
    /// wait cannot be satisfied by what an earlier key left there.
    func waitGone(_ name: String, _ text: String, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try tmux.capture(name)
            if !last.contains(text) { return }
            usleep(50_000)
        }
        throw TestFailure("\"\(text)\" still on screen after \(timeout)s:\n\(last)")
    }

    /// F4–F11 in every spelling the terminals people use send (xterm's
    /// ESC[n~ and ESC O, PuTTY VT100+, the Linux console's ESC[[D and
    /// ESC[[E), each proven by what its action does on the call form.
    @Test(arguments: ["xterm", "xterm-256color", "screen-256color", "tmux-256color", "linux", "rxvt", "vt220"])
    func functionKeysFourToElevenOfEveryTerminalDoTheirWork(term: String) throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        try start(desk, term: term)
        let esc = "\u{1B}"
        // F4, next channel: Phone → Email → E-form → Face to face.
        for (f4, channel) in zip(["[14~", "OS", "[[D"], ["· Email", "· E-form", "· Face to face"]) {
            try send("a", esc + f4)
            try tmux.waitFor("a", channel, timeout: 10)
        }
        func fillForm(_ caller: String) throws {
            try tmux.type("a", caller)
            try tmux.keys("a", "Tab", "Tab", "Tab")
            try tmux.type("a", "password reset")
            try tmux.waitFor("a", "▸cs.password-reset", timeout: 10)
            try tmux.keys("a", "Tab")
            try tmux.type("a", "Keys for \(caller)")
            try tmux.waitFor("a", "Keys for \(caller)", timeout: 10)
        }
        try fillForm("Fay Function")
        // F6 route, F7 keep open, F8 add to a ticket: each opens its box;
        // Esc closes it and the form keeps its text.
        let boxes: [(String, [String])] = [
            ("┌ Route", ["[17~", "OU"]),
            ("┌ Keep open: call back", ["[18~", "OV"]),
            ("┌ Add this call to a ticket", ["[19~", "OW"]),
        ]
        for (box, spellings) in boxes {
            for key in spellings {
                try send("a", esc + key)
                try tmux.waitFor("a", box, timeout: 10)
                try tmux.keys("a", "Escape")
                try waitGone("a", box)
            }
        }
        // F9 (new call) and F10 (quit) ask first; n keeps everything.
        for (question, spellings) in [("Clear the form?", ["[20~", "OX"]), ("Quit bscdesk?", ["[21~", "OY"])] {
            for key in spellings {
                try send("a", esc + key)
                try tmux.waitFor("a", question, timeout: 10)
                try tmux.type("a", "n")
                try waitGone("a", question)
            }
        }
        // F11 is the queue board; F2 brings the form back with its text.
        for f11 in ["[23~", "OZ"] {
            try send("a", esc + f11)
            try tmux.waitFor("a", "bscdesk › Queue board", timeout: 10)
            try send("a", esc + "[12~")
            try tmux.waitFor("a", "bscdesk › Log a call", timeout: 10)
            try tmux.waitFor("a", "Keys for Fay Function", timeout: 10)
        }
        // F5 saves as resolved, in each spelling: three tickets.
        for (n, f5) in ["[15~", "OT", "[[E"].enumerated() {
            if n > 0 { try fillForm("Caller \(n)") }
            try send("a", esc + f5)
            try tmux.waitFor("a", "Saved BSC-00000\(n + 1): resolved at first contact", timeout: 10)
        }
        let screen = try tmux.capture("a")
        #expect(!screen.contains("[1") && !screen.contains("[2") && !screen.contains("O["), "no sequence was typed into the form as text")
        #expect(try desk.journalLines().filter { $0.contains("\"ticket.opened\"") }.count == 3)
    }

    // MARK: 9. Esc goes back; the detail offers only legal actions

    @Test func escGoesBackFromTheListAndTheDetailOffersOnlyLegalActions() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Rita Resolved", extra: ["--resolved"])
        try start(desk)
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "1 shown")
        try tmux.keys("a", "Escape")
        try tmux.waitFor("a", "bscdesk › Log a call", timeout: 10)
        try tmux.keys("a", "F12")
        try tmux.waitFor("a", "FCR dashboard")
        try tmux.keys("a", "Escape")
        try tmux.waitFor("a", "bscdesk › Log a call", timeout: 10)
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "1 shown")
        try tmux.keys("a", "Enter")
        let detail = try tmux.waitFor("a", "BSC-000001  RESOLVED")
        let bar = detail.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bar.contains("Reopn") && bar.contains("Close") && bar.contains("Note"))
        #expect(!bar.contains("Route") && !bar.contains("Asgn") && !bar.contains("Solve") && !bar.contains("Pend"))
        try tmux.keys("a", "F6")  // route: illegal on a resolved ticket
        let refused = try tmux.waitFor("a", "cannot route now")
        #expect(!refused.contains("Route BSC-000001"), "no prompt opened")
    }

    // MARK: 9. One key map: the `:` command line, F2/F3 everywhere

    @Test func colonCommandsOpenATicketAndAnUnknownOneSaysWhatIsAllowed() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Olga Open")
        _ = try desk.log(caller: "Rita Resolved", extra: ["--resolved"])
        try start(desk)
        // On the call form, : is typed; Esc : opens the command line.
        try tmux.type("a", "Re: x")
        try tmux.waitFor("a", "Re: x")
        try tmux.keys("a", "Escape")
        try tmux.type("a", ":")
        try tmux.waitFor("a", "\n:")
        try tmux.type("a", "open 1")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "BSC-000001  OPEN", timeout: 10)
        // F3 from the ticket is the list, as everywhere.
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "2 shown")
        try tmux.type("a", ":opne 2")
        try tmux.keys("a", "Enter")
        let screen = try tmux.waitFor("a", "unknown command \"opne\"")
        #expect(screen.contains(":open REF"), "\(screen)")
        try tmux.type("a", ":period 2026/27-Q3")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "2026/27-Q3", timeout: 10)
        try tmux.type("a", ":q")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "Quit bscdesk?")
    }

    /// A left click as xterm reports it (SGR 1006: press, then release),
    /// at a 0-based cell.
    func click(_ name: String, x: Int, y: Int) throws {
        for end in ["M", "m"] {
            let bytes = Array("\u{1B}[<0;\(x + 1);\(y + 1)\(end)".utf8).map { String(format: "%02x", $0) }
            _ = try tmux.run(["send-keys", "-t", name, "-H"] + bytes)
        }
    }

    @Test func mouseClicksOnTheBarAndOnListRows() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Ann Able")
        _ = try desk.log(caller: "Bob Baker")
        try start(desk)
        let bar = try tmux.capture("a").split(separator: "\n").last.map(String.init) ?? ""
        guard let f3 = bar.range(of: "F3List") else { throw TestFailure("no F3List on the bar: \(bar)") }
        try click("a", x: bar.distance(from: bar.startIndex, to: f3.lowerBound) + 1, y: 23)
        try tmux.waitFor("a", "2 shown")
        try click("a", x: 20, y: 4)  // the second row: selected
        try tmux.waitFor("a", "▸ BSC-000001")
        try click("a", x: 20, y: 4)  // again: opened
        try tmux.waitFor("a", "BSC-000001  OPEN")
    }
}

