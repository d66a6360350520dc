import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// Subject access and erasure (UK GDPR Art. 15 and 17), supervisors only.
/// See docs/data-protection.md.
extension Desk {
    /// One person a `--caller` query found: their tickets, and how they
    /// are shown when the query is ambiguous.
    public struct Subject: Sendable {
        public var label: String
        public var tickets: [TicketRef]
    }

    func requireSupervisor(_ what: String) throws(DeskError) {
        guard profile.role == .supervisor else {
            throw .permission("\(what) is for supervisors; you are \(profile.role.rawValue). Ask a supervisor; nothing was done")
        }
    }

    /// The people a name or reference matches, by the "same caller" rule:
    /// the reference where the query is one, else the folded name. One
    /// entry per distinct caller (reference, else name).
    public func subjects(matching query: String) throws(DeskError) -> [Subject] {
        try needHistory()
        let q = query.trimmingCharacters(in: " \t")
        guard !q.isEmpty else { throw .usage("--caller is empty: give the caller's reference or name") }
        let refKey = CallerIdentity.referenceKey(q)
        let nameKey = CallerIdentity.nameKey(q)
        var byRef: [String: [TicketRef]] = [:]
        var byName: [String: (label: String, refs: [TicketRef])] = [:]
        store.forEach { t in
            let c = t.caller
            if !refKey.isEmpty, CallerIdentity.referenceKey(c.reference) == refKey {
                byRef[refKey, default: []].append(t.ref)
            } else if !nameKey.isEmpty, CallerIdentity.nameKey(c.name) == nameKey {
                let group = CallerIdentity.groupingKey(c) ?? "n:" + nameKey
                let label = c.name + (c.reference.map { ", ref \($0)" } ?? "")
                byName[group, default: (label, [])].refs.append(t.ref)
            }
        }
        if let refs = byRef[refKey] {
            // A reference names one person; tickets of theirs logged by
            // name only (no reference) come with it.
            var all = Set(refs)
            let names = Set(refs.compactMap { store[$0].map { CallerIdentity.nameKey($0.caller.name) } }.filter { !$0.isEmpty })
            store.forEach { t in
                if (t.caller.reference ?? "").isEmpty, names.contains(CallerIdentity.nameKey(t.caller.name)) { all.insert(t.ref) }
            }
            let first = store[refs[0]]!.caller
            return [Subject(label: first.name + ", ref \(first.reference ?? "")", tickets: all.sorted { $0.number < $1.number })]
        }
        return byName.keys.sorted().map { Subject(label: byName[$0]!.label, tickets: byName[$0]!.refs) }
    }

    /// The tickets of one person for `--caller`, or a refusal listing the
    /// people when the query matches more than one.
    public func ticketsOfOneSubject(_ query: String, command: String) throws(DeskError) -> [TicketRef] {
        let found = try subjects(matching: query)
        if found.isEmpty { throw .refused("no ticket's caller matches \"\(terminalSafe(query))\" (by reference, else by name); nothing was done") }
        if found.count > 1 {
            let list = found.map { "  \(terminalSafe($0.label)): " + $0.tickets.map(\.description).joined(separator: " ") }.joined(separator: "\n")
            throw .refused("\"\(terminalSafe(query))\" matches \(found.count) different callers:\n\(list)\nname the tickets instead: bscdesk \(command) --ticket REF ...; nothing was done")
        }
        return found[0].tickets
    }

    func checkTickets(_ refs: [TicketRef]) throws(DeskError) {
        guard !refs.isEmpty else { throw .usage("no tickets given") }
        for r in refs { _ = try ticket(r) }
    }

    // MARK: - Erasure

    public struct ErasureReport: Sendable {
        public var erased: [TicketRef]
        public var alreadyErased: [TicketRef]
        /// Files outside the live encrypted journal that may still hold
        /// the person in clear (restricted journals, archives, torn
        /// fragments of before encryption): the supervisor must deal with
        /// them.
        public var filesStillHolding: [String]
        /// Events of these tickets in the live journal written before
        /// encryption (plain text that erasure cannot remove).
        public var plaintextEvents: Int
    }

