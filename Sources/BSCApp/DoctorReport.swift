import BSCCore
import BSCJournal

/// What `bscdesk doctor` finds: counts, a torn tail, damaged lines, and
/// semantic warnings (DoctorChecks).
public struct DoctorReport: Sendable {
    public var text: String
    public var damaged: Bool
    /// Semantic warnings found (exit 0 unless `--strict`).
    public var warnings = 0

    /// `limit`: damaged lines and warnings listed (nil: all of them); the rest are counted.
    public static func make(_ desk: Desk, limit: Int? = 50) -> DoctorReport {
        var lines: [String] = []
        var damaged = false
        lines.append("data directory: \(desk.data.path) (from \(desk.data.source))")
        lines.append("configuration: \(desk.data.configPath): ok, \(desk.taxonomy.queues.count) queues, \(desk.taxonomy.categories.count) categories, \(desk.config.users.count) users")
        let segments = (try? desk.journal.segments()) ?? []
        lines.append("journal: \(segments.count) segment file(s), \(desk.store.eventCount) events, \(desk.store.ticketCount) tickets, last seq \(desk.store.lastSeq)")
        if let tail = try? desk.journal.unterminatedTail() {
            damaged = true
            lines.append("torn tail: \(tail.segment) ends with \(tail.bytes) bytes of an unfinished line (a writer crashed); the next write completes it if it is a whole event chained on the line before, else moves it to journal/torn/")
        }
        if desk.issues.isEmpty {
            lines.append("damaged lines: none")
        } else {
            damaged = true
            lines.append("damaged lines: \(desk.issues.count) (skipped; the files are never rewritten)")
            let shown = limit ?? desk.issues.count
            for i in desk.issues.prefix(shown) { lines.append("  journal/\(terminalSafe(i.description))") }
            if desk.issues.count > shown { lines.append("  … and \(desk.issues.count - shown) more ('bscdesk doctor --all' lists every one)") }
        }
        lines += desk.migrationNotes()
        if desk.hasRestrictedJournals {
            // Only read here; `verify` checks their chains.
            let rr = desk.checkRestrictedJournals(chains: false)
            lines.append("restricted journals of before encryption: \(rr.journals) read ('bscdesk verify' checks their chains; 'bscdesk migrate' folds them into the encrypted journal)")
            for n in rr.notes { lines.append("  note: \(n)") }
            if !rr.damaged.isEmpty {
                damaged = true
                lines.append("damaged restricted lines: \(rr.damaged.count) (skipped; the files are never rewritten)")
                let shown = limit ?? rr.damaged.count
                for d in rr.damaged.prefix(shown) { lines.append("  \(d)") }
                if rr.damaged.count > shown { lines.append("  … and \(rr.damaged.count - shown) more ('bscdesk doctor --all' lists every one)") }
            }
        }
        for p in desk.store.problems.prefix(20) {
            damaged = true
            lines.append("inconsistent: \(terminalSafe(p))")
        }
        var warnings = 0
        do {
            let checks = try DoctorChecks.run(desk, keep: limit ?? Int.max)
            warnings = checks.total
            if warnings == 0 {
                lines.append("warnings: none")
            } else {
                let kinds = DoctorChecks.Kind.allCases.compactMap { k in checks.counts[k].map { "\($0) \(k.rawValue)" } }
                lines.append("warnings: \(warnings) (\(kinds.joined(separator: ", "))); the events were loaded as described")
                for w in checks.warnings { lines.append("  journal/\(w)") }
                if warnings > checks.warnings.count { lines.append("  … and \(warnings - checks.warnings.count) more ('bscdesk doctor --all' lists every one)") }
            }
        } catch {
            damaged = true
            lines.append("warnings: the journal could not be read for them: \(terminalSafe(String(describing: error)))")
        }
        // Articles and themes that may not be used: skipped where they are
        // read, warned about here (they are not journal damage).
        let unusable = desk.unusableDataFiles()
        if !unusable.isEmpty {
            warnings += unusable.count
            lines.append("knowledge articles and themes: \(unusable.count) file\(unusable.count == 1 ? "" : "s") skipped")
            for u in unusable { lines.append("  \(u)") }
        }
        lines.append(damaged ? "result: DAMAGE FOUND" : warnings > 0 ? "result: ok, with \(warnings) warning\(warnings == 1 ? "" : "s")" : "result: ok")
        return DoctorReport(text: lines.joined(separator: "\n") + "\n", damaged: damaged, warnings: warnings)
    }
}
