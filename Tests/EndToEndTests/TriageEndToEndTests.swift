import Foundation
import Testing

@Suite("Triage commands through the real binary")
struct TriageEndToEndTests {
    @Test func triagePrintsRankedSuggestionsWithQueues() throws {
        let desk = try Bscdesk.fresh()
        let r = try desk.run(["triage", "my bank details have changed"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.count >= 2)
        #expect(rows[1].contains("exchequer.bank-details") && rows[1].contains("exchequer"))
        let json = try desk.run(["triage", "payslip missing", "--format", "json"])
        let arr = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(arr.first?["category"] as? String == "payroll.payslip")
        #expect(arr.first?["queue"] as? String == "payroll")
        #expect((arr.first?["matched"] as? [String])?.contains("payslip") == true)
        let bad = try desk.run(["triage", "x", "--format", "csv"])
        #expect(bad.status == 64 && bad.firstErrorLine.contains("use table or json"))
    }

    @Test func routeWithoutDetailsIsRefusedWithExit65AndWritesNothing() throws {
        let desk = try Bscdesk.fresh()
        let ref = try desk.log()
        let before = try desk.journalLines()
        let r = try desk.run(["route", ref, "exchequer", "--detail", "account-number=S1"])
        #expect(r.status == 65)
        #expect(r.firstErrorLine.contains("missing hand-off details invoice-number (Invoice number)"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try desk.journalLines() == before)
        let ret = try desk.run(["return", ref])
        #expect(ret.status == 64 && ret.firstErrorLine.contains("--note"))
        #expect(try desk.journalLines() == before)
    }

    @Test func identityCallbackMergeLinkAndReturn() throws {
        let desk = try Bscdesk.fresh()
        // Refused, then verified on log.
        let refused = try desk.run(["log", "--caller", "Supplier Ltd", "--channel", "phone", "--category", "exchequer.bank-details",
                                    "--summary", "New bank", "--route", "exchequer", "--detail", "account-number=S1", "--detail", "invoice-number=I1"])
        #expect(refused.status == 65 && refused.firstErrorLine.contains("--verified"))
        let bank = try desk.log(category: "exchequer.bank-details", extra: ["--verified", "call-back to number on file", "--route", "exchequer",
                                                                           "--detail", "account-number=S1", "--detail", "invoice-number=I1"])
        let shown = try desk.run(["show", bank])
        #expect(shown.stdout.contains("verified: call-back to number on file"))
        #expect(try desk.run(["return", bank, "--note", "Needs the signed letter"]).status == 0)
        #expect(try desk.run(["show", bank, "--format", "json"]).stdout.contains("\"queue\":\"customer-services\"") ||
                (try desk.run(["show", bank, "--format", "json"]).stdout.contains("\"queue\": \"customer-services\"")))

        // Call back in the past is refused; a due one is listed with --due.
        let a = try desk.log(summary: "call me", extra: [])
        let past = try desk.run(["callback", a, "2020-01-06T10:00"])
        #expect(past.status == 64 && past.firstErrorLine.contains("in the past"))
        let soon = try desk.log(summary: "later", extra: ["--callback", "2099-01-05T10:00"])
        let due = try desk.run(["list", "--due", "--format", "json"])
        let dueArr = try #require(try JSONSerialization.jsonObject(with: Data(due.stdout.utf8)) as? [[String: Any]])
        #expect(dueArr.isEmpty)
        let list = try desk.run(["list", "--format", "json"])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let soonRow = all.first { $0["ref"] as? String == soon }
        #expect(soonRow?["callback"] as? String == "2099-01-05T10:00:00.000Z")
        #expect(soonRow?["callback_due"] as? Bool == false)

        // Merge and link.
        let dup = try desk.log(summary: "dup call")
        #expect(try desk.run(["note", dup, "dup note"]).status == 0)
        #expect(try desk.run(["merge", dup, "--into", a]).status == 0)
        let survivor = try desk.run(["show", a])
        #expect(survivor.stdout.contains("History of \(dup) (merged)"))
        #expect(survivor.stdout.contains("dup note"))
        let dupJSON = try JSONSerialization.jsonObject(with: Data(try desk.run(["show", dup, "--format", "json"]).stdout.utf8)) as? [String: Any]
        #expect(dupJSON?["status"] as? String == "closed")
        #expect(dupJSON?["merged_into"] as? String == a)
        #expect(try desk.run(["link", a, soon]).status == 0)
        #expect(try desk.run(["show", soon]).stdout.contains("Linked          \(a)"))
        #expect(try desk.run(["show", a]).stdout.contains(soon))
    }
}
