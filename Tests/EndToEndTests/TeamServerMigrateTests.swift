import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk migrate` through a real team server, as real OS users
/// (issue 16's migration on issue 13's server): a supervisor brings the
/// server's plaintext journal under encryption without the service
/// account; the server goes on from the new journal at once. Needs root.
@Suite("Team server: migrating the server's journal", .serialized)
struct TeamServerMigrateTests {
    static let name = "Zebedee Quux"
    static let summary = "Overpayment in September, wants a repayment plan"

    static func at(_ text: String) -> Instant { Timestamp.parse(text)! }

    /// The server's journal as written before encryption: personal fields
    /// in clear, a whole chain (written as root, then handed back).
    static func writePlaintextHistory(_ f: TeamServerFixture) throws {
        var n = 0
        func ev(_ ts: String, _ ref: Int, _ body: EventBody) -> Event {
            n += 1
            return Event(id: String(format: "%032x", n), at: at(ts), user: f.sup, ref: TicketRef(ref), body: body)
        }
        func opened(_ ts: String, _ caller: Caller, _ category: String, _ summary: String) -> EventBody {
            .opened(caller: caller, category: category, queue: "customer-services", priority: .normal,
                    contact: ContactRecord(channel: .phone, summary: summary, received: at(ts), durationMillis: 240_000), details: [:])
        }
        let zeb = Caller(name: name, type: .employee, reference: "Q123456", phone: "07700 900461")
        let events = [
            ev("2026-09-10T09:00:00.000Z", 1, opened("2026-09-10T09:00:00.000Z", zeb, "payroll.overpayment", summary)),
            ev("2026-09-10T09:05:00.000Z", 1, .routed(queue: "payroll", details: ["employee-number": "Q123456"], note: nil)),
            ev("2026-09-15T11:00:00.000Z", 2, opened("2026-09-15T11:00:00.000Z", Caller(name: "Ada Other", type: .employee), "cs.general-enquiry", "Tax code question")),
            ev("2026-09-15T11:04:00.000Z", 2, .resolved(note: nil, firstContact: true)),
            ev("2026-10-20T15:00:00.000Z", 3, opened("2026-10-20T15:00:00.000Z", zeb, "cs.general-enquiry", "Second call about the plan")),
        ]
        let journal = f.data + "/journal"
        if access(journal, F_OK) != 0 { try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: false) }
        for name in try FileManager.default.contentsOfDirectory(atPath: journal) where name.hasSuffix(".jsonl") {
            throw TestFailure("serve --init wrote \(name); the fixture expects an empty journal")
        }
        try Journal(directory: journal, clock: ManualClock(at("2026-10-31T00:00:00.000Z"))).writeHistory(events)
        try TeamServerFixture.check(TeamServerFixture.command("/bin/chown", ["-R", "\(f.service):\(f.group)", f.data]), "chown")
    }

    func journalText(_ f: TeamServerFixture) throws -> String {
        let dir = f.data + "/journal"
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { try String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }.joined()
    }

    @Test func aSupervisorMigratesTheServersJournalAndTheServerGoesOn() throws {
        let t = try ServerTwin(prepare: { f, _ in try Self.writePlaintextHistory(f) })
        defer { t.cleanUp() }
        let (amy, sup) = (t.f.amy, t.f.sup)
        #expect(try journalText(t.f).contains(Self.name), "the fixture is not in clear, so the checks below could not fail")
        let period = ["--from", "2026-09-01", "--to", "2026-10-31"]
        let statsBefore = try t.f.client(sup, ["stats", "--by", "category"] + period)
        #expect(statsBefore.status == 0, "\(statsBefore.stderr)")

        // Agents may not; a dry run writes nothing.
        let byAgent = try t.f.client(amy, ["migrate"])
        #expect(byAgent.status == 77, "\(byAgent.stderr)")
        #expect(byAgent.stderr.contains("migration is for supervisors"), "\(byAgent.stderr)")
        let dry = try t.f.client(sup, ["migrate", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("dry run: nothing was written"), "\(dry.stdout)")
        #expect(try journalText(t.f).contains(Self.name))

        let run = try t.f.client(sup, ["migrate"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("archived: "), "\(run.stdout)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        #expect(!(try journalText(t.f).contains(Self.name)), "a personal field is still in clear in journal/")
        #expect(t.f.log().contains("journal migrated by \(sup); projection rebuilt"), "\(t.f.log())")

        // The archive is the service account's, read-only.
        let archive = t.f.data + "/archive"
        let names = try FileManager.default.contentsOfDirectory(atPath: archive)
        #expect(names.count == 1 && names[0].hasPrefix("plaintext-"), "\(names)")
        var st = stat()
        #expect(lstat(archive + "/" + names[0], &st) == 0)
        #expect(st.st_mode & 0o777 == 0o500)
        #expect(st.st_uid == (getpwnam(t.f.service)?.pointee.pw_uid ?? 0))

        // The running server answers from the new journal: the same
        // figures, the ticket still readable, and new calls chained on.
        let statsAfter = try t.f.client(sup, ["stats", "--by", "category"] + period)
        #expect(statsAfter.stdout.split(separator: "\n").filter { !$0.contains("as at") && !$0.contains("head") }
                == statsBefore.stdout.split(separator: "\n").filter { !$0.contains("as at") && !$0.contains("head") })
        let shown = try t.f.client(sup, ["show", "BSC-000001"])
        #expect(shown.status == 0 && shown.stdout.contains(Self.name), "\(shown.stdout)\(shown.stderr)")
        let logged = try t.f.client(amy, ["log", "--caller", "Pat New", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "after the move"])
        #expect(logged.stdout == "BSC-000004\n", "\(logged.stdout)\(logged.stderr)")
        let verify = try t.f.client(amy, ["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("checked 7 events") && verify.stdout.contains("chain intact"), "\(verify.stdout)")
        #expect(verify.stdout.contains("note: migrated from a journal of before encryption"))
        #expect(!(try journalText(t.f).contains("Pat New")))

        let again = try t.f.client(sup, ["migrate"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already migrated"), "\(again.stdout)")
    }
}
