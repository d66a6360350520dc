import Foundation
import Testing

/// The front desk audit's gaps, through the real binary under tmux at
/// 80×24: what the ticket detail offers each role, help and the board's
/// lists reachable at 80×24, and traps 6 and 10 of issue 14.
@Suite("Front desk audit under tmux", .serialized)
struct TUIDeskAuditTests {
    let tmux = Tmux()

    func start(_ desk: Bscdesk, _ name: String = "a", width: Int = 80, height: Int = 24) throws {
        try tmux.start(name, command: Tmux.quote(Bscdesk.binary), environment: Tmux.deskEnvironment(desk), width: width, height: height)
        try tmux.waitFor(name, "F5Solve", timeout: 20)
        try tmux.waitFor(name, "● live", timeout: 20)
    }

    /// Adds users to the data directory's configuration.
    func addUsers(_ desk: Bscdesk, _ toml: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: desk.data + "/bscdesk.toml"))
        handle.seekToEndOfFile()
        handle.write(Data(toml.utf8))
        try handle.close()
    }

    func lastRow(_ screen: String) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).last { !$0.isEmpty } ?? ""
    }

    // MARK: The detail offers what the role allows

    @Test func anAgentIsNotOfferedReassignmentATeamLeaderIs() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(caller: "Held Ticket", category: "cs.general-enquiry")
        try addUsers(desk, """

        [users.amy]
        role = "agent"
        queues = ["customer-services"]

        [users.lee]
        role = "team-leader"
        queues = ["customer-services"]

        """)
        #expect(try desk.run(["assign", ref, "lee"]).status == 0)
        for (user, offered) in [("amy", false), ("lee", true)] {
            var env = Tmux.deskEnvironment(desk)
            env["BSCDESK_USER"] = user
            try tmux.start(user, command: Tmux.quote(Bscdesk.binary), environment: env)
            try tmux.waitFor(user, "● live", timeout: 20)
            try tmux.keys(user, "F3")
            try tmux.waitFor(user, "1 shown")
            try tmux.keys(user, "Enter")
            let detail = try tmux.waitFor(user, "BSC-000001  OPEN")
            let bar = lastRow(detail)
            #expect(bar.contains("F4Asgn") == offered, "\(user): \(bar)")
            #expect(bar.contains("F8Note") && bar.contains("F5Solve"), "\(user): \(bar)")
            try tmux.keys(user, "F1")
            let help = try tmux.waitFor(user, "Help: BSC-000001")
            #expect(help.contains("Assign to a person") == offered, "\(user): \(help)")
            try tmux.keys(user, "Escape", "F4")
            if offered {
                try tmux.waitFor(user, "Assign to")
            } else {
                let refused = try tmux.waitFor(user, "only team leaders and supervisors move work")
                #expect(!refused.contains("Assign to"), "no prompt opened")
            }
        }
    }
}

extension TUIDeskAuditTests {
    // MARK: Help, the board's alarms and its people reachable at 80×24

    @Test func atEightyByTwentyFourHelpScrollsToItsLastLineAndEveryAgentIsReachable() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        let demo = try desk.run(["demo", "--tickets", "300", "--seed", "5", "--until", "2026-11-20"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let board = try desk.run(["board", "--print", "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(board.stdout.utf8)) as? [String: Any])
        let people = try #require(obj["people"] as? [[String: Any]])
        #expect(people.count > 8, "more people than the 80×24 board shows")
        let lastLogin = try #require(people.last?["login"] as? String)
        try start(desk)
        try tmux.keys("a", "F11")
        var screen = try tmux.waitFor("a", "Queue board", timeout: 15)
        // The people table says how many are below and how to reach them.
        #expect(screen.contains("more (Tab, j)"), "\(screen)")
        #expect(screen.contains("AHT"), "no column title is hidden by the marker:\n\(screen)")
        #expect(!screen.contains("(\(lastLogin))"))
        try tmux.keys("a", "Tab", "End")
        screen = try tmux.waitFor("a", "(\(lastLogin))")
        // Help: cut at first, with a footer saying so; End shows its last line.
        try tmux.keys("a", "Tab", "F1")
        screen = try tmux.waitFor("a", "Help: Queue board")
        #expect(screen.contains(" more · ↑↓ PgUp PgDn · Esc closes"), "\(screen)")
        // The last help line (the end of the last column note).
        #expect(!screen.contains("Resolved, AHT: logged"), "\(screen)")
        try tmux.keys("a", "End")
        screen = try tmux.waitFor("a", "Resolved, AHT: logged")
        #expect(screen.contains("end · ↑↓ PgUp PgDn"), "\(screen)")
        try tmux.keys("a", "Home")
        try tmux.waitFor("a", "Next row")
        for _ in 0..<60 { try tmux.keys("a", "j") }
        try tmux.waitFor("a", "Resolved, AHT: logged")
        try tmux.keys("a", "Escape")
        // Esc waits 0.3 s for an Esc-digit function key before it closes help.
        try tmux.waitFor("a", "Oldest in working h")
        // Every alarm in full, where the line under the tables is cut: a
        // screen of its own, one paragraph each; Esc goes back.
        try tmux.keys("a", "x")
        screen = try tmux.waitFor("a", "Queue board › Alarms")
        #expect(screen.contains("• "), "\(screen)")
        #expect(screen.contains("is red") || screen.contains("Brch") || screen.contains("CBdue"), "\(screen)")
        try tmux.keys("a", "Escape")
        try tmux.waitFor("a", "Oldest in working h")
    }
}

extension TUIDeskAuditTests {
    // MARK: Effects at the edge: the front desk still records a view

    @Test func openingARestrictedTicketInTheFrontDeskWritesAViewedEvent() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(caller: "Client One", category: "appointeeship.allowance", summary: "Allowance late",
                               extra: ["--ref", "CL-1", "--caller-type", "service-user", "--detail", "client-reference=CL-1"])
        func views() throws -> Int {
            try desk.journalLines().filter { $0.contains("\"ticket.viewed\"") && $0.contains("\"tester\"") }.count
        }
        #expect(try views() == 0)
        try start(desk)
        try tmux.keys("a", "F3")
        try tmux.waitFor("a", "1 shown")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "\(ref)  OPEN")
        let deadline = Date().addingTimeInterval(10)
        while try views() == 0 && Date() < deadline { usleep(100_000) }
        #expect(try views() == 1, "opening the restricted ticket in the front desk writes one ticket.viewed")
    }
}

extension TUIDeskAuditTests {
    // MARK: Issue 14, trap 6: hand-off details belong to the category

