import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk migrate`: brings a data directory written before encryption
/// under crypto-shredding without rewriting history in place. The old
/// chain is verified, a new journal is built beside it (its first event,
/// `journal.migrated`, records the old head), the two are swapped, and
/// the old segments become a read-only archive that erasure cannot reach
/// and that the supervisor deletes once the new journal verifies
/// (docs/data-protection.md, "Migrating a plaintext data directory").
extension Desk {
    public struct MigrationReport: Sendable {
        public var text: String
        /// False when nothing was (or, with `dryRun`, would be) written.
        public var changed: Bool
    }

    /// Where the new journal is built, inside the data directory so the
    /// final rename stays on one file system.
    var migrationWorkPath: String { data.path + "/.migration" }
    public var archivePath: String { data.path + "/archive" }

    public func migrate(dryRun: Bool) throws(DeskError) -> MigrationReport {
        try requireSupervisor("migration")
        do {
            return try runMigration(dryRun: dryRun)
        } catch {
            throw DeskError.from(error)
        }
    }

    private func runMigration(dryRun: Bool) throws -> MigrationReport {
        if let done = try Self.migrationHeader(of: journal) {
            var text = "already migrated on \(localText(done.migratedAt)): the journal of before encryption is in \(done.archive) (its head \(done.head), seq \(done.headSeq)); nothing to do\n"
            if !dryRun, let finished = try finishInterruptedSwap(done) { text = finished + text }
            return MigrationReport(text: text, changed: false)
        }
        let lockFd = try lockLiveJournal()
        defer { flock(lockFd, LOCK_UN); Glibc.close(lockFd) }

        let chain = try ChainVerifier(journal: journal).verify()
        if let broken = chain.firstBreak {
            throw DeskError.refused("the journal does not verify (\(broken)); migration copies only a journal whose chain is whole. Run 'bscdesk verify' and restore it from a backup; nothing was written")
        }
        if !chain.reusedSeqs.isEmpty || chain.unterminatedBytes > 0 {
            throw DeskError.refused("the journal has a torn or lost line ('bscdesk verify' names it); stop every desk and let one write complete it first; nothing was written")
        }
        guard chain.events > 0 else {
            return MigrationReport(text: "nothing to migrate: the journal is empty\n", changed: false)
        }
        try load()
        guard issues.isEmpty else {
            throw DeskError.refused("\(issues.count) line(s) of the journal do not load ('bscdesk doctor' lists them); migration would drop them; nothing was written")
        }
        let scan = try scanForMigration()
        guard scan.clearEvents > 0 else {
            return MigrationReport(text: "nothing to migrate: every event of the journal (\(chain.events)) is already encrypted\n", changed: false)
        }
        let archive = "archive/" + freeArchiveName()
        let restrictedDir = data.path + "/restricted"
        let hasRestricted = Self.isRealDirectory(restrictedDir)
        var plan = "old journal: \(chain.events) events in \(chain.files) file(s), chain intact, head \(chain.headHash) (seq \(chain.headSeq))\n"
        plan += "in clear: \(scan.clearEvents) event(s) of \(scan.clearTickets) ticket(s)"
        if scan.erasedClear > 0 { plan += ", \(scan.erasedClear) of them of erased tickets (written redacted, without their content)" }
        plan += "\n"
        plan += "archive: journal/ " + (hasRestricted ? "and restricted/ " : "") + "move to \(archive)/, read-only (files 0400, folders 0500)\n"
        if dryRun {
            plan += "would write a new journal of \(chain.events + 1) events: journal.migrated, then every event again with its personal fields encrypted\n"
            plan += "dry run: nothing was written\n"
            return MigrationReport(text: plan, changed: false)
        }

        let work = migrationWorkPath
        try clearStaleWork(work)
        guard mkdir(work, 0o700) == 0 else { throw FileError("mkdir", work, errno) }
        let staged = Journal(directory: work + "/journal", clock: clock, fileMode: journal.fileMode, directoryMode: journal.directoryMode)
        let header = JournalMigration(head: chain.headHash, headSeq: chain.headSeq, segments: try journal.segments(),
                                      archive: archive, migratedAt: clock.now())
        let newKeys: [(TicketRef, DataKey, String?)]
        let archiveDir = data.path + "/" + archive
        do {
            newKeys = try writeMigratedJournal(into: staged, header: header, scan: scan)
            let check = try ChainVerifier(journal: staged).verify()
            guard check.firstBreak == nil, check.events == chain.events + 1 else {
                throw DeskError(.ioFailure, "the new journal did not verify (\(check.firstBreak ?? "\(check.events) events for \(chain.events + 1)")); the old one was left as it was; nothing was changed")
            }
            // Keys before the journal that uses them, as every append does;
            // if what follows fails they are unused, which is harmless.
            try keys.addMany(newKeys) { q in RestrictedStore.groupId(self.taxonomy.queue(q)?.group) }
            if mkdir(archivePath, 0o700) != 0 && errno != EEXIST { throw FileError("mkdir", archivePath, errno) }
            guard mkdir(archiveDir, 0o700) == 0 else { throw FileError("mkdir", archiveDir, errno) }
        } catch {
            try? clearStaleWork(work)
            throw error
        }
        // The snapshot cache points into the old segments' bytes.
        removeCaches()
        do {
            try Self.exchange(staged.directory, data.journalPath, spare: work + "/old-journal")
        } catch {
            rmdir(archiveDir)
            try? clearStaleWork(work)
            throw DeskError(.ioFailure, "could not put the new journal in place (\(error)); the old one was left as it was; nothing was changed")
        }
        // The point of no return: the new journal is live.
        var text = plan
        text += "migrated: \(chain.events + 1) events in the new journal (journal.migrated first), \(newKeys.count) ticket key(s) made\n"
        text += try archiveOldJournal(from: work, to: archiveDir, restricted: hasRestricted ? restrictedDir : nil)
        text += "next: run 'bscdesk verify' and 'bscdesk stats'; once the new journal verifies, delete \(archive) (it holds personal data in clear, out of reach of erase and retention)\n"
        return MigrationReport(text: text, changed: true)
    }

    // MARK: - The copy

    struct MigrationScan {
        var clearEvents = 0
        var clearTickets = 0
        var erasedClear = 0
        /// Tickets with events already encrypted: their key must be found.
        var encrypted: Set<Int> = []
        var firstSegment = ""
        var firstAt = Instant(millis: 0)
    }

    /// Which events hold personal data in clear (or sealed in a restricted
    /// journal of before encryption), and which tickets already have
    /// encrypted events.
    func scanForMigration() throws -> MigrationScan {
        var s = MigrationScan()
        var clearTickets: Set<Int> = []
        let queues = restrictedQueueList
        var c = JournalCursor()
        for segment in try journal.segments() {
            try journal.read(from: &c, through: segment) { d in
                let e = d.event
                if s.firstSegment.isEmpty { (s.firstSegment, s.firstAt) = (segment, e.at) }
                if e.enc != nil { s.encrypted.insert(e.ref.number); return }
                guard e.sealed != nil || Sealing.seal(e.body) != nil else { return }
                if e.sealed != nil, sealedContent[e.id] == nil, keys.state(e.ref, restrictedQueues: queues) != .erased {
                    throw DeskError.permission("the content of \(e.ref)'s event \(e.id) is in a restricted journal you cannot read: run migrate as a member of every restricted queue's group (or the server's account); nothing was written")
                }
                s.clearEvents += 1
                clearTickets.insert(e.ref.number)
                if keys.state(e.ref, restrictedQueues: queues) == .erased { s.erasedClear += 1 }
            } issue: { i in _ = i }
        }
        s.clearTickets = clearTickets.count
        return s
    }

    /// Writes `journal.migrated`, then every event of the live journal
    /// again, in the same segment files and order, with its personal
    /// fields encrypted as `protect` does. Returns the keys it made.
    func writeMigratedJournal(into staged: Journal, header: JournalMigration, scan: MigrationScan) throws -> [(TicketRef, DataKey, String?)] {
        guard let indexKey = try keys.indexKey(create: true) else { throw DeskError(.ioFailure, "cannot create the blind-index key") }
        let queues = restrictedQueueList
        var keyOf: [Int: DataKey?] = [:]
        var made: [(TicketRef, DataKey, String?)] = []
        func key(_ ref: TicketRef) throws -> DataKey? {
            if let k = keyOf[ref.number] { return k }
            var k: DataKey?
            switch keys.state(ref, restrictedQueues: queues, fresh: true) {
            case .key(let existing, _): k = existing
            case .erased: k = nil
            case .none:
                if scan.encrypted.contains(ref.number) {
                    throw DeskError.permission("\(ref)'s key cannot be read by you, but its later events are encrypted with it: run migrate as the server's account or a member of its queue's group; nothing was written")
                }
                let fresh = DataKey.random()
                made.append((ref, fresh, store[ref]?.restrictedQueue))
                k = fresh
            }
            keyOf[ref.number] = k
            return k
        }
        var segment = scan.firstSegment
        try staged.writeHistory(segmentOf: { _ in segment }) { emit in
            var ids = RandomIds()
            try emit(Event(id: ids.next(), at: scan.firstAt, user: login, ref: .none, body: .journalMigrated(header)))
            var c = JournalCursor()
            for s in header.segments {
                // An empty segment before the first event adds no line.
                segment = max(s, scan.firstSegment)
                try journal.read(from: &c, through: s) { d in
                    var e = d.event
                    if e.enc == nil {
                        if e.sealed != nil {
                            e.body = Sealing.unseal(e.body, sealedContent[e.id] ?? [:])
                            e.sealed = nil
                        }
                        if Sealing.seal(e.body) != nil {
                            let k = try key(e.ref)
                            var line = try Self.encrypt(e, key: k, indexKey: indexKey).line
                            // An erased ticket's content is not copied.
                            if k == nil, let parts = Sealing.seal(line.body) { line.body = parts.redacted }
                            e = line
                        }
                    }
                    e.seq = 0
                    try emit(e)
                } issue: { i in _ = i }
            }
        }
        return made
    }

    // MARK: - Files

    /// The first event of `journal`, if it is `journal.migrated`.
    static func migrationHeader(of journal: Journal) throws -> JournalMigration? {
        guard let first = try journal.segments().first else { return nil }
        var c = JournalCursor()
        var found: JournalMigration?
        var seen = false
        try journal.read(from: &c, through: first) { d in
            if !seen, case .journalMigrated(let m) = d.event.body { found = m }
            seen = true
        } issue: { i in _ = i }
        return found
    }

    /// Holds the live journal's lock for the whole migration, so no desk
    /// appends to the old chain while it is copied.
    func lockLiveJournal() throws -> Int32 {
        try journal.ensureDirectory()
        let p = data.journalPath + "/" + Journal.lockName
        let fd = try SafeFile.open(p, flags: O_RDWR | O_CREAT, mode: journal.fileMode)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw DeskError.refused("a desk is writing to the journal (\(p) is locked): stop every desk and the team server, then run migrate again; nothing was written")
        }
        return fd
    }

    /// `plaintext-YYYY-MM-DD` (UTC), or with `-2`, `-3`… when taken.
    func freeArchiveName() -> String {
        let d = CivilDateTime(utc: clock.now()).date
        let base = "plaintext-" + String(Journal.segmentName(for: clock.now()).prefix(7)) + "-" + (d.day < 10 ? "0" : "") + String(d.day)
        var name = base
        var n = 2
        while access(archivePath + "/" + name, F_OK) == 0 {
            name = base + "-\(n)"
            n += 1
        }
        return name
    }

    /// Removes a work folder left by a migration that stopped before its
    /// swap: it holds only a partial new journal (ciphertext).
    func clearStaleWork(_ work: String) throws {
        guard access(work, F_OK) == 0 else { return }
        for dir in [work + "/journal", work + "/old-journal"] where access(dir, F_OK) == 0 {
            try SafeFile.checkDirectory(dir)
            // Only a new journal (or the start of one) is ours to remove.
            let segments = (try? Journal(directory: dir, clock: clock).segments()) ?? []
            if !segments.isEmpty && Self.migrationHeader(ofDirectory: dir, clock: clock) == nil {
                throw DeskError.refused("\(dir) holds a journal that is not a migrated one (an interrupted migration's old journal): move it back to \(data.journalPath) if that is empty, or into \(archivePath), by hand; nothing was written")
            }
            for name in listNames(dir) {
                let p = dir + "/" + name
                if unlink(p) != 0 { throw DeskError(.ioFailure, "cannot remove \(p) of an interrupted migration (\(String(cString: strerror(errno)))): remove \(work) by hand") }
            }
            rmdir(dir)
        }
        guard rmdir(work) == 0 else { throw DeskError(.ioFailure, "cannot remove \(work) of an interrupted migration (\(String(cString: strerror(errno)))): remove it by hand") }
    }

    static func migrationHeader(ofDirectory dir: String, clock: Clock) -> JournalMigration? {
        (try? migrationHeader(of: Journal(directory: dir, clock: clock))) ?? nil
    }

    /// Swaps the staged journal and the live one in one step
    /// (renameat2 RENAME_EXCHANGE); where the file system cannot, moves the
    /// live one to `spare` first. Afterwards `staged` (or `spare`) holds
    /// the old journal.
    static func exchange(_ staged: String, _ live: String, spare: String) throws {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
        if let sym = dlsym(nil, "renameat2") {
            let renameat2 = unsafeBitCast(sym, to: RenameAt2.self)
            let renameExchange: UInt32 = 2
            if renameat2(AT_FDCWD, staged, AT_FDCWD, live, renameExchange) == 0 { return }
            guard errno == EINVAL || errno == ENOSYS || errno == ENOTSUP else { throw FileError("renameat2", live, errno) }
        }
        guard rename(live, spare) == 0 else { throw FileError("rename", live, errno) }
        guard rename(staged, live) == 0 else {
            let e = errno
            rename(spare, live)
            throw FileError("rename", staged, e)
        }
    }

    /// After the swap: the old journal (and restricted journals) into the
    /// archive, made read-only. Failures here are reported, not thrown:
    /// the new journal is already live, and a second run finishes the move.
    func archiveOldJournal(from work: String, to archiveDir: String, restricted: String?) throws -> String {
        var text = ""
        let old = access(work + "/journal", F_OK) == 0 ? work + "/journal" : work + "/old-journal"
        if rename(old, archiveDir + "/journal") != 0 {
            return "warning: the old journal is still at \(old) (\(String(cString: strerror(errno)))): run 'bscdesk migrate' again to move it to \(archiveDir)\n"
        }
        if let restricted, rename(restricted, archiveDir + "/restricted") != 0 {
            text += "warning: could not move \(restricted) into the archive (\(String(cString: strerror(errno)))): it holds restricted content of before encryption in clear; move it by hand\n"
        }
        rmdir(work)
        Self.makeReadOnly(archiveDir)
        for dir in [data.path, archivePath] {
            let fd = Glibc.open(dir, O_RDONLY | O_DIRECTORY)
            if fd >= 0 { fsync(fd); Glibc.close(fd) }
        }
        text += "archived: \(archiveDir)\n"
        return text
    }

    /// A second run after a migration stopped between the swap and the
    /// archiving: finishes the archiving.
    func finishInterruptedSwap(_ done: JournalMigration) throws -> String? {
        let work = migrationWorkPath
        guard access(work, F_OK) == 0 else { return nil }
        let old = access(work + "/journal", F_OK) == 0 ? work + "/journal" : work + "/old-journal"
        guard access(old, F_OK) == 0, Self.migrationHeader(ofDirectory: old, clock: clock) == nil else {
            try clearStaleWork(work)
            return nil
        }
        let archiveDir = data.path + "/" + done.archive
        if mkdir(archivePath, 0o700) != 0 && errno != EEXIST { throw FileError("mkdir", archivePath, errno) }
        if mkdir(archiveDir, 0o700) != 0 && errno != EEXIST { throw FileError("mkdir", archiveDir, errno) }
        chmod(archiveDir, 0o700)
        let restrictedDir = data.path + "/restricted"
        return "finished an interrupted migration: " + (try archiveOldJournal(from: work, to: archiveDir, restricted: Self.isRealDirectory(restrictedDir) ? restrictedDir : nil))
    }

    /// Files 0400, folders 0500, depth first; links are left alone.
    static func makeReadOnly(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            if let d = opendir(path) {
                var names: [String] = []
                while let e = readdir(d) {
                    let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(d)
                for n in names { makeReadOnly(path + "/" + n) }
            }
            chmod(path, 0o500)
        case S_IFREG:
            chmod(path, 0o400)
        default:
            break
        }
    }
}
