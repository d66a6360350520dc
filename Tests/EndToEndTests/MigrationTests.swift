import BSCCore
import BSCJournal
import BSCTestSupport
import Foundation
import Testing

/// `bscdesk migrate` through the real binary (issue 16, "Migration";
/// docs/data-protection.md): a data directory written before encryption
/// is brought under crypto-shredding, the old segments kept read-only in
/// an archive that erase names.
@Suite("Migrating a plaintext data directory")
struct MigrationTests {
    static let name = "Zebedee Quux"
    static let reference = "Q123456"
    static let phone = "07700 900461"
    static let email = "zebedee.quux@example.org"
    static let note = "Zebedee prefers a call after four"
    static let summary = "Overpayment in September, wants a repayment plan"
    static let others = ["Ada Other", "Bertha Vine", "Carl Dunne", "E900001"]
    static let needles = [name, reference, phone, email, note, summary] + others

    static func at(_ text: String) -> Instant { Timestamp.parse(text)! }

    /// A data directory as bscdesk wrote it before encryption: personal
    /// fields in clear, in two month files, with a valid chain (the bulk
    /// writer encodes events as given; it encrypts nothing itself).
    func plaintextDesk() throws -> Bscdesk {
        let desk = try Bscdesk.fresh()
        let made = try desk.run(["verify"])
        guard made.status == 0 else { throw TestFailure("could not create the data directory: \(made.stderr)") }
        var n = 0
        func ev(_ ts: String, _ ref: Int, _ body: EventBody) -> Event {
            n += 1
            return Event(id: String(format: "%032x", n), at: Self.at(ts), user: "tester", ref: TicketRef(ref), body: body)
        }
        func opened(_ ts: String, _ caller: Caller, _ category: String, _ summary: String) -> EventBody {
            .opened(caller: caller, category: category, queue: "customer-services", priority: .normal,
                    contact: ContactRecord(channel: .phone, summary: summary, received: Self.at(ts), durationMillis: 240_000), details: [:])
        }
        let zeb = Caller(name: Self.name, type: .employee, reference: Self.reference, phone: Self.phone, email: Self.email)
        let events = [
            ev("2026-09-10T09:00:00.000Z", 1, opened("2026-09-10T09:00:00.000Z", zeb, "payroll.overpayment", Self.summary)),
            ev("2026-09-10T09:05:00.000Z", 1, .routed(queue: "payroll", details: ["employee-number": Self.reference], note: nil)),
            ev("2026-09-11T10:00:00.000Z", 1, .noted(text: Self.note)),
            ev("2026-09-15T11:00:00.000Z", 2, opened("2026-09-15T11:00:00.000Z", Caller(name: "Ada Other", type: .employee, reference: "E900001"), "payroll.salary-query", "Tax code question")),
            ev("2026-09-15T11:04:00.000Z", 2, .resolved(note: nil, firstContact: true)),
            ev("2026-09-29T14:00:00.000Z", 1, .resolved(note: "Plan agreed with Zebedee Quux", firstContact: false)),
            ev("2026-10-02T09:00:00.000Z", 1, .closed),
            ev("2026-10-05T09:30:00.000Z", 3, opened("2026-10-05T09:30:00.000Z", Caller(name: "Bertha Vine", type: .serviceUser), "appointeeship.allowance", "Allowance not received")),
            ev("2026-10-06T10:00:00.000Z", 4, opened("2026-10-06T10:00:00.000Z", Caller(name: "Carl Dunn", type: .supplier), "cs.general-enquiry", "Where is my invoice")),
            ev("2026-10-06T10:02:00.000Z", 4, .corrected(field: .callerName, from: "Carl Dunn", to: "Carl Dunne")),
            ev("2026-10-20T15:00:00.000Z", 5, opened("2026-10-20T15:00:00.000Z", zeb, "payroll.salary-query", "Second call about the plan")),
            ev("2026-10-20T15:06:00.000Z", 5, .resolved(note: nil, firstContact: true)),
            ev("2026-10-21T08:00:00.000Z", 4, .resolved(note: nil, firstContact: false)),
        ]
        // Bertha's ticket is restricted: written as before encryption,
        // its opening is redacted in the main journal (`sealed`) and its
        // content is in a restricted journal of its own.
        var sealed = events
        let i = try #require(sealed.firstIndex { $0.ref == TicketRef(3) })
        let parts = try #require(Sealing.seal(sealed[i].body))
        sealed[i].body = parts.redacted
        sealed[i].sealed = "appointeeship"
        let clock = ManualClock(Self.at("2026-10-31T00:00:00.000Z"))
        try Journal(directory: desk.journalDirectory, clock: clock).writeHistory(sealed)
        let content = Event(id: String(format: "%032x", 100), at: sealed[i].at, user: "tester", ref: TicketRef(3),
                            body: .sealedContent(of: sealed[i].id, content: parts.content))
        try FileManager.default.createDirectory(atPath: desk.data + "/restricted/appointeeship/tester", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try Journal(directory: desk.data + "/restricted/appointeeship/tester", clock: clock).writeHistory([content])
        return desk
    }

    /// Regular files under `dir` (relative path → bytes).
    func files(under dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = dir + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return out
    }

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    /// Stats without the lines that may change (the "as at" time, the head).
    func stable(_ s: String) -> String {
        s.split(separator: "\n").filter { !$0.localizedCaseInsensitiveContains("as at") && !$0.contains("as_at") && !$0.contains("head") }.joined(separator: "\n")
    }

    static let period = ["--from", "2026-09-01", "--to", "2026-10-31"]

    @Test func migrationEncryptsEveryEventKeepsFiguresAndArchivesTheOldSegments() throws {
        let desk = try plaintextDesk()
        // The fixture really is in clear, so the searches below can fail.
        let before = try files(under: desk.journalDirectory)
        #expect(Set(before.keys).isSuperset(of: ["2026-09.jsonl", "2026-10.jsonl"]))
        #expect(before.values.contains { String(decoding: $0, as: UTF8.self).contains(Self.name) })
        // (Showing the restricted ticket would append a ticket.viewed.)
        #expect(!before.values.contains { String(decoding: $0, as: UTF8.self).contains("Bertha Vine") })
        let verifyBefore = try desk.run(["verify"])
        #expect(verifyBefore.status == 0, "\(verifyBefore.stdout)\(verifyBefore.stderr)")
        let oldHead = try #require(verifyBefore.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }.map { String($0.dropFirst(6).prefix(64)) })
        var stats: [[String]: String] = [:]
        let statArgs = [["stats", "--by", "category"] + Self.period, ["stats", "--by", "caller-type", "--format", "json"] + Self.period,
                        ["stats", "--by", "queue", "--by", "channel"] + Self.period]
        for a in statArgs {
            let r = try desk.run(a)
            #expect(r.status == 0, "\(a): \(r.stderr)")
            stats[a] = r.stdout
        }
        #expect(stats[statArgs[0]]?.contains("payroll.overpayment") == true)

        // A dry run says what it would do and writes nothing.
        let dry = try desk.run(["migrate", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("13 events") && dry.stdout.contains(oldHead) && dry.stdout.contains("nothing was written"), "\(dry.stdout)")
        #expect(try files(under: desk.journalDirectory) == before)
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/archive"))

        let run = try desk.run(["migrate"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("archived: "), "\(run.stdout)")

        // The new journal verifies, and its first event records the old head.
        let verify = try desk.run(["verify"])
        #expect(verify.status == 0 && verify.stdout.contains("chain intact") && verify.stdout.contains("checked 14 events"), "\(verify.stdout)\(verify.stderr)")
        let lines = try desk.journalLines()
        let first = try #require(lines.first)
        #expect(first.contains(#""type":"journal.migrated""#) && first.contains(#""head":"\#(oldHead)""#) && first.contains(#""head_seq":13"#), "\(first)")
        #expect(first.contains(#""segments":"2026-09.jsonl 2026-10.jsonl""#) && first.contains(#""ts":"2026-09-10T09:00:00.000Z""#), "\(first)")
        // Ids, users and times are the originals; personal fields only in enc.
        #expect(lines[1].contains(#""id":"00000000000000000000000000000001""#) && lines[1].contains(#""ts":"2026-09-10T09:00:00.000Z""#) && lines[1].contains(#""enc":""#), "\(lines[1])")
        for (rel, bytes) in try files(under: desk.journalDirectory) {
            let text = String(decoding: bytes, as: UTF8.self)
            for n in Self.needles { #expect(!text.contains(n), "journal/\(rel) holds \(n) in clear") }
        }
        // Every figure is the same.
        for a in statArgs {
            let r = try desk.run(a)
            #expect(stable(r.stdout) == stable(stats[a] ?? ""), "\(a) changed:\n\(r.stdout)\nwas\n\(stats[a] ?? "")")
        }
        // A head recorded before the migration still checks out: the old
        // head itself, and an earlier one while the archive is kept.
        #expect(verify.stdout.contains("note: migrated from a journal of before encryption (head \(oldHead)"), "\(verify.stdout)")
        let atOldHead = try desk.run(["verify", "--against", oldHead])
        #expect(atOldHead.status == 0 && atOldHead.stdout.contains("the head of the journal this one was migrated from"), "\(atOldHead.stdout)")
        let september = String(decoding: before["2026-09.jsonl"] ?? Data(), as: UTF8.self)
        let fifth = try #require(september.split(separator: "\n").dropFirst(4).first)
        let earlier = String(fifth.suffix(66).prefix(64))
        let atEarlier = try desk.run(["verify", "--against", earlier])
        #expect(atEarlier.status == 0 && atEarlier.stdout.contains("is in the archived chain of before migration"), "\(earlier): \(atEarlier.stdout)")
        let forged = try desk.run(["verify", "--against", String(repeating: "e", count: 64)])
        #expect(forged.status == 1 && forged.stdout.contains("TAMPERED"), "\(forged.stdout)")

        // The content is all there for the desk, decrypted.
        let show = try desk.run(["show", "BSC-000001"])
        #expect(show.stdout.contains(Self.name) && show.stdout.contains(Self.note), "\(show.stdout)\(show.stderr)")
        #expect(try desk.run(["show", "BSC-000004"]).stdout.contains("Carl Dunne"))
        // The sealed ticket's content came back from its restricted journal, encrypted.
        #expect(try desk.run(["show", "BSC-000003"]).stdout.contains("Bertha Vine"))
        #expect(FileManager.default.fileExists(atPath: desk.data + "/keys/restricted/appointeeship/tester"))

        // The old segments, read-only and unchanged, in the archive.
        let archives = try FileManager.default.contentsOfDirectory(atPath: desk.data + "/archive")
        #expect(archives.count == 1 && archives[0].hasPrefix("plaintext-"), "\(archives)")
        let archived = desk.data + "/archive/" + archives[0]
        #expect(mode(archived) == 0o500 && mode(archived + "/journal") == 0o500)
        for seg in ["2026-09.jsonl", "2026-10.jsonl"] {
            #expect(mode(archived + "/journal/" + seg) == 0o400, "\(seg) mode \(String(mode(archived + "/journal/" + seg), radix: 8))")
            #expect(try Data(contentsOf: URL(fileURLWithPath: archived + "/journal/" + seg)) == before[seg])
        }
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/.migration"))
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/restricted"))
        let restrictedCopy = archived + "/restricted/appointeeship/tester/2026-10.jsonl"
        #expect(mode(restrictedCopy) == 0o400)
        #expect(try String(contentsOfFile: restrictedCopy, encoding: .utf8).contains("Bertha Vine"))

        // doctor names the archive; a second run says it is done.
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 0 && doctor.stdout.contains("archive: archive/" + archives[0]), "\(doctor.stdout)")
        let linesNow = try desk.journalLines()
        let again = try desk.run(["migrate"])
        #expect(again.status == 0 && again.stdout.contains("already migrated"), "\(again.stdout)\(again.stderr)")
        #expect(try desk.journalLines() == linesNow)

        // A subject access request names the archive files that hold the person.
        let out = try TempDir.make()
        let sar = try desk.run(["sar", "--caller", Self.reference, "--out", out + "/sar.json"])
        #expect(sar.status == 0, "\(sar.stderr)")
        let md = try String(contentsOfFile: out + "/sar.json.md", encoding: .utf8)
        #expect(md.contains("Archived journal files") && md.contains(archived + "/journal/2026-09.jsonl"), "\(md)")

        // Erasure shreds the live journal and lists the archive files to delete.
        let erase = try desk.run(["erase", "--caller", Self.reference, "--reason", "test", "--yes"])
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains("BSC-000001") && erase.stdout.contains("BSC-000005"), "\(erase.stdout)")
        for seg in ["2026-09.jsonl", "2026-10.jsonl"] {
            #expect(erase.stdout.contains(archived + "/journal/" + seg) && erase.stdout.contains("once 'bscdesk verify' passes"), "\(erase.stdout)")
        }
        #expect(!erase.stdout.contains("written before encryption and stay readable"), "\(erase.stdout)")
        #expect(try desk.run(["show", "BSC-000001"]).stdout.contains("(erased)"))
        #expect(try desk.run(["verify"]).status == 0)
    }

    @Test func aDamagedOldChainIsRefusedAndNothingIsWritten() throws {
        let desk = try plaintextDesk()
        let seg = desk.journalDirectory + "/2026-09.jsonl"
        let text = try String(contentsOfFile: seg, encoding: .utf8)
        try text.replacingOccurrences(of: "Tax code question", with: "Tax code questions").write(toFile: seg, atomically: false, encoding: .utf8)
        let before = try files(under: desk.data)
        for args in [["migrate"], ["migrate", "--dry-run"]] {
            let r = try desk.run(args)
            #expect(r.status == 65, "\(args): \(r.status) \(r.stdout)\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.firstErrorLine.contains("does not verify") && r.firstErrorLine.contains("nothing was written"), "\(r.stderr)")
            #expect(try files(under: desk.data) == before)
        }
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/archive"))
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/.migration"))
    }

    /// A write that fails midway (a file-size limit the new segments
    /// exceed) leaves the data directory as it was: the old journal live,
    /// no archive, no work folder. Then a run that stops between the swap
    /// and the archiving is finished by the next run.
    @Test func aFailureMidwayChangesNothingAndAnInterruptedSwapIsFinished() throws {
        let desk = try plaintextDesk()
        _ = try desk.run(["stats"] + Self.period)  // anything that creates the blind-index key may
        let before = try files(under: desk.data)
        let limited = try desk.run(["-c", "ulimit -f 2 && exec \"$0\" migrate", Bscdesk.binary], binary: "/bin/sh")
        #expect(limited.status == 74, "\(limited.status) \(limited.stdout)\(limited.stderr)")
        #expect(limited.firstErrorLine.contains("File too large") || limited.firstErrorLine.contains("EFBIG"), "\(limited.stderr)")
        var after = try files(under: desk.data)
        // Only the blind-index key may have been made (it never leaves keys/).
        after["keys/index.key"] = before["keys/index.key"]
        #expect(after == before, "changed: \(Set(after.keys).symmetricDifference(before.keys))")
        #expect(try desk.run(["verify"]).stdout.contains("checked 13 events"))

        let run = try desk.run(["migrate"])
        #expect(run.status == 0, "\(run.stderr)")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: desk.data + "/archive").first)
        let archived = desk.data + "/archive/" + folder
        // As if it had stopped just after the swap: the old journal still
        // in the work folder, nothing archived yet.
        try FileManager.default.createDirectory(atPath: desk.data + "/.migration", withIntermediateDirectories: false)
        try FileManager.default.moveItem(atPath: archived + "/journal", toPath: desk.data + "/.migration/journal")
        try FileManager.default.removeItem(atPath: archived)
        let doctor = try desk.run(["doctor"])
        #expect(doctor.stdout.contains("interrupted"), "\(doctor.stdout)")
        let finish = try desk.run(["migrate"])
        #expect(finish.status == 0 && finish.stdout.contains("finished an interrupted migration") && finish.stdout.contains("already migrated"), "\(finish.stdout)\(finish.stderr)")
        #expect(mode(archived + "/journal/2026-09.jsonl") == 0o400 && mode(archived) == 0o500)
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/.migration"))
        #expect(try desk.run(["verify"]).stdout.contains("chain intact"))
    }

    /// A directory used after the upgrade and before the migration: a
    /// ticket of before encryption got a key and encrypted events, and new
    /// tickets were logged. Its old events are encrypted with the key it
    /// already has; the encrypted ones are copied as written.
    @Test func aJournalWrittenPartlyAfterTheUpgradeKeepsItsKeys() throws {
        let desk = try plaintextDesk()
        let later = "A later note, written encrypted"
        #expect(try desk.run(["note", "BSC-000001", later]).status == 0)
        let newRef = try desk.log(caller: "Newby Caller", summary: "Logged after the upgrade")
        let run = try desk.run(["migrate"])
        #expect(run.status == 0 && run.stdout.contains("in clear: 9 event(s) of 5 ticket(s)") && run.stdout.contains("4 ticket key(s) made"), "\(run.stdout)\(run.stderr)")
        #expect(try desk.run(["verify"]).stdout.contains("chain intact"))
        let show = try desk.run(["show", "BSC-000001"])
        #expect(show.stdout.contains(Self.note) && show.stdout.contains(later) && show.stdout.contains(Self.name), "\(show.stdout)\(show.stderr)")
        #expect(try desk.run(["show", newRef]).stdout.contains("Newby Caller"))
        // One key per ticket: BSC-000001 kept the one it was given.
        let keyLines = try files(under: desk.data + "/keys").values.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n") }
        #expect(keyLines.filter { $0.hasPrefix("BSC-000001 ") }.count == 1, "\(keyLines)")
        for (rel, bytes) in try files(under: desk.journalDirectory) {
            let text = String(decoding: bytes, as: UTF8.self)
            for n in Self.needles + [later, "Newby Caller"] { #expect(!text.contains(n), "journal/\(rel) holds \(n) in clear") }
        }
    }

    /// Retention after migration shreds the live journal and names the
    /// archive file that still holds the shredded ticket, and only it.
    @Test func retentionAfterMigrationNamesTheArchiveFileThatHoldsTheTicket() throws {
        let desk = try Bscdesk.fresh()
        #expect(try desk.run(["verify"]).status == 0)
        func opened(_ ts: String, _ name: String) -> EventBody {
            .opened(caller: Caller(name: name, type: .supplier, reference: name == "Olive Oldcaller" ? "S700001" : "S700002"), category: "cs.general-enquiry",
                    queue: "customer-services", priority: .normal, contact: ContactRecord(channel: .email, summary: "About an invoice", received: Self.at(ts)), details: [:])
        }
        let events = [
            Event(id: String(format: "%032x", 1), at: Self.at("2019-03-01T09:00:00.000Z"), user: "tester", ref: TicketRef(1), body: opened("2019-03-01T09:00:00.000Z", "Olive Oldcaller")),
            Event(id: String(format: "%032x", 2), at: Self.at("2019-03-01T09:10:00.000Z"), user: "tester", ref: TicketRef(1), body: .resolved(note: nil, firstContact: true)),
            Event(id: String(format: "%032x", 3), at: Self.at("2019-03-02T09:00:00.000Z"), user: "tester", ref: TicketRef(1), body: .closed),
            Event(id: String(format: "%032x", 4), at: Self.at("2025-06-01T09:00:00.000Z"), user: "tester", ref: TicketRef(2), body: opened("2025-06-01T09:00:00.000Z", "Rita Recent")),
            Event(id: String(format: "%032x", 5), at: Self.at("2025-06-01T09:10:00.000Z"), user: "tester", ref: TicketRef(2), body: .resolved(note: nil, firstContact: true)),
            Event(id: String(format: "%032x", 6), at: Self.at("2025-06-02T09:00:00.000Z"), user: "tester", ref: TicketRef(2), body: .closed),
        ]
        try Journal(directory: desk.journalDirectory, clock: ManualClock(Self.at("2025-07-01T00:00:00.000Z"))).writeHistory(events)
        #expect(try desk.run(["migrate"]).status == 0)
        let due = try desk.run(["retention"])
        #expect(due.stdout.contains("BSC-000001") && !due.stdout.contains("BSC-000002"), "\(due.stdout)\(due.stderr)")
        let apply = try desk.run(["retention", "--apply"])
        #expect(apply.status == 0 && apply.stdout.contains("shredded 1 ticket(s) past retention: BSC-000001"), "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("/journal/2019-03.jsonl (the journal of before migration, in clear: delete it once 'bscdesk verify' passes"), "\(apply.stdout)")
        #expect(!apply.stdout.contains("2025-06.jsonl"), "\(apply.stdout)")
        for (rel, bytes) in try files(under: desk.journalDirectory) {
            #expect(!String(decoding: bytes, as: UTF8.self).contains("Olive Oldcaller"), "journal/\(rel)")
        }
        #expect(try desk.run(["verify"]).stdout.contains("chain intact"))
    }

    @Test func anEncryptedJournalHasNothingToMigrateAndAgentsAndServersAreRefused() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(caller: "Ada Other")
        let r = try desk.run(["migrate"])
        #expect(r.status == 0 && r.stdout.contains("nothing to migrate"), "\(r.stdout)\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: desk.data + "/archive"))

        let plain = try plaintextDesk()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: plain.data + "/bscdesk.toml"))
        handle.seekToEndOfFile()
        handle.write("\n[users.bob]\nrole = \"agent\"\nqueues = [\"customer-services\"]\n".data(using: .utf8)!)
        try handle.close()
        let agent = try plain.as("bob").run(["migrate"])
        #expect(agent.status == 77 && agent.firstErrorLine.contains("supervisors"), "\(agent.stderr)")
        // With a server named, migrate goes to it and never runs here.
        let served = try plain.run(["migrate", "--server", plain.data + "/no-such.sock"])
        #expect(served.status != 0 && served.firstErrorLine.contains("team server"), "\(served.stderr)")
        #expect(!FileManager.default.fileExists(atPath: plain.data + "/archive"))
    }
}
