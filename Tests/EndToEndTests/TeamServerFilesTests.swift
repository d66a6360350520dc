import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `export` and `sar` through a real team server, as real OS users: the
/// server streams the content back and the client writes `--out` as its
/// own user, so a path the person may not write stays unwritten (the
/// server, which could, never opens it). Needs root.
@Suite("Team server: export and sar files written by the client", .serialized)
struct TeamServerFilesTests {
    /// A folder `login` owns, for its output files.
    func folder(_ t: ServerTwin, of login: String) throws -> String {
        let dir = t.f.root + "/out-" + login
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        try TeamServerFixture.check(TeamServerFixture.command("/bin/chown", [login, dir]), "chown")
        chmod(dir, 0o700)
        return dir
    }

    func owner(_ path: String) -> (uid: uid_t, mode: mode_t)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (st.st_uid, st.st_mode & 0o777)
    }

    func uid(_ login: String) -> uid_t? { getpwnam(login).map { $0.pointee.pw_uid } }

    func work(_ t: ServerTwin) throws {
        for (login, caller) in [(t.f.amy, "Zebedee Quux"), (t.f.amy, "Pat Other"), (t.f.sup, "Zebedee Quux")] {
            let p = try t.both(login, ["log", "--caller", caller, "--ref", caller == "Pat Other" ? "P1" : "Q123456", "--channel", "phone",
                                       "--category", "cs.general-enquiry", "--summary", "about my pay", "--resolved"])
            guard p.server.status == 0, p.local.status == 0 else { throw TestFailure("log: \(p.server.stderr) \(p.local.stderr)") }
        }
    }

    @Test func exportIsWrittenByTheClientAsItsOwnUser() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        try work(t)
        let dir = try folder(t, of: t.f.sup)
        let out = dir + "/fcr.csv"
        let r = try t.f.client(t.f.sup, ["export", "--out", out, "--by", "queue"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "\(out)\n\(out).definitions.md\n")
        for p in [out, out + ".definitions.md"] {
            let o = owner(p)
            #expect(o?.uid == uid(t.f.sup) && o?.mode == 0o600, "\(p): \(String(describing: o))")
        }
        // The same content as in-process (times and the head aside).
        let localDir = try TempDir.make()
        defer { try? FileManager.default.removeItem(atPath: localDir) }
        let local = try t.local.as(t.f.sup).run(["export", "--out", localDir + "/fcr.csv", "--by", "queue"])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout == "\(localDir)/fcr.csv\n\(localDir)/fcr.csv.definitions.md\n")
        let a = try String(contentsOfFile: out, encoding: .utf8)
        let b = try String(contentsOfFile: localDir + "/fcr.csv", encoding: .utf8)
        #expect(ServerTwin.normalised(a) == ServerTwin.normalised(b))
        #expect(a.contains("customer-services"))

        // Refused before anything is asked of the server: a file that is
        // there (without --force), a folder.
        let again = try t.f.client(t.f.sup, ["export", "--out", out])
        #expect(again.status == 64)
        #expect(again.stderr.contains("already exists: choose another file, or add --force to replace it; nothing was written"))
        #expect(try t.f.client(t.f.sup, ["export", "--out", out, "--force"]).status == 0)
        let folderOut = try t.f.client(t.f.sup, ["export", "--out", dir])
        #expect(folderOut.status == 64)
        #expect(folderOut.stderr.contains("is a directory"))

        // Not a confused deputy: an agent naming a file in the server's
        // data directory (which the server's account could write) gets
        // her own "permission denied", and nothing appears there.
        let planted = t.f.data + "/planted.csv"
        let deputy = try t.f.client(t.f.amy, ["export", "--out", planted, "--format", "json"])
        #expect(deputy.status == 74, "\(deputy.stdout) \(deputy.stderr)")
        #expect(deputy.stderr.contains("Permission denied"))
        #expect(owner(planted) == nil)
        #expect(owner(planted + ".tmp-0") == nil)
        // Per-agent figures are for supervisors, whoever asks the server.
        let perAgent = try t.f.client(t.f.amy, ["export", "--out", try folder(t, of: t.f.amy) + "/a.csv", "--by", "agent"])
        #expect(perAgent.status == 77)
    }

    @Test func subjectAccessIsForSupervisorsAndWrittenByTheClient() throws {
        let t = try ServerTwin()
        defer { t.cleanUp() }
        try work(t)
        let dir = try folder(t, of: t.f.sup)
        let out = dir + "/sar.json"
        let r = try t.f.client(t.f.sup, ["sar", "--caller", "Q123456", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote \(out) and \(out).md: 2 ticket(s): BSC-000001 BSC-000003\n")
        for p in [out, out + ".md"] {
            let o = owner(p)
            #expect(o?.uid == uid(t.f.sup) && o?.mode == 0o600, "\(p): \(String(describing: o))")
        }
        let json = try String(contentsOfFile: out, encoding: .utf8)
        #expect(json.contains("Zebedee Quux") && !json.contains("Pat Other"))
        // Recorded, naming the tickets and the supervisor.
        let accessed = try t.f.journal().filter { $0["type"] as? String == "subject.accessed" }
        #expect(accessed.count == 1)
        #expect(accessed.first?["user"] as? String == t.f.sup)
        #expect(!(try JSONSerialization.data(withJSONObject: accessed)).contains(Data("Zebedee".utf8)))

        // The same answer in-process.
        let localDir = try TempDir.make()
        defer { try? FileManager.default.removeItem(atPath: localDir) }
        let local = try t.local.as(t.f.sup).run(["sar", "--caller", "Q123456", "--out", localDir + "/sar.json"])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout == "wrote \(localDir)/sar.json and \(localDir)/sar.json.md: 2 ticket(s): BSC-000001 BSC-000003\n")
        let localJSON = try String(contentsOfFile: localDir + "/sar.json", encoding: .utf8)
        #expect(ServerTwin.normalised(json) == ServerTwin.normalised(localJSON))

        // Existing files are never replaced; nothing is recorded then.
        let again = try t.f.client(t.f.sup, ["sar", "--caller", "Q123456", "--out", out])
        #expect(again.status == 64)
        #expect(again.stderr.contains("already exists: choose another file; nothing was written"))

        // An agent: refused by her login before any look-up (an ambiguous
        // name would list the people it matches), nothing written or recorded.
        let amyDir = try folder(t, of: t.f.amy)
        for query in ["Q123456", "Quux"] {
            let amy = try t.f.client(t.f.amy, ["sar", "--caller", query, "--out", amyDir + "/x.json"])
            #expect(amy.status == 77, "\(amy.stderr)")
            #expect(amy.stderr.contains("a subject access request is for supervisors"))
            #expect(!amy.stderr.contains("Zebedee") && !amy.stdout.contains("Zebedee"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: amyDir).isEmpty)
        #expect(try t.f.journal().filter { $0["type"] as? String == "subject.accessed" }.count == 1)
    }
}