    /// Destroys the keys of `refs` after recording one `subject.erased`
    /// event (no personal data: who, when, which tickets, why). The
    /// snapshot cache is removed so it is rebuilt without them.
    public func erase(_ refs: [TicketRef], reason: String, basis: String = "request") throws(DeskError) -> ErasureReport {
        try requireSupervisor("erasure")
        try InputParsing.checkText(reason, field: "reason", limit: Limits.note, multiline: false)
        guard !reason.trimmingCharacters(in: " \t").isEmpty else { throw .usage("erase needs --reason TEXT: why the data is erased (it is recorded)") }
        try needHistory()
        try checkTickets(refs)
        let queues = restrictedQueueList
        let unique = Array(Set(refs)).sorted { $0.number < $1.number }
        let already = unique.filter { keys.state($0, restrictedQueues: queues, fresh: true) == .erased }
        let todo = unique.filter { !already.contains($0) }
        guard !todo.isEmpty else {
            throw .refused("already erased: " + already.map(\.description).joined(separator: " ") + "; nothing was done")
        }
        let (clearFiles, plainEvents) = try clearCopies(of: todo)
        let now = clock.now()
        let user = login
        try append { _, ids in
            [Event(id: ids.next(), at: now, user: user, ref: todo[0], body: .erased(tickets: todo, reason: reason, basis: basis))]
        }
        // The record must be durable before the keys go; the team server
        // defers syncs to its group commit, so sync it here.
        if journal.defersSync {
            do { _ = try journal.syncDeferred() } catch { throw DeskError(.outcomeUnknown, "the erasure could not be synced (\(error)); no key was destroyed: run the same erase again") }
        }
        do {
            try keys.destroy(todo, restrictedQueues: queues)
        } catch {
            throw DeskError(.ioFailure, "the erasure was recorded but destroying the keys failed: \(error); run the same erase again to finish it")
        }
        removeCaches()
        return ErasureReport(erased: todo, alreadyErased: already, filesStillHolding: clearFiles, plaintextEvents: plainEvents)
    }

    /// Drops the snapshot cache (it holds decrypted projections): the next
    /// load rebuilds it from the journal, without the shredded tickets.
    func removeCaches() {
        unlink(snapshotPath)
        pendingSnapshot = nil
    }

    /// Where these tickets' content may still be in clear: events of
    /// theirs written before encryption (live journal), restricted journals
    /// of before encryption, and torn fragments that name them.
    func clearCopies(of refs: [TicketRef]) throws(DeskError) -> (files: [String], plainEvents: Int) {
        var files: Set<String> = []
        var plain = 0
        let wanted = Set(refs)
        for r in refs {
            let history: [Event]
            do { history = try eventStore.events(of: r) } catch { throw DeskError.from(error) }
            for e in history where e.enc == nil && e.sealed == nil && wanted.contains(e.ref) && Sealing.seal(e.body) != nil {
                plain += 1
            }
        }
        if plain > 0 { files.insert(data.journalPath + " (events written before encryption)") }
        // The references, and the person's details in clear (known until
        // the keys go): drafts of unsaved calls name no ticket.
        let texts = clearTexts(of: refs)
        for f in archiveFilesHolding(texts) { files.insert(f) }
        let needles = texts.map { Array($0.utf8) }
        for dir in [data.journalPath + "/torn", data.path + "/drafts"] + restrictedJournalFolders() {
            for name in listNames(dir) {
                let path = dir + "/" + name
                // Read like every file of the data directory: no link, a
                // regular file, our own. One that cannot be checked may
                // hold them too, so it is named (a folder is not).
                guard let bytes = try? SafeFile.read(path, limit: 256 << 20, owner: fileOwner) else {
                    var st = stat()
                    if lstat(path, &st) == 0, st.st_mode & S_IFMT != S_IFDIR { files.insert(path) }
                    continue
                }
                if needles.contains(where: { bytes.contains(subsequence: $0) }) { files.insert(path) }
            }
        }
        return (files.sorted(), plain)
    }

    func restrictedJournalFolders() -> [String] {
        let root = data.path + "/restricted"
        var out: [String] = []
        for q in listNames(root) { for w in listNames(root + "/" + q) { out.append(root + "/" + q + "/" + w) } }
        return out
    }

