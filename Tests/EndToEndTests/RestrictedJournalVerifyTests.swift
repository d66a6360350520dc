import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import Testing

/// Issue 15, item 8: a data directory not yet migrated still holds
/// `restricted/<queue>/<login>/YYYY-MM.jsonl` journals (the personal
/// content of restricted tickets written before encryption). `verify`
/// ignored them: an edited name there still gave "chain intact", and a
/// deleted line made the caller "(anonymous)" without a word.
@Suite("Restricted journals of before encryption are verified")
struct RestrictedJournalVerifyTests {
    static func at(_ text: String) -> Instant { Timestamp.parse(text)! }
    static let names = ["Bertha Vine", "Cedric Moss", "Dora Hale"]

    /// A journal written before encryption with three appointeeship
    /// tickets: redacted and `sealed` in the main journal, their content
    /// in tester's restricted journal, one line each.
    func plaintextDesk() throws -> (Bscdesk, restricted: String) {
        let desk = try Bscdesk.fresh()
        let made = try desk.run(["verify"])
        guard made.status == 0 else { throw TestFailure("could not create the data directory: \(made.stderr)") }
        var main: [Event] = []
        var content: [Event] = []
        for (i, name) in Self.names.enumerated() {
            let ts = "2026-10-0\(i + 1)T09:30:00.000Z"
            let body = EventBody.opened(
                caller: Caller(name: name, type: .serviceUser), category: "appointeeship.allowance", queue: "customer-services",
                priority: .normal, contact: ContactRecord(channel: .phone, summary: "Allowance of \(name) not received", received: Self.at(ts)),
                details: [:])
            let parts = try #require(Sealing.seal(body))
            var e = Event(id: String(format: "%032x", i + 1), at: Self.at(ts), user: "tester", ref: TicketRef(i + 1), body: parts.redacted)
            e.sealed = "appointeeship"
            main.append(e)
            content.append(Event(id: String(format: "%032x", 100 + i), at: e.at, user: "tester", ref: e.ref,
                                 body: .sealedContent(of: e.id, content: parts.content)))
        }
        let clock = ManualClock(Self.at("2026-10-31T00:00:00.000Z"))
        try Journal(directory: desk.journalDirectory, clock: clock).writeHistory(main)
        let dir = desk.data + "/restricted/appointeeship/tester"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Journal(directory: dir, clock: clock).writeHistory(content)
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".jsonl") })
        return (desk, dir + "/" + file)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func write(_ lines: [String], _ path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func anIntactRestrictedJournalIsCheckedAndPasses() throws {
        let (desk, _) = try plaintextDesk()
        let r = try desk.run(["verify"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("restricted journals of before encryption: checked 3 events in 1 journal(s)"), "\(r.stdout)")
        #expect(r.stdout.contains("result: chain intact"))
        let doctor = try desk.run(["doctor"])
        #expect(doctor.stdout.contains("restricted journals of before encryption: 1 read"), "\(doctor.stdout)")
        // The content is really read back from there.
        #expect(try desk.run(["show", "BSC-000002"]).stdout.contains("Cedric Moss"))
    }

    @Test func anEditedRestrictedLineIsCaughtWithItsFileAndLine() throws {
        let (desk, path) = try plaintextDesk()
        var l = try lines(path)
        l[1] = l[1].replacingOccurrences(of: "Cedric Moss", with: "Cedric Mass")
        try write(l, path)
        let file = URL(fileURLWithPath: path).lastPathComponent
        let r = try desk.run(["verify"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("TAMPERED: restricted/appointeeship/tester/\(file):2: the chain breaks here"), "\(r.stdout)")
        #expect(r.stdout.contains("result: TAMPERING FOUND"), "\(r.stdout)")
    }

    /// The last line deleted: the chain of what is left is whole, but the
    /// main journal's sealed event has lost its content.
    @Test func aDeletedRestrictedLineIsCaught() throws {
        let (desk, path) = try plaintextDesk()
        try write(Array(try lines(path).dropLast()), path)
        let r = try desk.run(["verify"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("BSC-000003 seq 3 (ticket.opened) is sealed into appointeeship, but no journal in restricted/appointeeship holds its content"),
                "\(r.stdout)")
    }

    @Test func aDamagedRestrictedLineIsReportedByDoctorAndVerify() throws {
        let (desk, path) = try plaintextDesk()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("not json \u{1B}[2J\n".utf8))
        try handle.close()
        let file = URL(fileURLWithPath: path).lastPathComponent
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 1, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("damaged restricted lines: 1"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("restricted/appointeeship/tester/\(file):4: "), "\(doctor.stdout)")
        let verify = try desk.run(["verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("TAMPERED: restricted/appointeeship/tester/\(file):4: the line has no chain hash"), "\(verify.stdout)")
        for r in [doctor, verify] {
            #expect(EscapeInjectionTests.dangerous(r.stdout + r.stderr).isEmpty)
        }
    }
}
