import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// Opening a large journal quickly: load the projection snapshot
/// (`DATA/cache/snapshot.bin`) if it still matches the journal, then replay
/// only what was appended after it. The snapshot is a cache: if it is
/// missing, stale in a way that cannot be caught up, corrupt, from another
/// build's ticket shape or another configuration, the journal is replayed
/// from the start, with identical results.
extension Desk {
    /// What a load produced, and how.
    public struct LoadedState: Sendable {
        public var store: TicketStore
        public var cursor: JournalCursor
        public var issues: [LoadIssue]
        /// Why the snapshot was not used (nil if it was).
        public var snapshotRejected: String?
        /// Events replayed from the journal (all of them without a snapshot).
        public var replayedEvents: Int
        /// Whether a new snapshot was written after loading.
        public var wroteSnapshot: Bool
    }

    /// Replaying at least this many events in one load writes a new
    /// snapshot (about 100 MB of journal, a few weeks of a busy centre).
    public static let snapshotThreshold = 300_000

    public var snapshotPath: String { data.path + "/cache/snapshot.bin" }

    var restrictedQueueIDs: Set<String> { Set(taxonomy.queues.filter(\.restricted).map(\.id)) }

    /// Loads using the snapshot if it is usable; writes a fresh one when
    /// `writeThreshold` or more events had to be replayed. Never called on
    /// the append path.
    public func loadState(useSnapshot: Bool = true, writeThreshold: Int? = Desk.snapshotThreshold) throws(DeskError) -> LoadedState {
        let restricted = restrictedQueueIDs
        var s: TicketStore
        var c: JournalCursor
        var found: [LoadIssue]
        var rejected: String? = "not used"
        if useSnapshot, let snap = try? readSnapshotChecked(restricted, &rejected) {
            s = snap.store
            c = snap.cursor
            found = snap.issues
            rejected = nil
        } else {
            c = JournalCursor()
            s = TicketStore(customerServices: store.customerServices, restrictedQueues: restricted)
            found = []
            // About 1.1 kB of journal per ticket: reserve once instead of
            // regrowing a large array while loading.
            s.reserveCapacity(Int(journalBytes() / 1000) + 1024)
        }
        s.setRestrictedCategories(taxonomy.restrictedCategories)
        let before = s.eventCount
        // Restricted content never goes into what a snapshot holds.
        let decryption = foldDecryption(everyone: true)
        do {
            try journal.read(from: &c, keepIdsAndHashes: false, parallel: true, prepare: { decryption.prepare(&$0) }) { [self] d in
                if d.prepared {
                    decryption.fold(d, into: &s)
                } else {
                    s.apply(decrypted(d.event, forFold: true, restricted: false))
                }
            } issue: { found.append($0) }
        } catch {
            throw DeskError.from(error)
        }
        let replayed = s.eventCount - before
        var wrote = false
        if let writeThreshold, replayed >= writeThreshold, Snapshot.isUsable {
            let snap = ProjectionSnapshot(store: s, cursor: c, issues: found)
            if deferSnapshotWrite {
                // Encoded now, while nothing else holds the store; written
                // after the history has been handed over.
                pendingSnapshot = try? Snapshot.encode(snap, journal: journal)
            } else {
                // A cache: failing to write it (read-only data, full disk)
                // is not an error for the person opening the desk.
                wrote = (try? writeSnapshot(snap)) != nil
            }
        }
        // Entries named like segments but unusable (a link, a directory, a
        // future month): found afresh on every load, never cached.
        let skipped = (try? journal.skippedEntries()) ?? []
        return LoadedState(store: s, cursor: c, issues: skipped + found, snapshotRejected: rejected, replayedEvents: replayed, wroteSnapshot: wrote)
    }

    private func readSnapshotChecked(_ restricted: Set<String>, _ why: inout String?) throws(SnapshotError) -> ProjectionSnapshot {
        do {
            return try Snapshot.read(from: snapshotPath, journal: journal, customerServices: store.customerServices, restrictedQueues: restricted)
        } catch {
            why = error.reason
            throw error
        }
    }

    /// Writes the snapshot of `snap` (mode as the journal's files: 0600, or
    /// 0660 in group-shared mode so every agent's process can use it).
    public func writeSnapshot(_ snap: ProjectionSnapshot) throws {
        try Snapshot.write(snap, journal: journal, to: snapshotPath, mode: journal.fileMode, directoryMode: journal.directoryMode)
    }

    /// Writes a snapshot of the current projection (after `load()`).
    public func writeSnapshotNow() throws {
        guard let c = cursor else { return }
        try writeSnapshot(ProjectionSnapshot(store: store, cursor: c, issues: issues.filter { $0.line > 0 }))
    }

    /// A snapshot encoded by a load with `deferSnapshotWrite` set, with
    /// where and how to write it; nil if there is none. Taken once.
    public func takePendingSnapshot() -> PendingSnapshot? {
        defer { pendingSnapshot = nil }
        return pendingSnapshot.map { PendingSnapshot(bytes: $0, path: snapshotPath, mode: journal.fileMode, directoryMode: journal.directoryMode) }
    }

    /// Deletes the snapshot (it is only a cache).
    public func removeSnapshot() {
        unlink(snapshotPath)
    }
}

/// Snapshot bytes waiting to be written (see `Desk.takePendingSnapshot`):
/// everything the write needs, so it shares nothing with the desk.
public struct PendingSnapshot: Sendable {
    public var bytes: [UInt8]
    public var path: String
    public var mode: mode_t
    public var directoryMode: mode_t

    /// A cache: a failed write (read-only data, full disk) only means the
    /// next start replays more.
    public func write() {
        try? Snapshot.writeEncoded(bytes, to: path, mode: mode, directoryMode: directoryMode)
    }
}
