import Foundation
import Testing

/// A last line that lost only its final newline (issue 15, item 5): the
/// old code moved the whole, acknowledged event to torn/ and reused its
/// seq, and `verify` still said "chain intact".
@Suite("Unterminated last line")
struct UnterminatedLineTests {
    func segment(_ desk: Bscdesk) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory).filter { $0.hasSuffix(".jsonl") }.sorted()
        return desk.journalDirectory + "/" + names.last!
    }

    func dropFinalNewline(_ path: String) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.last == 10)
        data.removeLast()
        try data.write(to: URL(fileURLWithPath: path))
    }

    func seqs(_ desk: Bscdesk) throws -> [Int] {
        try desk.journalLines().map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["seq"] as! Int }
    }

    @Test func aWholeEventLackingOnlyItsNewlineIsCompletedNotTorn() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        let acknowledged = try desk.log(summary: "acknowledged")
        try dropFinalNewline(try segment(desk))
        let r = try desk.run(["log", "--caller", "Next", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "next"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("lacked only its newline"), "\(r.stderr)")
        #expect(try seqs(desk) == [1, 2, 3])
        let torn = desk.journalDirectory + "/torn"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: torn)) ?? []).isEmpty)
        let show = try desk.run(["show", acknowledged])
        #expect(show.status == 0)
        #expect(show.stdout.contains("acknowledged"))
        let verify = try desk.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("checked 3 events"), "\(verify.stdout)")
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
    }

    /// A last line that does not chain on the one before (planted, or its
    /// numbers wrong) is not completed: it goes to torn/ like a fragment.
    @Test func anUnchainedLastLineIsStillTorn() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        try JournalPlanting.plant(desk, terminated: false, chained: false)
        let r = try desk.run(["log", "--caller", "Next", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "next"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("moved to"), "\(r.stderr)")
        #expect(try seqs(desk) == [1, 2])
        let torn = try FileManager.default.contentsOfDirectory(atPath: desk.journalDirectory + "/torn")
        #expect(torn.count == 1)
    }

    /// A journal the old code repaired: the whole event sits in torn/ and
    /// its seq was given to the next event. verify now says so.
    @Test func verifyNoticesASeqReusedAfterTheGap() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "first")
        _ = try desk.log(summary: "lost")
        let seg = try segment(desk)
        var lines = try String(contentsOfFile: seg, encoding: .utf8).split(separator: "\n").map(String.init)
        let lost = lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(toFile: seg, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: desk.journalDirectory + "/torn", withIntermediateDirectories: true)
        let size = try FileManager.default.attributesOfItem(atPath: seg)[.size] as! Int
        let name = URL(fileURLWithPath: seg).lastPathComponent + ".\(size).fragment"
        try lost.write(toFile: desk.journalDirectory + "/torn/" + name, atomically: false, encoding: .utf8)
        _ = try desk.log(summary: "reuses seq 2")
        #expect(try seqs(desk) == [1, 2])
        let verify = try desk.run(["verify"])
        #expect(verify.status == 1, "\(verify.stdout)")
        #expect(verify.stdout.contains("LOST: torn/\(name) holds a whole event (seq 2, BSC-000002)"), "\(verify.stdout)")
    }
}
