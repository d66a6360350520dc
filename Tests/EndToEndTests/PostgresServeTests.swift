import BSCTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The journal on PostgreSQL with real processes (docs/postgresql.md): a
/// throwaway cluster run by the postgres account, `bscdesk serve --store`
/// as the service account, agents through runuser. Needs root and the
/// postgresql package (CI has both); without them every test fails saying so.
@Suite("Journal on PostgreSQL", .serialized)
struct PostgresServeTests {
    /// A desk made in files (serve --init, then its people added), and a
    /// database for it; nothing runs yet.
    func setUp(settings: [String] = []) throws -> (TeamServerFixture, TestPostgresCluster, String) {
        let f = try TeamServerFixture.desk(benQueue: "customer-services", start: false)
        do {
            let cluster = try TestPostgresCluster(settings: settings)
            try cluster.createDatabase("desk")
            return (f, cluster, cluster.url(database: "desk"))
        } catch {
            f.cleanUp()
            throw error
        }
    }

    func log(_ f: TeamServerFixture, _ login: String, socket: String, summary: String = "a question") throws -> String {
        let r = try f.runAs(login, [Bscdesk.binary, "log", "--caller", "Pat Caller", "--channel", "phone", "--category", "cs.general-enquiry",
                                    "--summary", summary], env: ["BSCDESK_SERVER": socket])
        guard r.status == 0 else { throw TestFailure("log as \(login) on \(socket) failed (\(r.status)): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func client(_ f: TeamServerFixture, _ login: String, socket: String, _ args: [String]) throws -> Bscdesk.Result {
        try f.runAs(login, [Bscdesk.binary] + args, env: ["BSCDESK_SERVER": socket])
    }

    @Test func twoServersOnOneStoreShareTicketsReferencesAndConfiguration() throws {
        let (f, cluster, url) = try setUp()
        defer { cluster.stop(); f.cleanUp() }
        let second = SecondServer(f, name: "desk2")
        defer { second.stop() }
        // The first server stores its configuration in the database; the
        // second, made with --init, takes it from there.
        try f.startServer(extra: ["--store", url])
        try second.start(extra: ["--init", "--supervisor", f.sup, "--store", url])

        let a = try log(f, f.amy, socket: f.socket, summary: "first")
        let b = try log(f, f.ben, socket: second.socket, summary: "second")
        let c = try log(f, f.amy, socket: second.socket, summary: "third")
        #expect([a, b, c] == ["BSC-000001", "BSC-000002", "BSC-000003"], "references must be issued once across servers")
        let note = try client(f, f.ben, socket: f.socket, ["note", "BSC-000002", "seen on the first server"])
        #expect(note.status == 0, "\(note.stderr)")

        // Each server has the other's events: the note's line is in both
        // projections.
        for socket in [f.socket, second.socket] {
            let show = try client(f, f.amy, socket: socket, ["show", "BSC-000002", "--format", "json"])
            #expect(show.status == 0, "\(show.stderr)")
            #expect(show.stdout.contains("ticket.noted"), "\(socket): \(show.stdout)")
        }
        // Their personal fields too: every server reads every ticket's key
        // from the database (docs/postgresql.md, "Keys in PostgreSQL").
        for socket in [f.socket, second.socket] {
            let show = try client(f, f.amy, socket: socket, ["show", "BSC-000002"])
            #expect(show.stdout.contains("seen on the first server") && show.stdout.contains("second"), "\(socket): \(show.stdout)")
        }
        // One blind-index key for both: the same caller through either
        // server is the same caller in the figures.
        let callerIndexes = Set(try f.journal().filter { $0["type"] as? String == "ticket.opened" }.compactMap { $0["xn"] as? String })
        #expect(callerIndexes.count == 1, "Pat Caller has \(callerIndexes.count) blind indexes across the two servers")
        // No key is kept in either server's own directory.
        for dir in [f.data, second.data] {
            #expect(!FileManager.default.fileExists(atPath: dir + "/keys/tickets"), "\(dir) holds keys of its own")
        }
        let stats1 = try client(f, f.sup, socket: f.socket, ["stats", "--format", "json"])
        let stats2 = try client(f, f.sup, socket: second.socket, ["stats", "--format", "json"])
        #expect(stats1.status == 0 && stats2.status == 0, "\(stats1.stderr) \(stats2.stderr)")
        #expect(withoutAsAt(stats1.stdout) == withoutAsAt(stats2.stdout), "both servers must project the same journal")

        // The store verifies; its export verifies as files with the same head.
        let verify = try Bscdesk(data: f.root + "/unused").run(["verify", "--store", url])
        #expect(verify.status == 0, "\(verify.stderr)")
        let storeHead = verify.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }.map(String.init)
        #expect(storeHead?.hasSuffix("(seq 4)") == true, "\(verify.stdout)")
        let exportParent = f.root + "/exports"
        try FileManager.default.createDirectory(atPath: exportParent, withIntermediateDirectories: false)
        try TeamServerFixture.check(TeamServerFixture.command("/bin/chown", [f.sup, exportParent]), "chown")
        let out = exportParent + "/desk"
        let export = try f.runAs(f.sup, [Bscdesk.binary, "export-journal", "--store", url, "--out", out])
        #expect(export.status == 0, "\(export.stderr)")
        let files = try f.runAs(f.sup, [Bscdesk.binary, "--data", out, "verify"])
        #expect(files.status == 0, "\(files.stderr)")
        #expect(files.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }.map(String.init) == storeHead,
                "export: \(files.stdout) store: \(verify.stdout)")
        // With the store's keys: the files read as the servers do.
        let shown = try f.runAs(f.sup, [Bscdesk.binary, "--data", out, "show", "BSC-000002"])
        #expect(shown.status == 0 && shown.stdout.contains("second") && shown.stdout.contains("seen on the first server"), "\(shown.stdout) \(shown.stderr)")
        // And the server's own copy is that same journal, byte for byte.
        let copy = try String(contentsOfFile: f.data + "/journal/" + (try FileManager.default.contentsOfDirectory(atPath: out + "/journal").sorted().last!), encoding: .utf8)
        let exported = try String(contentsOfFile: out + "/journal/" + (try FileManager.default.contentsOfDirectory(atPath: out + "/journal").sorted().last!), encoding: .utf8)
        #expect(copy == exported)
        // A second export into the same place is refused and changes nothing.
        let again = try f.runAs(f.sup, [Bscdesk.binary, "export-journal", "--store", url, "--out", out])
        #expect(again.status == 65, "\(again.stderr)")
    }

