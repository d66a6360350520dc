import BSCCore

/// Callers known from history, for the call form's type-ahead: one entry per
/// caller (same reference, else same folded name), with their tickets.
/// Built from the projection once, then updated from tickets whose
/// `lastSeq` moved, so a refresh does not rescan 100k tickets' names.
/// Restricted tickets the user may not read never contribute a caller.
public struct CallerIndex: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var type: CallerType
        public var reference: String?
        public var folded: String
        /// Tickets of this caller, in reference order.
        public var refs: [TicketRef]
        public var lastSeen: Instant

        public var label: String {
            name + (reference.map { " · \($0)" } ?? "") + " (\(type.label))"
        }
    }

    public private(set) var entries: [Entry] = []
    private var byKey: [String: Int] = [:]
    private var indexedSeq: Int64 = -1
    private var indexedEvents = 0

    public init() {}

    /// One entry per caller: the reference (spaces and case ignored) where
    /// there is one, else the folded name (`CallerIdentity`).
    static func key(_ c: Caller) -> String {
        CallerIdentity.groupingKey(c) ?? "anonymous"
    }

    /// Folds in tickets changed since the last update. A ticket that became
    /// unreadable (routed to a restricted queue) forces a full rebuild.
    public mutating func update(from desk: Desk) {
        guard desk.store.eventCount != indexedEvents else { return }
        let since = indexedSeq
        var rebuild = false
        var changed: [Ticket] = []
        desk.store.forEach { t in
            guard t.lastSeq > since else { return }
            if since >= 0, !Self.readable(t, desk) { rebuild = true }
            changed.append(t)
        }
        if rebuild {
            self = CallerIndex()
            changed = desk.store.tickets
        }
        for t in changed where Self.readable(t, desk) {
            let c = t.caller
            guard !c.isAnonymous else { continue }
            let k = Self.key(c)
            if let i = byKey[k] {
                if !entries[i].refs.contains(t.ref) {
                    entries[i].refs.append(t.ref)
                    entries[i].refs.sort { $0.number < $1.number }
                }
                if t.receivedAt >= entries[i].lastSeen {
                    entries[i].lastSeen = t.receivedAt
                    entries[i].name = c.name
                    entries[i].type = c.type
                }
            } else {
                byKey[k] = entries.count
                entries.append(Entry(name: c.name, type: c.type, reference: c.reference, folded: foldName(c.name), refs: [t.ref], lastSeen: t.receivedAt))
            }
        }
        indexedSeq = desk.store.lastSeq
        indexedEvents = desk.store.eventCount
    }

    static func readable(_ t: Ticket, _ desk: Desk) -> Bool {
        desk.canSeeContent(t) || t.contacts.first?.by == desk.login
    }

    /// Callers whose folded name or reference starts with the query, then
    /// those containing it; most recently seen first within each group.
    public func search(_ query: String, limit: Int = 20) -> [Entry] {
        let q = foldName(query)
        guard !q.isEmpty else { return [] }
        var prefix: [Entry] = []
        var inner: [Entry] = []
        for e in entries {
            let ref = e.reference?.lowercased() ?? ""
            if e.folded.hasPrefix(q) || ref.hasPrefix(q) || e.folded.contains(" " + q) {
                prefix.append(e)
            } else if e.folded.contains(q) || ref.contains(q) {
                inner.append(e)
            }
        }
        let recent: (Entry, Entry) -> Bool = { $0.lastSeen > $1.lastSeen }
        return Array((prefix.sorted(by: recent) + inner.sorted(by: recent)).prefix(limit))
    }

    public func entry(for caller: Caller) -> Entry? { byKey[Self.key(caller)].map { entries[$0] } }
}

extension Desk {
    /// Why this contact looks like a repeat: an open ticket of the same
    /// caller, or one in the same category resolved within the reopen
    /// window (working days). Most relevant first.
    public struct RepeatHint: Sendable, Equatable {
        public var ref: TicketRef
        public var text: String
        public var sameCategory: Bool
    }

    public func repeatHints(for entry: CallerIndex.Entry, category: String?, now: Instant) -> [RepeatHint] {
        var out: [RepeatHint] = []
        for ref in entry.refs.reversed() {
            guard let t = store[ref] else { continue }
            let same = category != nil && t.firstCategory == category
            if t.isOpen {
                out.append(RepeatHint(ref: ref, text: "\(ref) is still \(t.status.label)" + (same ? " in the same category" : " (\(t.category))"), sameCategory: same))
            } else if same, let resolved = t.resolvedAt, config.reopenWindow.isOpen(at: now, after: resolved, calendar: calendar) {
                out.append(RepeatHint(ref: ref, text: "\(ref) in the same category was resolved \(localText(resolved)): repeat contact", sameCategory: true))
            }
        }
        return out.sorted { $0.sameCategory && !$1.sameCategory }
    }
}
