import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The archive `bscdesk migrate` leaves (`archive/plaintext-DATE/`): the
/// journal of before encryption, in clear, out of reach of erasure and
/// retention. `erase`, `retention --apply`, `sar` and `doctor` name it.
extension Desk {
    /// What erase and sar say about an archive file that holds the person.
    static let archiveAdvice = "the journal of before migration, in clear: delete it once 'bscdesk verify' passes on the new journal"

    /// The archive folders (`plaintext-2026-12-01`), oldest first.
    public func archiveFolders() -> [String] {
        guard Self.isRealDirectory(archivePath) else { return [] }
        return listNames(archivePath)
    }

    /// A directory, not a link to one.
    static func isRealDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    /// Files under `archive/` that hold any of `texts`, each with why it
    /// matters; one that cannot be read is listed too (it may hold them).
    func archiveFilesHolding(_ texts: Set<String>) -> [String] {
        let needles = texts.filter { !$0.isEmpty }.map { Array($0.utf8) }
        guard !needles.isEmpty else { return [] }
        var out: [String] = []
        func walk(_ path: String, depth: Int) {
            var st = stat()
            guard depth < 8, lstat(path, &st) == 0 else { return }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                for name in listNames(path) { walk(path + "/" + name, depth: depth + 1) }
            case S_IFREG:
                switch Self.fileContains(path, needles) {
                case true?: out.append("\(path) (\(Self.archiveAdvice))")
                case false?: break
                case nil: out.append("\(path) (cannot be read by you, so it may hold them: \(Self.archiveAdvice))")
                }
            default:
                break
            }
        }
        for folder in archiveFolders() { walk(archivePath + "/" + folder, depth: 0) }
        return out
    }

    /// Whether the file holds any needle, read in 8 MiB chunks (archived
    /// segments can be larger than memory should hold); nil if unreadable.
    static func fileContains(_ path: String, _ needles: [[UInt8]]) -> Bool? {
        guard let fd = try? SafeFile.open(path, flags: O_RDONLY) else { return nil }
        defer { Glibc.close(fd) }
        let overlap = (needles.map(\.count).max() ?? 1) - 1
        var buf = [UInt8](repeating: 0, count: 8 << 20)
        var kept = 0
        while true {
            let n = buf.withUnsafeMutableBytes { b in Glibc.read(fd, b.baseAddress! + kept, b.count - kept) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return false }
            let filled = kept + n
            if buf.withUnsafeBufferPointer({ p in needles.contains { find($0, in: UnsafeBufferPointer(rebasing: p[0..<filled])) } }) { return true }
            kept = min(overlap, filled)
            if kept > 0 { buf.withUnsafeMutableBytes { b in b.baseAddress!.copyMemory(from: b.baseAddress! + (filled - kept), byteCount: kept) } }
        }
    }

    static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first, needle.count <= hay.count, let base = hay.baseAddress else { return false }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            guard let q = memchr(base + i, Int32(first), last - i + 1) else { return false }
            let at = UnsafePointer(q.assumingMemoryBound(to: UInt8.self)) - base
            if needle.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return true }
            i = at + 1
        }
        return false
    }

    /// The texts that find a person's tickets in clear: their references
    /// and, while the keys exist, the caller's name, reference, phone and
    /// email (four characters or more, so short values match nothing
    /// by chance).
    func clearTexts(of refs: [TicketRef]) -> Set<String> {
        var texts = Set(refs.map(\.description))
        for r in refs {
            guard let c = store[r]?.caller else { continue }
            for v in [c.name, c.reference ?? "", c.phone ?? "", c.email ?? ""] where v.count >= 4 && v != Self.erasedText { texts.insert(v) }
        }
        return texts
    }

    /// `doctor`'s lines about migration: an archive to delete, or an
    /// interrupted migration.
    public func migrationNotes() -> [String] {
        var lines: [String] = []
        for folder in archiveFolders() {
            lines.append("archive: archive/\(terminalSafe(folder)) holds a journal of before migration in clear, out of reach of erase and retention: delete it once 'bscdesk verify' passes on the new journal (docs/data-protection.md)")
        }
        if access(migrationWorkPath, F_OK) == 0 {
            lines.append("migration: \(migrationWorkPath) is left from an interrupted 'bscdesk migrate': run it again to finish or clear it")
        }
        return lines
    }
}

extension Desk {
    /// What the live journal's first event says about the journal it was
    /// migrated from, if it was.
    public func migrationOrigin() throws(DeskError) -> JournalMigration? {
        do { return try Self.migrationHeader(of: journal) } catch { throw DeskError.from(error) }
    }

    /// `verify --against HASH` for a head recorded before a migration: the
    /// old head itself (recorded in `journal.migrated`), or one in the
    /// archived chain while the archive is kept and still ends at that old
    /// head. A line saying where it was found, or nil.
    public func earlierHeadBeforeMigration(_ hash: String) throws(DeskError) -> String? {
        guard let m = try migrationOrigin() else { return nil }
        if hash == m.head { return "earlier head \(hash) is the head of the journal this one was migrated from (its first event records it)" }
        let archived = data.path + "/" + m.archive + "/journal"
        guard !m.archive.contains(".."), Self.isRealDirectory(archived) else { return nil }
        do {
            let r = try ChainVerifier(journal: Journal(directory: archived, clock: clock)).verify(against: hash)
            guard r.firstBreak == nil, r.headHash == m.head, r.foundEarlierHead == true else { return nil }
        } catch {
            return nil
        }
        return "earlier head \(hash) is in the archived chain of before migration (\(m.archive)), which still ends at the head the new journal's first event records"
    }
}