    func listNames(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    // MARK: - Subject access

    public struct SubjectAccess: Sendable {
        public var tickets: [TicketRef]
        public var json: String
        public var markdown: String
    }

    /// Everything held about one person, decrypted: their tickets and
    /// every event of them (and of duplicates merged into them).
    public func subjectAccess(_ refs: [TicketRef], query: String) throws(DeskError) -> SubjectAccess {
        try requireSupervisor("a subject access request")
        try needHistory()
        try checkTickets(refs)
        let now = clock.now()
        var ticketsJSON: [JSONOut] = []
        // Journal text in the Markdown is made safe like any output (it is
        // read with cat as often as in an editor): no control characters,
        // one line, and no `|` to break a table.
        func cell(_ s: String) -> String { terminalSafe(s, lineBreaks: .space).replacingOccurrences(of: "|", with: "\\|") }
        var md = "# Subject access request\n\nAnswered \(localText(now)) by \(cell(login)), from \(refs.count) ticket(s).\n"
        md += "Data held in bscdesk only; see docs/data-protection.md for what it cannot cover.\n"
        for r in refs {
            let t = try ticket(r)
            let events = try history(r)
            var merged: [(TicketRef, [Event])] = []
            for dup in t.mergedFrom { merged.append((dup, try history(dup))) }
            guard case .object(var fields) = TicketViews.showJSON(t, history: events, desk: self, now: now, merged: merged) else { continue }
            fields.append(("contacts", .array(t.contacts.map { c in
                .object([("received", .time(c.record.received)), ("channel", .string(c.record.channel.rawValue)),
                         ("summary", .string(c.record.summary)), ("by", .string(c.by))])
            })))
            ticketsJSON.append(.object(fields))
            md += "\n## \(r)\n\n"
            md += "- Caller: \(cell(t.caller.displayName))" + (t.caller.reference.map { ", ref \(cell($0))" } ?? "") + "\n"
            if let p = t.caller.phone { md += "- Phone: \(cell(p))\n" }
            if let e = t.caller.email { md += "- Email: \(cell(e))\n" }
            md += "- Category: \(cell(t.category)); queue: \(cell(t.queue)); status: \(t.status.rawValue)\n"
            md += "- Opened: \(localText(t.openedAt))\n"
            for (k, v) in t.details.sorted(by: { $0.key < $1.key }) { md += "- \(cell(k)): \(cell(v))\n" }
            md += "\n| when | who | what |\n|---|---|---|\n"
            for e in events + merged.flatMap(\.1) {
                md += "| \(localText(e.at)) | \(cell(e.user)) | \(cell(TicketViews.describe(e.body))) |\n"
            }
        }
        // Copies a migration archived, in clear: part of what is held.
        let archived = archiveFilesHolding(clearTexts(of: refs))
        if !archived.isEmpty {
            md += "\n## Archived journal files that also hold this person\n\n"
            for f in archived { md += "- \(cell(f))\n" }
            notices.append("\(archived.count) archive file(s) of before migration also hold this person in clear: " + archived.joined(separator: "; "))
        }
        let json = JSONOut.object([
            ("request", .object([("answered", .time(now)), ("by", .string(login)), ("query", .string(query))])),
            ("tickets", .array(ticketsJSON)),
            ("archive_files", .array(archived.map { .string($0) })),
        ]).serialized() + "\n"
        return SubjectAccess(tickets: refs, json: json, markdown: md)
    }

    /// Records that a subject access request was answered from `refs`
    /// (after its files are written).
    public func recordSubjectAccess(_ refs: [TicketRef]) throws(DeskError) {
        let now = clock.now()
        let user = login
        try append { _, ids in [Event(id: ids.next(), at: now, user: user, ref: refs[0], body: .accessed(tickets: refs))] }
    }

    /// Writes a subject access answer: JSON to `path`, Markdown to
    /// `path.md`; neither may exist. Mode 0600.
    public func writeSubjectAccess(_ a: SubjectAccess, to path: String) throws(DeskError) {
        var st = stat()
        for p in [path, path + ".md"] where lstat(p, &st) == 0 {
            throw .usage("\(terminalSafe(p)) already exists: choose another file; nothing was written")
        }
        try data.writeAtomically(path, a.json, mode: 0o600)
        do {
            try data.writeAtomically(path + ".md", a.markdown, mode: 0o600)
        } catch {
            unlink(path)
            throw error
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence n: [UInt8]) -> Bool {
        guard !n.isEmpty, n.count <= count else { return false }
        var i = 0
        while i <= count - n.count {
            if self[i] == n[0] && Array(self[i ..< i + n.count]) == n { return true }
            i += 1
        }
        return false
    }
}