    @Test func aServerWithADifferentConfigurationRefusesToRun() throws {
        let (f, cluster, url) = try setUp()
        defer { cluster.stop(); f.cleanUp() }
        let second = SecondServer(f, name: "desk3")
        defer { second.stop() }
        try f.startServer(extra: ["--store", url])
        // A desk made on its own: its configuration is not the shared one.
        try second.start(extra: ["--init", "--supervisor", f.amy])
        second.stop()
        let refused = try second.runToEnd(extra: ["--store", url])
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("differs from the configuration the other servers on postgresql://bscdesk@127.0.0.1"), "\(refused.stderr)")
    }

    @Test func importJournalLoadsFilesIntoAnEmptyStoreWithTheSameHead() throws {
        let (f, cluster, url) = try setUp()
        defer { cluster.stop(); f.cleanUp() }
        // Some history in files, made through the file-store server.
        try f.startServer()
        for i in 0..<5 { _ = try log(f, f.amy, socket: f.socket, summary: "file \(i)") }
        #expect(f.stopServer() == 0)
        let files = try f.runAs(f.service, [Bscdesk.binary, "verify", "--store", "postgresql://nobody@127.0.0.1:1/x"])
        #expect(files.status == 74, "an unreachable store must fail clearly: \(files.stderr)")
        let imported = try f.runAs(f.service, [Bscdesk.binary, "import-journal", f.data, "--store", url])
        #expect(imported.status == 0, "\(imported.stderr)")
        let head = imported.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }.map(String.init)
        let verify = try Bscdesk(data: f.root + "/unused").run(["verify", "--store", url])
        #expect(verify.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }.map(String.init) == head, "\(verify.stdout)")
        #expect(head?.hasSuffix("(seq 5)") == true)
        let again = try f.runAs(f.service, [Bscdesk.binary, "import-journal", f.data, "--store", url])
        #expect(again.status == 65 && again.stderr.contains("already holds 5 events"), "\(again.stderr)")
        // The server then runs on the store with the same data directory
        // (its files are already the store's copy) and goes on numbering.
        try f.startServer(extra: ["--store", url])
        #expect(try log(f, f.ben, socket: f.socket) == "BSC-000006")
        // The files' keys went into the store with the journal.
        let shown = try client(f, f.amy, socket: f.socket, ["show", "BSC-000003"])
        #expect(shown.stdout.contains("file 2"), "\(shown.stdout) \(shown.stderr)")
    }

    /// Issue 16's erasure checks on a PostgreSQL store: `erase` through
    /// the server destroys the ticket's key in the database (its row keeps
    /// no key, and the old row version is vacuumed at once), after which
    /// no row of any table and no file of the server's data directory
    /// holds the key or the person; the store verifies, and the figures
    /// are as before. A second server on the store stops showing the
    /// person at its next request. What WAL and backups still hold:
    /// docs/postgresql.md.
    @Test func anErasureThroughAServerDestroysTheKeyInTheDatabase() throws {
        let (f, cluster, url) = try setUp()
        defer { cluster.stop(); f.cleanUp() }
        let second = SecondServer(f, name: "desk2")
        defer { second.stop() }
        try f.startServer(extra: ["--store", url])
        try second.start(extra: ["--init", "--supervisor", f.sup, "--store", url])
        let personal = ["Zebedee Quux", "Q123456", "07700900123", "zq@example.org", "pay query about Quux"]
        for args in [["log", "--caller", "Zebedee Quux", "--ref", "Q123456", "--phone", "07700900123", "--email", "zq@example.org",
                      "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "about my pay"],
                     ["note", "BSC-000001", "pay query about Quux"], ["resolve", "BSC-000001"],
                     ["log", "--caller", "Pat Other", "--channel", "phone", "--category", "cs.general-enquiry", "--summary", "other"]] {
            let r = try client(f, f.amy, socket: f.socket, args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        for socket in [f.socket, second.socket] {
            #expect(try client(f, f.sup, socket: socket, ["show", "BSC-000001"]).stdout.contains("pay query about Quux"), "\(socket)")
        }
        func sql(_ q: String) throws -> String { try cluster.psql(q, database: "desk").trimmingCharacters(in: .whitespacesAndNewlines) }
        // Every row of every table in the database, as text.
        func rows() throws -> String {
            let tables = try sql("SELECT string_agg(quote_ident(table_name), ' ') FROM information_schema.tables WHERE table_schema = 'public'")
            #expect(tables.contains("bscdesk_keys") && tables.contains("bscdesk_events"), "tables: \(tables)")
            return try tables.split(separator: " ").map { try sql("SELECT string_agg(t::text, E'\\n') FROM \($0) t") }.joined(separator: "\n")
        }
        let key = try sql("SELECT key FROM bscdesk_keys WHERE ticket = 1")
        #expect(key.count == 44, "ticket 1's key row: \(key)")
        #expect(try rows().contains(key), "the search over the rows must find the key before the erasure")
        // No old version of any key row: every tuple of the heap, dead or
        // alive, read with pageinspect.
        _ = try sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
        func heapVersionsHolding(_ text: String) throws -> Int {
            Int(try sql("""
                SELECT count(*) FROM generate_series(0, (pg_relation_size('bscdesk_keys') / current_setting('block_size')::int) - 1) AS page,
                LATERAL heap_page_items(get_raw_page('bscdesk_keys', page::int)) AS item
                WHERE item.t_data IS NOT NULL AND position(convert_to('\(text)', 'UTF8') IN item.t_data) > 0
                """)) ?? -1
        }
        #expect(try heapVersionsHolding(key) >= 1, "the heap search must find the key before the erasure")
        // The table's file itself, after a checkpoint wrote its pages.
        func tableFileHolds(_ text: String) throws -> Bool {
            _ = try sql("CHECKPOINT")
            let file = cluster.dataDirectory + "/" + (try sql("SELECT pg_relation_filepath('bscdesk_keys')"))
            guard let bytes = FileManager.default.contents(atPath: file), !bytes.isEmpty else { throw TestFailure("cannot read \(file)") }
            return bytes.range(of: Data(text.utf8)) != nil
        }
        #expect(try tableFileHolds(key), "the file search must find the key before the erasure")
        let statsBefore = try client(f, f.sup, socket: f.socket, ["stats", "--format", "json", "--by", "category"])
        #expect(statsBefore.status == 0, "\(statsBefore.stderr)")

        let erased = try client(f, f.sup, socket: f.socket, ["erase", "--caller", "Q123456", "--reason", "test", "--yes"])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.hasSuffix("erased: BSC-000001\n"), "\(erased.stdout)")

        #expect(try sql("SELECT key IS NULL FROM bscdesk_keys WHERE ticket = 1") == "t", "the key row keeps no key")
        let after = try rows()
        #expect(!after.contains(key), "a table row still holds the erased key")
        for p in personal { #expect(!after.contains(p), "a table row holds \(p)") }
        #expect(try heapVersionsHolding(key) == 0, "an old version of the key row is still in the table's heap (not vacuumed)")
        // Freed page space is not zeroed by PostgreSQL; here the page's
        // compaction overwrote it (docs/postgresql.md says when it may not).
        #expect(try !tableFileHolds(key), "the table's file still holds the erased key's bytes")
        // Both servers: the one that erased, and the other at its next request.
        for socket in [f.socket, second.socket] {
            let shown = try client(f, f.sup, socket: socket, ["show", "BSC-000001"])
            #expect(shown.stdout.contains("(erased)"), "\(socket): \(shown.stdout)")
            for answer in [shown.stdout, try client(f, f.sup, socket: socket, ["list", "--format", "json"]).stdout] {
                for p in personal { #expect(!answer.contains(p), "\(socket) still shows \(p)") }
            }
            #expect(try client(f, f.sup, socket: socket, ["show", "BSC-000002"]).stdout.contains("Pat Other"))
            let statsAfter = try client(f, f.sup, socket: socket, ["stats", "--format", "json", "--by", "category"])
            // Identical apart from the as-at time and the journal head (the
            // erasure's own event), as issue 16 asks.
            func figures(_ s: String) -> String { withoutAsAt(s).split(separator: "\n").filter { !$0.contains("\"journal_head") }.joined(separator: "\n") }
            #expect(figures(statsAfter.stdout) == figures(statsBefore.stdout), "\(socket): figures changed by the erasure")
        }
        #expect(f.stopServer() == 0)
        second.stop()
        for dir in [f.data, second.data] { #expect(ServerTwin.filesHolding(dir, personal + [key]) == [], "\(dir)") }
        let verify = try Bscdesk(data: f.root + "/unused").run(["verify", "--store", url])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let files = try f.runAs(f.service, [Bscdesk.binary, "verify", "--data", f.data], env: ["BSCDESK_USER": f.sup])
        #expect(files.status == 0, "\(files.stdout) \(files.stderr)")
    }
}

/// Figures without the moment they were asked for (`as_at`, and
/// `as_at_local`, which differ when two requests straddle a minute).
func withoutAsAt(_ json: String) -> String {
    json.split(separator: "\n").filter { !$0.contains("\"as_at") }.joined(separator: "\n")
}

/// A second `bscdesk serve` (another site) for the same fixture: its own
/// data directory and socket, the same service account and people.
final class SecondServer {
    let f: TeamServerFixture
    let data: String
    let socket: String
    let logPath: String
    private(set) var process: Process?

    init(_ f: TeamServerFixture, name: String) {
        self.f = f
        data = f.dataParent + "/" + name
        socket = f.socketDir + "/" + name + ".sock"
        logPath = f.root + "/" + name + ".log"
    }

    private func makeProcess(_ extra: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--reuid=\(f.service)", "--regid=\(f.group)", "--init-groups", "--",
                       "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "TZ=UTC",
                       Bscdesk.binary, "serve", "--data", data, "--socket", socket] + extra
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        return p
    }

    func start(extra: [String] = []) throws {
        let p = try makeProcess(extra)
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            var st = stat()
            if lstat(socket, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK, st.st_mode & 0o777 == 0o660 { return }
            if !p.isRunning { throw TestFailure("the second bscdesk serve exited (\(p.terminationStatus)): \(log())") }
            usleep(50_000)
        }
        throw TestFailure("the second bscdesk serve did not make its socket within 60 s: \(log())")
    }

    /// Runs serve expecting it to refuse; returns its status and log.
    func runToEnd(extra: [String]) throws -> Bscdesk.Result {
        let p = try makeProcess(extra)
        try p.run()
        p.waitUntilExit()
        return Bscdesk.Result(status: p.terminationStatus, stdout: "", stderr: log())
    }

    func stop() {
        guard let p = process else { return }
        if p.isRunning {
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
        }
        process = nil
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}
