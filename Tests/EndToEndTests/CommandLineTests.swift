import Foundation
import Testing

@Suite("Command line, real binary and files")
struct CommandLineTests {
    @Test func logPrintsOnlyTheReferenceAndShowFindsIt() throws {
        let desk = try Bscdesk.fresh()
        let r = try desk.run(["log", "--caller", "Zoë Łukasik", "--ref", "E123456", "--channel", "phone",
                              "--category", "payroll.salary-query", "--summary", "Pay short", "--duration", "4m30s", "--resolved"])
        #expect(r.status == 0)
        #expect(r.stdout == "BSC-000001\n")
        let show = try desk.run(["show", "BSC-000001"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Zoë Łukasik"))
        #expect(show.stdout.contains("resolved at first contact"))
        let json = try desk.run(["show", "1", "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(obj?["status"] as? String == "resolved")
        #expect(obj?["first_contact_resolution"] as? Bool == true)
        #expect((obj?["history"] as? [Any])?.count == 2)
    }

    @Test func badInputGetsOneLineErrorAndWritesNothing() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log()
        let before = try desk.journalLines()
        let cases: [([String], Int32, String)] = [
            (["log", "--caller", "A", "--channel", "fax", "--category", "payroll.payslip", "--summary", "x"], 64, "unknown channel \"fax\": use one of phone, email"),
            (["log", "--caller", "A", "--channel", "phone", "--category", "nope", "--summary", "x"], 64, "unknown category \"nope\""),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x", "--duration", "9h"], 64, "at most 8 hours"),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x", "--duration", "4x"], 64, "bad duration \"4x\""),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x", "--received", "2099-01-01T10:00"], 64, "in the future"),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x", "--received", "2026-03-29T01:30"], 64, "does not exist"),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x", "--received", "2026-10-25T01:30"], 64, "happens twice"),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.overpayment", "--summary", "x", "--route", "payroll"], 65, "missing hand-off details employee-number"),
            (["log", "--caller", "A", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x", "--route", "nowhere"], 64, "unknown queue \"nowhere\""),
            (["resolve", "BSC-000999"], 65, "unknown reference BSC-000999"),
            (["close", "BSC-000001"], 65, "cannot close BSC-000001: it is open; from open you can:"),
            (["pending", "1", "--reason", "lunch"], 64, "unknown pending reason \"lunch\": use one of customer, third-party"),
            (["list", "--status", "lost"], 64, "unknown status \"lost\""),
            // A sentence in --ref is refused, by the call form's rule.
            (["log", "--caller", "A", "--ref", "he has no money for food", "--channel", "phone", "--category", "payroll.payslip", "--summary", "x"], 64,
             "caller ref \"he has no money for food\" is not a reference; a reference is a code such as E200004"),
            (["edit", "BSC-000001", "--ref", "call back later"], 64, "caller ref \"call back later\" is not a reference"),
        ]
        for (args, status, message) in cases {
            let r = try desk.run(args)
            #expect(r.status == status, "\(args): \(r.stderr)")
            #expect(r.firstErrorLine.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        #expect(try desk.journalLines() == before)
    }

    @Test func lifecycleThroughTheCommandLine() throws {
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(category: "payroll.overpayment", extra: ["--route", "payroll", "--detail", "employee-number=E1", "--detail", "pay-period=2026-10"])
        #expect(try desk.run(["note", ref, "Checked the payslip"]).status == 0)
        #expect(try desk.run(["assign", ref, "tester"]).status == 0)
        #expect(try desk.run(["pending", ref, "--reason", "customer"]).status == 0)
        #expect(try desk.run(["resume", ref]).status == 0)
        #expect(try desk.run(["resolve", ref, "--note", "Refund arranged"]).status == 0)
        #expect(try desk.run(["reopen", ref]).status == 0)
        #expect(try desk.run(["resolve", ref]).status == 0)
        #expect(try desk.run(["feedback", ref, "4", "--source", "survey"]).status == 0)
        #expect(try desk.run(["close", ref]).status == 0)
        let json = try desk.run(["show", ref, "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(obj?["status"] as? String == "closed")
        #expect(obj?["reopened"] as? Int == 1)
        #expect(obj?["first_contact_resolution"] as? Bool == false)
        let types = (obj?["history"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
        #expect(types == ["ticket.opened", "ticket.routed", "ticket.noted", "ticket.assigned", "ticket.pending", "ticket.resumed",
                          "ticket.resolved", "ticket.reopened", "ticket.resolved", "feedback.recorded", "ticket.closed"])
    }

    @Test func correctionsKeepBothValuesInHistory() throws {
        let desk = try Bscdesk.fresh()
        let ref = try desk.log(caller: "Jon Smiht", category: "payroll.payslip")
        let r = try desk.run(["edit", ref, "--caller", "Jon Smith", "--category", "payroll.tax"])
        #expect(r.status == 0, "\(r.stderr)")
        let show = try desk.run(["show", ref])
        #expect(show.stdout.contains("corrected caller-name: \"Jon Smiht\" → \"Jon Smith\""))
        #expect(show.stdout.contains("corrected category: \"payroll.payslip\" → \"payroll.tax\""))
        let list = try desk.run(["list", "--format", "json"])
        let arr = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(arr?.first?["category"] as? String == "payroll.tax")
    }
}
