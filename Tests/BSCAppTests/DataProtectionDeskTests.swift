import Foundation
import Testing
import BSCCore
import BSCJournal
@testable import BSCApp

/// Keys, restricted routing and retention on real files, with a fixed
/// clock (docs/data-protection.md).
@Suite("Data protection: keys, restricted routing, retention")
struct DataProtectionDeskTests {
    func keyFiles(_ w: TriageWorld, under sub: String) -> [String: String] {
        var out: [String: String] = [:]
        let root = w.data.path + "/keys/" + sub
        let e = FileManager.default.enumerator(atPath: root)
        while let rel = e?.nextObject() as? String {
            guard rel.hasSuffix(".keys") else { continue }
            out[rel] = (try? String(contentsOfFile: root + "/" + rel, encoding: .utf8)) ?? ""
        }
        return out
    }

    @Test func routingIntoARestrictedQueueMovesTheKeySoEarlierEventsCloseToOutsiders() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let ann = try w.desk("ann")
        let (r, _) = try ann.logFirstContact(w.contact("Early Name", ref: "E555001", category: "payroll.salary-query", summary: "Early summary"))
        // Before routing: an ordinary agent reads it, the key is in the main store.
        #expect(try w.desk("bob").ticket(r).caller.name == "Early Name")
        #expect(keyFiles(w, under: "tickets").values.contains { $0.contains(r.description) })
        try ann.route(r, to: "appointeeship", details: ["client-reference": "CL-SECRET"], note: "Late secret note")
        // After: the key has left the main store for the queue's folder.
        #expect(!keyFiles(w, under: "tickets").values.contains { $0.contains(r.description) })
        #expect(keyFiles(w, under: "restricted/appointeeship").values.contains { $0.contains(r.description) })
        let main = try w.mainJournalBytes()
        for secret in ["Early Name", "E555001", "Early summary", "CL-SECRET", "Late secret note"] {
            #expect(!main.contains(secret), "\(secret) in the journal")
        }
        // A fresh outside desk cannot read even the first contact.
        let bob = try w.desk("bob")
        let t = try bob.ticket(r)
        #expect(t.caller.name.isEmpty && t.summary.isEmpty && t.details.isEmpty)
        let opened = try #require(try bob.history(r).first)
        if case .opened(let caller, _, _, _, let contact, _) = opened.body {
            #expect(caller.name.isEmpty && contact.summary.isEmpty)
        } else { Issue.record("no opening event") }
        // The team does.
        let appo = try w.desk("appo")
        #expect(appo.visible(try appo.ticket(r)).caller.name == "Early Name")
        #expect(appo.visible(try appo.ticket(r)).details["client-reference"] == "CL-SECRET")
    }

    @Test func figuresUseTheBlindIndexSoTheyDoNotDependOnDecryption() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        let (a, _) = try sup.logFirstContact(w.contact("Jo Bloggs", ref: "E 100 200", outcome: .resolved))
        w.clock.advance(millis: 3_600_000)
        let (b, _) = try sup.logFirstContact(w.contact("jo bloggs", ref: "e100200"))
        let t1 = try sup.ticket(a), t2 = try sup.ticket(b)
        #expect(t1.caller.referenceIndex != nil && t1.caller.referenceIndex == t2.caller.referenceIndex)
        #expect(t1.caller.nameIndex == t2.caller.nameIndex)
        #expect(sup.metricsEngine().index.disqualification(of: a) == .sameCallerNewTicket)
        _ = try sup.erase([a], reason: "test")
        let after = try w.desk("sup")
        #expect(try after.ticket(a).caller.name == Desk.erasedText)
        #expect(after.metricsEngine().index.disqualification(of: a) == .sameCallerNewTicket)
    }

    @Test func retentionShredsExactlyTheTicketsPastTheRule() throws {
        var w = try TriageWorld(at: londonTime("2019-11-04", 10))
        let sup0 = try w.desk("sup")
        let (old, _) = try sup0.logFirstContact(w.contact("Seven Years", ref: "E700007", summary: "old call", outcome: .resolved))
        try sup0.close(old)
        w.clock.set(londonTime("2021-11-04", 10))
        let sup1 = try w.desk("sup")
        let (newer, _) = try sup1.logFirstContact(w.contact("Five Years", ref: "E500005", summary: "newer call", outcome: .resolved))
        try sup1.close(newer)
        let (open, _) = try sup1.logFirstContact(w.contact("Still Open", summary: "never closed"))
        w.clock.set(londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        #expect(try sup.retentionDue().map(\.ref) == [old])
        // Agents may not.
        #expect(throws: DeskError.self) { try w.desk("ann").retentionDue() }
        let (due, report) = try sup.applyRetention()
        #expect(due.map(\.ref) == [old])
        #expect(report?.erased == [old])
        let lines = try w.mainJournalBytes().split(separator: "\n")
        let erasedLines = lines.filter { $0.contains("\"subject.erased\"") }
        #expect(erasedLines.count == 1)
        let line = String(erasedLines[0])
        #expect(line.contains("\"refs\":\"\(old)\"") && line.contains("\"basis\":\"retention\"") && line.contains("6 years"))
        let again = try w.desk("sup")
        #expect(try again.ticket(old).caller.name == Desk.erasedText)
        #expect(try again.ticket(newer).caller.name == "Five Years")
        #expect(try again.ticket(open).caller.name == "Still Open")
        #expect(try again.retentionDue().isEmpty)
        // A category's own rule wins: four years reaches the newer one too.
        w.config.retentionYearsByCategory["payroll.salary-query"] = 4
        #expect(try w.desk("sup").retentionDue().map(\.ref) == [newer])
    }

    @Test func aKeyStoredAfterTheLoaderReadTheStoreIsFoundOnAMiss() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let appo = try w.desk("appo")
        let sup = try w.desk("sup")
        let (r, _) = try sup.logFirstContact(w.contact("Winifred Quaglia", category: "appointeeship.allowance",
                                                       summary: "Allowance stopped", details: ["client-reference": "CL-2"]))
        try appo.refresh()
        #expect(appo.visible(try appo.ticket(r)).caller.name == "Winifred Quaglia")
    }

    @Test func aDamagedKeyLineIsReportedWithItsFileAndLineAndSkipped() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        let (a, _) = try sup.logFirstContact(w.contact("First Caller"))
        let (b, _) = try sup.logFirstContact(w.contact("Second Caller"))
        let bucket = w.data.path + "/keys/tickets/b-0000.keys"
        var text = try String(contentsOfFile: bucket, encoding: .utf8)
        text = text.replacingOccurrences(of: a.description + " ", with: a.description + " !!")
        try text.write(toFile: bucket, atomically: false, encoding: .utf8)
        let d = try w.desk("sup")
        #expect(d.keys.problems.contains { $0.hasSuffix("b-0000.keys:1: not a key line (BSC-000123 and a base64 key); skipped") })
        #expect(try d.ticket(b).caller.name == "Second Caller")
        #expect(try d.ticket(a).caller.name.isEmpty)
    }

    @Test func aKeyFileThatIsALinkIsRefused() throws {
        let w = try TriageWorld(at: londonTime("2026-11-24", 10))
        let sup = try w.desk("sup")
        let (a, _) = try sup.logFirstContact(w.contact("First Caller"))
        let bucket = w.data.path + "/keys/tickets/b-0000.keys"
        try FileManager.default.moveItem(atPath: bucket, toPath: bucket + ".real")
        try FileManager.default.createSymbolicLink(atPath: bucket, withDestinationPath: bucket + ".real")
        let d = try w.desk("sup")
        #expect(d.keys.problems.contains { $0.contains("b-0000.keys") && $0.contains("link") })
        #expect(try d.ticket(a).caller.name.isEmpty)
    }
}
