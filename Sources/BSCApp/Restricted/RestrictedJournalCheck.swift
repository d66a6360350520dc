import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// `verify` and `doctor` on the restricted journals of before encryption
/// (`restricted/<queue>/<login>/YYYY-MM.jsonl`, still read, never written):
/// each writer's journal is a chain of its own, checked like the main one,
/// and every main-journal event sealed into a queue must still have its
/// content there (a deleted line made its caller "(anonymous)").
public struct RestrictedJournalReport: Sendable {
    /// Journals (writer folders) checked, and the events in them.
    public var journals = 0
    public var events = 0
    /// Folders that could not be checked, one line each (not readable by
    /// this user, a link, another user's).
    public var notes: [String] = []
    /// Broken chains and lost content, one line each with file and line.
    public var problems: [String] = []
    /// Damaged lines (for `doctor`), with their path from the data directory.
    public var damaged: [String] = []
}

extension Desk {
    /// Whether a data directory not yet migrated still has restricted
    /// journals.
    public var hasRestrictedJournals: Bool { restrictedStore.exists }

    /// Checks every restricted journal this user can read. `chains`: the
    /// hash chains and the sealed events' content (verify); without it,
    /// the lines are only read for damage (doctor).
    public func checkRestrictedJournals(chains: Bool) -> RestrictedJournalReport {
        var r = RestrictedJournalReport()
        guard restrictedStore.exists else { return r }
        let fs = restrictedStore.fs
        let root = restrictedStore.root
        let queues: [String]
        do {
            queues = try fs.list(root)
        } catch {
            r.notes.append("restricted: \(terminalSafe(error.reason)); not checked")
            return r
        }
        var contentOf: [String: Set<String>] = [:]
        var wholeQueue: [String: Bool] = [:]
        for q in queues where !q.hasPrefix(".") {
            let qdir = root + "/" + q
            let writers: [String]
            do {
                writers = try fs.list(qdir)
            } catch {
                r.notes.append("restricted/\(terminalSafe(q)): \(terminalSafe(error.reason)); not checked")
                wholeQueue[q] = false
                continue
            }
            wholeQueue[q] = true
            for w in writers where !w.hasPrefix(".") {
                let folder = "restricted/" + q + "/" + w
                let dir = qdir + "/" + w
                guard access(dir, R_OK | X_OK) == 0 else {
                    r.notes.append("\(terminalSafe(folder)): not readable by you; not checked")
                    wholeQueue[q] = false
                    continue
                }
                let journal = Journal(directory: dir, fs: fs, clock: clock)
                do {
                    for skipped in try journal.skippedEntries() { r.damaged.append(terminalSafe(folder) + "/" + skipped.description) }
                    if chains {
                        let chain = try ChainVerifier(journal: journal).verify()
                        r.events += chain.events
                        if let b = chain.firstBreak { r.problems.append(terminalSafe(folder) + "/" + terminalSafe(b)) }
                        if chain.unterminatedBytes > 0 {
                            r.notes.append("\(terminalSafe(folder)): the newest file ends with \(chain.unterminatedBytes) bytes of an unfinished line (not part of the chain)")
                        }
                        for lost in chain.reusedSeqs { r.problems.append(terminalSafe(folder) + "/" + terminalSafe(lost)) }
                        for s in chain.skippedFragments { r.notes.append(terminalSafe(folder) + "/" + terminalSafe(s)) }
                    }
                    var c = JournalCursor()
                    try journal.read(from: &c) { d in
                        if case .sealedContent(let of, _) = d.event.body { contentOf[q, default: []].insert(of) }
                    } issue: { i in
                        r.damaged.append(terminalSafe(folder) + "/" + i.description)
                    }
                    r.journals += 1
                } catch {
                    r.notes.append("\(terminalSafe(folder)): \(terminalSafe(String(describing: error))); not checked")
                    wholeQueue[q] = false
                }
            }
        }
        guard chains else { return r }
        // A sealed event's content line deleted (even the last one, which
        // no chain can show): its queue's journals no longer hold it.
        var c = JournalCursor()
        _ = try? journal.read(from: &c, containing: Array(#""sealed":""#.utf8)) { d in
            guard let q = d.event.sealed, wholeQueue[q] ?? true, contentOf[q]?.contains(d.event.id) != true else { return }
            r.problems.append("journal: \(d.event.ref) seq \(d.event.seq) (\(d.event.type.rawValue)) is sealed into \(terminalSafe(q)), but no journal in restricted/\(terminalSafe(q)) holds its content: a line was deleted")
        } issue: { _ in }
        return r
    }
}