    /// A supplier's bank-detail change: the route box asks the category's
    /// details (the account, not an invoice number), prefilled from Caller
    /// ref, with whole labels and their `*`; what is saved has no "n/a".
    @Test func trap6TheRouteBoxAsksTheCategorysDetailsPrefilledFromTheReference() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Seed")
        try start(desk)
        try tmux.type("a", "Acme Ltd")
        try tmux.keys("a", "Escape")
        try tmux.waitFor("a", "Acme Ltd")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "S40111")
        try tmux.keys("a", "Tab", "Space", "Space", "C-t")  // employee → manager → elected member → supplier
        try tmux.waitFor("a", "‹Supplier›")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "exchequer.bank-details")
        try tmux.keys("a", "Tab")
        try tmux.type("a", "New bank details")
        try tmux.waitFor("a", "New bank details")
        try tmux.keys("a", "F6")
        let box = try tmux.waitFor("a", "Supplier or debtor number*:")
        #expect(box.contains("S40111"), "prefilled from Caller ref:\n\(box)")
        #expect(!box.contains("Invoice number"), "a bank-detail change asks no invoice number:\n\(box)")
        try tmux.keys("a", "Tab", "Tab")  // Queue → account → identity check
        try tmux.type("a", "called back on the number on file")
        try tmux.keys("a", "Enter")
        try tmux.waitFor("a", "Saved BSC-000002: routed to exchequer", timeout: 10)
        let shown = try desk.run(["show", "BSC-000002", "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let details = obj["details"] as? [String: Any] ?? [:]
        #expect(details["account-number"] as? String == "S40111", "\(shown.stdout)")
        #expect(details["invoice-number"] == nil, "\(shown.stdout)")
        #expect(obj["queue"] as? String == "exchequer")
    }

    // MARK: Issue 14, trap 10: the team leader's and supervisor's screens

    /// The board explains its columns (legend, help) and says why a cell is
    /// red; F12 takes any period; agents get no export.
    @Test func trap10TheBoardExplainsItselfF12TakesAnyPeriodAndAgentsExportNothing() throws {
        defer { tmux.kill() }
        let desk = try Bscdesk.fresh()
        let demo = try desk.run(["demo", "--tickets", "300", "--seed", "5", "--until", "2026-11-20"])
        #expect(demo.status == 0, "\(demo.stderr)")
        try start(desk)
        try tmux.keys("a", "F11")
        var screen = try tmux.waitFor("a", "Queue board", timeout: 15)
        #expect(screen.contains("Oldest in working h · Risk ≥75% of SLA · Brch past SLA"), "the legend:\n\(screen)")
        #expect(screen.contains("is red") || screen.contains("Brch ") || screen.contains("is amber"), "why red:\n\(screen)")
        try tmux.keys("a", "F1")
        try tmux.waitFor("a", "Help: Queue board")
        try tmux.keys("a", "End")
        screen = try tmux.waitFor("a", "Brch: tickets past")
        for column in ["Unasg: active,", "Risk: tickets whose SLA clock", "Pend: pending", "Res'd: resolved today"] { #expect(screen.contains(column), "\(column):\n\(screen)") }
        try tmux.keys("a", "Escape")
        try tmux.waitFor("a", "Oldest in working h")
        try tmux.keys("a", "F12")
        try tmux.waitFor("a", "FCR dashboard")
        try tmux.keys("a", ":")
        try tmux.type("a", "period 2026/27-Q2")
        try tmux.keys("a", "Enter")
        screen = try tmux.waitFor("a", "Period: 2026/27-Q2")
        // The agent: the same dashboard, no export.
        let amy = "amy"
        var users = "\n[users.\(amy)]\nrole = \"agent\"\nqueues = [\"customer-services\"]\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: desk.data + "/bscdesk.toml"))
        handle.seekToEndOfFile()
        handle.write(Data(users.utf8))
        try handle.close()
        users = ""
        var env = Tmux.deskEnvironment(desk)
        env["BSCDESK_USER"] = amy
        try tmux.start(amy, command: Tmux.quote(Bscdesk.binary), environment: env)
        try tmux.waitFor(amy, "● live", timeout: 20)
        try tmux.keys(amy, "F12")
        screen = try tmux.waitFor(amy, "FCR dashboard")
        #expect(!lastRow(screen).contains("Export"), "\(screen)")
        try tmux.keys(amy, "F6")
        try tmux.waitFor(amy, "exports are for team leaders and supervisors")
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/exports"))
    }
}
