import BSCCore
import BSCJournal

/// What `bscdesk import` needs from the desk: the imported tickets already
/// in the projection, and appends of whole stories through the normal
/// append path (lock, catch-up, sealing, one write and one fdatasync per
/// batch of events).
extension Desk {
    /// The ticket imported from `sourceRef` (`INC0000001`), if exactly one
    /// source system has it.
    public func ticketRef(sourceRef: String) -> TicketRef? {
        let needle = sourceRef.lowercased()
        guard !needle.isEmpty else { return nil }
        var found: TicketRef? = nil
        store.forEach { t in
            if found == nil, let i = t.imported, i.sourceRef.lowercased() == needle { found = t.ref }
        }
        return found
    }

    /// Imported tickets by "system\u{0}source number", with how many events
    /// of their story the journal holds: a re-import skips complete ones,
    /// and an import killed in the middle of a write (which can cut a
    /// story) carries on from the next event.
    public func importedTickets() throws(DeskError) -> [String: (ref: TicketRef, events: Int)] {
        try needHistory()
        var out: [String: (ref: TicketRef, events: Int)] = [:]
        store.forEach { t in
            if let i = t.imported { out[i.system + "\u{0}" + i.sourceRef] = (t.ref, i.events) }
        }
        return out
    }

    /// Import batches voided so far.
    public var voidedImportBatches: Set<String> { store.voidedBatches }

    /// Tickets of one import batch now in the projection, by reference.
    public func ticketsOfImportBatch(_ batch: String) -> [TicketRef] {
        var out: [TicketRef] = []
        store.forEach { t in if t.imported?.batch == batch { out.append(t.ref) } }
        return out
    }

    /// Appends imported events. `make` runs under the journal lock with the
    /// journal's tail (for the next reference) and returns the events to
    /// write, already carrying their derived ids; all of them go in one
    /// write. Supervisors only.
    @discardableResult
    public func appendImported(_ make: (_ nextRef: TicketRef) throws -> [Event]) throws(DeskError) -> [Event] {
        guard profile.role == .supervisor else {
            throw .permission("import is for supervisors; you are \(profile.role.rawValue)")
        }
        return try append { tail, _ in try make(tail.nextRef) }
    }

    /// Voids an import batch: one audited `import.voided` event on the
    /// batch's first ticket; the batch's tickets then leave every view and
    /// figure. The journal keeps them.
    public func voidImport(batch: String) throws(DeskError) -> Int {
        guard profile.role == .supervisor else {
            throw .permission("import --void is for supervisors; you are \(profile.role.rawValue)")
        }
        try needHistory()
        let refs = ticketsOfImportBatch(batch)
        guard let first = refs.first else {
            if store.voidedBatches.contains(batch) { throw .refused("import batch \(batch) is already voided") }
            throw .usage("no imported tickets in batch \"\(terminalSafe(batch))\": give a batch id from the import's summary")
        }
        let now = clock.now()
        let user = login
        try append { [self] _, ids in
            guard !store.voidedBatches.contains(batch) else { throw DeskError.refused("import batch \(batch) is already voided") }
            return [Event(id: ids.next(), at: now, user: user, ref: first, body: .importVoided(batch: batch))]
        }
        return refs.count
    }
}
