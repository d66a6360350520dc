import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `verify`, `doctor` and `categories` through a real team server, as
/// real OS users (protocol version 4): nobody needs the service account to
/// check the journal, each role gets what the docs say, and the answer is
/// the one the same command gives in-process. Needs root.
@Suite("Team server: verify, doctor and categories", .serialized)
struct TeamServerChecksTests {
    /// The server's newest journal file (as root).
    func newestSegment(_ t: ServerTwin) throws -> String {
        let dir = t.f.data + "/journal"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted()
        guard let last = names.last else { throw TestFailure("no journal file in the server's directory") }
        return dir + "/" + last
    }

    @Test func everyRoleChecksTheJournalWithoutTheServiceAccount() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let (amy, sup, who) = (t.f.amy, t.f.sup, t.f.stranger)
        for i in 1...3 {
            #expect(try t.f.client(amy, ["log", "--caller", "Pat \(i)", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "q \(i)"]).status == 0)
        }

        // verify: any role, the same report as the service account's own
        // run on the files, and the head it names.
        let byAgent = try t.f.client(amy, ["verify"])
        #expect(byAgent.status == 0, "\(byAgent.stderr)")
        #expect(byAgent.stdout.contains("result: chain intact"))
        let direct = try t.f.runAs(t.f.service, ["/usr/bin/env", "BSCDESK_USER=\(sup)", "BSCDESK_SYSTEM_CONFIG=/nonexistent", Bscdesk.binary, "verify", "--data", t.f.data])
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(byAgent.stdout == direct.stdout, "through the server:\n\(byAgent.stdout)\nin-process:\n\(direct.stdout)")
        guard let head = byAgent.stdout.split(separator: "\n").first(where: { $0.hasPrefix("head: ") })?.dropFirst(6).prefix(64) else {
            throw TestFailure("no head line: \(byAgent.stdout)")
        }
        let against = try t.f.client(sup, ["verify", "--against", String(head)])
        #expect(against.status == 0, "\(against.stderr)")
        #expect(against.stdout.contains("earlier head \(head) is in the chain"))
        let badAgainst = try t.f.client(sup, ["verify", "--against", "nope"])
        #expect(badAgainst.status == 64)
        #expect(badAgainst.stderr.contains("64-character lower-case hex head hash"), "\(badAgainst.stderr)")

        // doctor: team leaders and supervisors; agents and strangers are refused.
        let agentDoctor = try t.f.client(amy, ["doctor"])
        #expect(agentDoctor.status == 77, "\(agentDoctor.stderr)")
        #expect(agentDoctor.stderr.contains("doctor is for team leaders and supervisors"))
        #expect(agentDoctor.stdout.isEmpty)
        #expect(try t.f.client(who, ["verify"]).status == 77)
        let doctor = try t.both(sup, ["doctor"])
        #expect(doctor.server.status == 0, "\(doctor.server.stderr)")
        #expect(doctor.server.stdout.contains("result: ok"))
        #expect(doctor.server.stdout.contains("journal: 1 segment file(s)"), "\(doctor.server.stdout)")

        // categories: everyone, identical to in-process (table and JSON).
        for format in ["table", "json"] {
            let c = try t.both(amy, ["categories", "--format", format])
            #expect(c.server.status == 0, "\(c.server.stderr)")
            #expect(c.server.stdout == c.local.stdout)
            #expect(c.server.stdout.contains("cs.general-enquiry"))
        }
        let badFormat = try t.both(amy, ["categories", "--format", "xml"])
        #expect(badFormat.server.status == 64)
        #expect(badFormat.server.stderr == badFormat.local.stderr)
        // Nothing above wrote: three tickets' events and no views logged.
        #expect(try t.f.journal().filter { ($0["type"] as? String) == "viewed" }.isEmpty)
    }

    @Test func tamperingFoundThroughTheServerExitsOneWithTheSameReport() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        let sup = t.f.sup
        for i in 1...3 {
            #expect(try t.f.client(sup, ["log", "--caller", "Pat \(i)", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "q \(i)"]).status == 0)
        }
        // Change one digit of the second line's time, in place (as root).
        let file = try newestSegment(t)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        guard let firstEnd = bytes.firstIndex(of: 0x0A),
              let ts = String(decoding: bytes[(firstEnd + 1)...], as: UTF8.self).range(of: "\"ts\":\"") else {
            throw TestFailure("no second line with a ts in \(file)")
        }
        let text = String(decoding: bytes[(firstEnd + 1)...], as: UTF8.self)
        let at = firstEnd + 1 + text.utf8.distance(from: text.startIndex, to: ts.upperBound) + 21  // a digit of the milliseconds
        bytes[at] = bytes[at] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try h.write(contentsOf: Data(bytes))
        try h.close()

        let r = try t.f.client(sup, ["verify"])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("TAMPERED: "), "\(r.stdout)")
        #expect(r.stdout.contains("result: TAMPERING FOUND"))
        #expect(r.stderr == "bscdesk: the journal's chain is broken: tampering found (see above)\n", "\(r.stderr)")
        let direct = try t.f.runAs(t.f.service, ["/usr/bin/env", "BSCDESK_USER=\(sup)", "BSCDESK_SYSTEM_CONFIG=/nonexistent", Bscdesk.binary, "verify", "--data", t.f.data])
        #expect(direct.status == 1)
        #expect(direct.stdout == r.stdout)
        #expect(direct.stderr == r.stderr)
    }
}
