import Foundation
import Testing

/// The board against the real binary: a writer logs, routes, assigns,
/// parks and resolves 24 tickets through the CLI; the board's queue rows
/// must match an independent count from `bscdesk list --format json`, and
/// its FCR and SLA for today must match `bscdesk stats` for today.
@Suite(.serialized) struct BoardEndToEndTests {
    static let queues = ["Customer services": "customer-services", "Payroll": "payroll", "Exchequer": "exchequer",
                         "Vacancy management": "vacancy-management", "Appointeeship": "appointeeship"]

    /// A fresh desk with a team leader `lead` and a payroll agent `pat`.
    static func desk() throws -> Bscdesk {
        let d = try Bscdesk.fresh()
        _ = try d.run(["categories"])  // creates the data directory and its configuration
        let team = """

        [users.lead]
        role = "team-leader"
        queues = ["customer-services", "payroll"]

        [users.pat]
        role = "agent"
        queues = ["payroll"]

        """
        let h = try #require(FileHandle(forWritingAtPath: d.data + "/bscdesk.toml"))
        h.seekToEndOfFile()
        h.write(Data(team.utf8))
        try h.close()
        return d
    }

    /// 24 first contacts in four patterns, then routes, assignments, a
    /// pending and resolutions on the back-office side.
    static func work(_ d: Bscdesk) throws {
        let payroll = ["--detail", "employee-number=E1", "--detail", "pay-period=2026-11"]
        var later: [String] = []
        var routed: [String] = []
        for i in 0..<24 {
            switch i % 4 {
            case 0: _ = try d.log(caller: "Caller \(i)", category: "cs.general-enquiry", extra: ["--resolved", "--duration", "3m"])
            case 1: _ = try d.log(caller: "Caller \(i)", category: "cs.general-enquiry")
            case 2: routed.append(try d.log(caller: "Caller \(i)", category: "payroll.payslip", extra: ["--route", "payroll"] + payroll))
            default: later.append(try d.log(caller: "Caller \(i)", category: "payroll.payslip"))
            }
        }
        for ref in later { try ok(d.run(["route", ref, "payroll"] + payroll)) }
        for ref in routed.prefix(4) { try ok(d.run(["assign", ref, "pat"])) }
        try ok(d.run(["pending", routed[4], "--reason", "customer"]))
        for ref in later.prefix(3) { try ok(d.run(["resolve", ref])) }
    }

    static func ok(_ r: Bscdesk.Result) throws {
        guard r.status == 0 else { throw TestFailure("command failed (\(r.status)): \(r.stderr)") }
    }

    /// Per queue: open, unassigned, pending, new today, resolved today, at
    /// risk, breached; counted from the list's JSON.
    static func expected(_ d: Bscdesk) throws -> [String: [Int]] {
        let json = try d.run(["list", "--format", "json"])
        let tickets = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(tickets.count == 24)
        var out: [String: [Int]] = [:]
        for id in queues.values { out[id] = Array(repeating: 0, count: 7) }
        for t in tickets {
            let q = t["queue"] as! String
            let status = t["status"] as! String
            let active = !["resolved", "closed"].contains(status)
            let sla = (t["sla"] as? [String: Any])?["state"] as? String
            // Everything was written just now: today's tickets are all of them.
            out[q]![3] += 1
            if active {
                out[q]![0] += 1
                if t["assignee"] is NSNull || t["assignee"] == nil { out[q]![1] += 1 }
                if status == "pending" { out[q]![2] += 1 }
                if sla == "atRisk" { out[q]![5] += 1 }
                if sla == "breached" { out[q]![6] += 1 }
            } else if !(t["resolved"] is NSNull) {
                out[q]![4] += 1
            }
        }
        return out
    }

    /// The same seven figures read off a board frame's queue rows
    /// (arrows stripped; the oldest-age column skipped).
    static func figures(onScreen rows: [String]) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for row in rows {
            let text = String(row.dropFirst(2))
            guard let name = queues.keys.first(where: { text.hasPrefix($0 + " ") }) else { continue }
            let cells = text.dropFirst(name.count).replacingOccurrences(of: "↑", with: " ").replacingOccurrences(of: "↓", with: " ")
                .split(separator: " ").map(String.init)
            guard cells.count >= 8 else { continue }
            let n = [0, 1, 2, 3, 4, 6, 7].compactMap { Int(cells[$0]) }
            if n.count == 7 { out[queues[name]!] = n }
        }
        return out
    }

    @Test func boardFramePrintedByTheBinaryMatchesTheIndependentCount() throws {
        let d = try Self.desk()
        try Self.work(d)
        let want = try Self.expected(d)
        #expect(want["payroll"] == [9, 5, 1, 12, 3, 0, 0])  // the scenario did what it says
        let frame = try d.as("lead").run(["board", "--print", "--detailed", "--size", "100x30"])
        #expect(frame.status == 0, "\(frame.stderr)")
        let got = Self.figures(onScreen: frame.stdout.split(separator: "\n").map(String.init))
        #expect(got == want)
        #expect(frame.stdout.contains("Today  FCR 25.0% ✗ RED*"))  // 6 resolved at first contact of 24 opened
    }
}

/// `bscdesk board` live in a real terminal (tmux) while another process
/// writes: the board's figures match an independent count within 2 s of
/// the last write, with inotify and with polling.
@Suite(.serialized) struct BoardTmuxEndToEndTests {
    @Test(arguments: [[:], ["BSCDESK_NO_INOTIFY": "1"]])
    func liveBoardMatchesTheCountWithinTwoSecondsOfTheLastWrite(environment: [String: String]) throws {
        let d = try BoardEndToEndTests.desk()
        let lead = d.as("lead")
        let tmux = Tmux()
        defer { tmux.kill() }
        var env = Tmux.deskEnvironment(lead)
        for (k, v) in environment { env[k] = v }
        try tmux.start("board", command: Tmux.quote(Bscdesk.binary) + " board --detailed", environment: env, width: 100, height: 30)
        _ = try tmux.waitFor("board", "Queue board", timeout: 10)
        try BoardEndToEndTests.work(d)
        let lastWrite = Date()
        let want = try BoardEndToEndTests.expected(d)
        var rows: [String] = []
        var matched = false
        repeat {
            rows = try tmux.capture("board").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if BoardEndToEndTests.figures(onScreen: rows) == want { matched = true; break }
            usleep(50_000)
        } while Date().timeIntervalSince(lastWrite) < 2
        #expect(matched, "board after 2 s: \(rows.joined(separator: "\n"))\nexpected: \(want)")
        // Today's FCR and SLA as `bscdesk stats` reports them for today.
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let stats = try d.run(["stats", "--period", today, "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let metrics = try #require((obj["overall"] as? [String: Any])?["metrics"] as? [String: Any])
        func text(_ id: String) -> String { ((metrics[id] as? [String: Any])?["text"] as? String) ?? "?" }
        let todayRow = rows.first { $0.hasPrefix("Today") } ?? ""
        #expect(todayRow.contains("FCR " + text("gross_fcr")), "board: \(todayRow); stats FCR \(text("gross_fcr"))")
        #expect(todayRow.contains("SLA " + text("sla")), "board: \(todayRow); stats SLA \(text("sla"))")
    }
}
