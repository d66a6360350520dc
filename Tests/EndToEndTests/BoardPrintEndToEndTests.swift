import Foundation
import Testing

/// `bscdesk board --print --format json` on the real binary: the board's
/// rates for today and this week are the numerators and denominators
/// `bscdesk stats` gives for the same day and ISO week (issue 12: the board
/// used to compute its own).
@Suite("Board figures printed once, real binary")
struct BoardPrintEndToEndTests {
    static func object(_ text: String) throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw TestFailure("not a JSON object: \(text.prefix(200))") }
        return o
    }

    static func int(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }

    static func work(_ d: Bscdesk) throws {
        let payroll = ["--detail", "employee-number=E1", "--detail", "pay-period=2026-11"]
        // Resolved at first contact; the second is the same caller (the
        // reference written without its space) in the same category, so
        // the first is disqualified.
        _ = try d.log(caller: "Jo Bloggs", category: "cs.general-enquiry", extra: ["--ref", "E200 004", "--resolved", "--duration", "3m"])
        _ = try d.log(caller: "J Bloggs", category: "cs.general-enquiry", extra: ["--ref", "E200004", "--resolved", "--duration", "2m"])
        // Resolved at first contact, then a repeat contact: disqualified.
        let repeated = try d.log(caller: "Repeat Caller", category: "cs.general-enquiry", extra: ["--resolved"])
        try BoardEndToEndTests.ok(d.run(["contact", repeated, "--channel", "phone", "--summary", "again"]))
        // Undisturbed first-contact resolutions.
        for i in 0..<3 { _ = try d.log(caller: "Caller \(i)", category: "cs.general-enquiry", extra: ["--resolved"]) }
        // Routed, made pending, routed on while pending, resolved.
        let parked = try d.log(caller: "Parked", category: "payroll.payslip")
        try BoardEndToEndTests.ok(d.run(["pending", parked, "--reason", "customer"]))
        try BoardEndToEndTests.ok(d.run(["route", parked, "payroll"] + payroll))
        try BoardEndToEndTests.ok(d.run(["resolve", parked]))
        // Open work in payroll.
        for i in 0..<2 { _ = try d.log(caller: "Open \(i)", category: "payroll.payslip", extra: ["--route", "payroll"] + payroll) }
    }

    @Test func boardRatesEqualStatsForTheSameDayAndWeek() throws {
        let d = try BoardEndToEndTests.desk()
        try Self.work(d)
        let printed = try d.as("lead").run(["board", "--print", "--format", "json"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let board = try Self.object(printed.stdout)
        let today = try #require(board["today"] as? String)
        let week = try #require((board["week"] as? [String: Any])?["label"] as? String)

        for (period, suffix) in [(today, "today"), (week, "week")] {
            let stats = try d.as("lead").run(["stats", "--period", period, "--format", "json"])
            #expect(stats.status == 0, "\(stats.stderr)")
            let metrics = try #require((try Self.object(stats.stdout)["overall"] as? [String: Any])?["metrics"] as? [String: [String: Any]])
            for (boardKey, statsKey) in [("fcr_" + suffix, "gross_fcr"), ("sla_" + suffix, "sla")] {
                let b = try #require(board[boardKey] as? [String: Any])
                let s = try #require(metrics[statsKey])
                #expect(Self.int(b["numerator"]) == Self.int(s["numerator"]), "\(boardKey) vs stats \(period) \(statsKey)")
                #expect(Self.int(b["denominator"]) == Self.int(s["denominator"]), "\(boardKey) vs stats \(period) \(statsKey)")
                #expect(b["provisional"] as? Bool == s["provisional"] as? Bool, "\(boardKey)")
                #expect(b["rag"] as? String == s["rag"] as? String, "\(boardKey)")
            }
        }
        // The scenario's own numbers: 9 opened today; 4 of the 6 first-contact
        // resolutions count; 7 resolved, all within target.
        let fcr = try #require(board["fcr_today"] as? [String: Any])
        #expect(Self.int(fcr["numerator"]) == 4 && Self.int(fcr["denominator"]) == 9)
        let sla = try #require(board["sla_today"] as? [String: Any])
        #expect(Self.int(sla["numerator"]) == 7 && Self.int(sla["denominator"]) == 7)

        let queues = try #require(board["queues"] as? [[String: Any]])
        let payroll = try #require(queues.first { $0["id"] as? String == "payroll" })
        #expect(Self.int(payroll["open"]) == 2 && Self.int(payroll["resolved_today"]) == 1)
        let people = try #require(board["people"] as? [[String: Any]])
        #expect(people.map { $0["login"] as? String } == ["lead", "pat", "tester"])
    }

    @Test func agentsSeeOnlyTheirOwnRowAndBadFormatsAreRefused() throws {
        let d = try BoardEndToEndTests.desk()
        _ = try d.log(caller: "Someone", category: "cs.general-enquiry", extra: ["--resolved"])
        let agent = try d.as("pat").run(["board", "--print", "--format", "json", "--team"])
        #expect(agent.status == 0, "\(agent.stderr)")
        let board = try Self.object(agent.stdout)
        #expect((board["people"] as? [[String: Any]])?.map { $0["login"] as? String } == ["pat"])
        #expect((board["queues"] as? [[String: Any]])?.map { $0["id"] as? String } == ["payroll"])
        #expect(board["team_only"] as? Bool == true)

        let text = try d.as("lead").run(["board", "--print", "--detailed", "--size", "100x30"])
        #expect(text.status == 0 && text.stdout.contains("Queue board"), "\(text.stdout)")

        for (args, message) in [(["board", "--print", "--format", "xml"], "unknown format \"xml\": use one of text, json"),
                                (["board", "--format", "json"], "--format goes with --print")] {
            let r = try d.run(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.firstErrorLine.contains(message), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
