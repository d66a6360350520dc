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
        /// The newest phone number and email given for this caller.
        public var phone: String?
        public var email: String?

        public var label: String {
            name + (reference.map { " · \($0)" } ?? "") + " (\(type.label))"
        }
    }

    public private(set) var entries: [Entry] = []
    private var byKey: [String: Int] = [:]
    private var indexedSeq: Int64 = -1
    private var indexedEvents = 0
    /// Entries by normalised reference, phone and email: the call form's
    /// look-up is certain only where one of these names exactly one entry.
    private var byReference: [String: Set<Int>] = [:]
    private var byPhone: [String: Set<Int>] = [:]
    private var byEmail: [String: Set<Int>] = [:]

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
            let i: Int
            if let known = byKey[k] {
                i = known
                if !entries[i].refs.contains(t.ref) {
                    entries[i].refs.append(t.ref)
                    entries[i].refs.sort { $0.number < $1.number }
                }
                if t.receivedAt >= entries[i].lastSeen {
                    entries[i].lastSeen = t.receivedAt
                    entries[i].name = c.name
                    entries[i].type = c.type
                    if let p = c.phone, !p.isEmpty { entries[i].phone = p }
                    if let e = c.email, !e.isEmpty { entries[i].email = e }
                }
            } else {
                i = entries.count
                byKey[k] = i
                entries.append(Entry(name: c.name, type: c.type, reference: c.reference, folded: foldName(c.name), refs: [t.ref], lastSeen: t.receivedAt,
                                     phone: c.phone, email: c.email))
            }
            if let r = Self.normalisedReference(c.reference) { byReference[r, default: []].insert(i) }
            if let p = Self.normalisedPhone(c.phone) { byPhone[p, default: []].insert(i) }
            if let e = Self.normalisedEmail(c.email) { byEmail[e, default: []].insert(i) }
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
        // A query of digits also finds phone numbers, spaces ignored.
        let queryDigits = String(query.filter { $0.isASCII && $0.isNumber })
        let digits: String? = queryDigits.count >= 3 && query.allSatisfy({ $0.isNumber || $0 == " " || $0 == "+" }) ? queryDigits : nil
        for e in entries {
            let ref = e.reference?.lowercased() ?? ""
            let phone = digits == nil ? "" : Self.normalisedPhone(e.phone) ?? ""
            if e.folded.hasPrefix(q) || ref.hasPrefix(q) || e.folded.contains(" " + q) || (digits.map { phone.hasPrefix($0) } ?? false) {
                prefix.append(e)
            } else if e.folded.contains(q) || ref.contains(q) || (digits.map { phone.contains($0) } ?? false) {
                inner.append(e)
            }
        }
        let recent: (Entry, Entry) -> Bool = { $0.lastSeen > $1.lastSeen }
        return Array((prefix.sorted(by: recent) + inner.sorted(by: recent)).prefix(limit))
    }

    public func entry(for caller: Caller) -> Entry? { byKey[Self.key(caller)].map { entries[$0] } }

    /// The one caller a typed reference, phone or email belongs to (in that
    /// order of trust); nil while none of them names exactly one caller.
    /// Look-up only: the FCR "same caller" rule is not this.
    /// Every other identifier typed must agree: a reference, phone or email
    /// that belongs to someone else, or a reference other than the caller's
    /// own, makes it uncertain (a caller picked, then changed to another
    /// person, kept the first one's phone and showed the wrong history).
    public func certainEntry(reference: String, phone: String = "", email: String = "") -> Entry? {
        let typed = [(byReference, Self.normalisedReference(reference)), (byPhone, Self.normalisedPhone(phone)), (byEmail, Self.normalisedEmail(email))]
        var candidate: Int?
        for (map, key) in typed {
            guard let key, let found = map[key], found.count == 1 else { continue }
            candidate = found.first
            break
        }
        guard let c = candidate else { return nil }
        for (map, key) in typed {
            guard let key, let found = map[key] else { continue }
            if !found.contains(c) { return nil }
        }
        if let typedRef = Self.normalisedReference(reference), let own = Self.normalisedReference(entries[c].reference), typedRef != own {
            return nil
        }
        return entries[c]
    }

    /// Spaces and case ignored, as the same-caller rule compares references.
    public static func normalisedReference(_ r: String?) -> String? {
        // The one "same caller" rule's reference form.
        let n = CallerIdentity.referenceKey(r)
        return n.isEmpty ? nil : n
    }

    /// Digits only, a UK +44 prefix read as the leading 0; nil below 6
    /// digits (too short to name anyone).
    public static func normalisedPhone(_ p: String?) -> String? {
        guard let p else { return nil }
        var digits = String(p.filter { $0.isASCII && $0.isNumber })
        if digits.hasPrefix("44"), digits.count == 12 { digits = "0" + digits.dropFirst(2) }
        return digits.count >= 6 ? digits : nil
    }

    public static func normalisedEmail(_ e: String?) -> String? {
        guard let e else { return nil }
        let n = String(e.filter { !$0.isWhitespace }).lowercased()
        return n.contains("@") ? n : nil
    }
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
