import BSCCore

/// What the call-logging screen asks while the agent types: category
/// suggestions, the chosen category's article, repeat-caller warnings and
/// call backs due. Everything here respects restriction.
extension Desk {
    /// Categories ranked by the summary's words (see `CategorySuggester`).
    public func suggestCategories(for text: String, limit: Int = 5) -> [CategorySuggestion] {
        if suggesterCache == nil { suggesterCache = CategorySuggester(taxonomy: taxonomy) }
        return suggesterCache!.suggest(text, limit: limit)
    }

    /// The category's knowledge article from `kb/`, made safe for the
    /// terminal (control characters and escape sequences removed, line
    /// breaks kept); nil if the category has none or the file is missing.
    public func article(for categoryId: String) -> String? {
        guard let name = taxonomy.category(categoryId)?.article, !name.isEmpty,
              !name.contains("/"), !name.hasPrefix("."),
              let text = readSmallFile(data.knowledgePath + "/" + name, limit: 64 << 10) else { return nil }
        return terminalSafe(text, lineBreaks: .keep)
    }

    /// Open tickets whose call back is due at `now`, for tickets this user
    /// logged or holds, oldest call back first; as this user may see them.
    public func callbacksDue(now: Instant) -> [Ticket] {
        var out: [Ticket] = []
        store.forEach { t in
            guard t.isOpen, let cb = t.callbackAt, cb <= now, t.openedBy == login || t.assignee == login else { return }
            out.append(visible(t))
        }
        return out.sorted { ($0.callbackAt!, $0.ref) < ($1.callbackAt!, $1.ref) }
    }

    public func isCallbackDue(_ t: Ticket, now: Instant) -> Bool {
        guard t.isOpen, let cb = t.callbackAt else { return false }
        return cb <= now
    }

    // MARK: - Repeat contacts

    private func repeatIndex() -> [String: [TicketRef]] {
        let stamp = store.eventCount
        if let c = repeatIndexCache, c.stamp == stamp { return c.index }
        var index: [String: [TicketRef]] = [:]
        store.forEach { t in for k in CallerIdentity.lookupKeys(t.caller) { index[k, default: []].append(t.ref) } }
        repeatIndexCache = (stamp, index)
        return index
    }

    /// Whether a contact received at `at` from this caller about this
    /// category repeats ticket `p`: p is still open then, or its resolution
    /// was at most the reopen window (working days) before.
    func repeats(_ p: Ticket, at: Instant) -> Bool {
        guard p.mergedInto == nil, p.receivedAt <= at else { return false }
        guard let resolved = p.resolvedAt ?? p.firstResolvedAt, resolved <= at else { return true }
        return config.reopenWindow.isOpen(at: at, after: resolved, calendar: calendar)
    }

    private func earlierTickets(caller: Caller, category: String, before limit: TicketRef?, at: Instant) -> [Ticket] {
        let index = repeatIndex()
        var refs: Set<TicketRef> = []
        for k in CallerIdentity.lookupKeys(caller) { refs.formUnion(index[k] ?? []) }
        return refs.sorted(by: >).compactMap { r -> Ticket? in
            if let limit, r >= limit { return nil }
            guard let p = store[r], p.firstCategory == category, CallerIdentity.same(p.caller, caller), repeats(p, at: at) else { return nil }
            return p
        }
    }

    /// The earlier ticket this one repeats (same caller, same category at
    /// first contact, within the reopen window), if any.
    public func repeatOf(_ t: Ticket) -> TicketRef? {
        earlierTickets(caller: t.caller, category: t.firstCategory, before: t.ref, at: t.receivedAt).first?.ref
    }

    /// For the call-logging screen: tickets of this caller in this category
    /// that a new contact now would repeat, newest first. Tickets this user
    /// may not see the content of are never returned.
    public func repeatContactWarning(caller: Caller, category: String, now: Instant) -> [TicketRef] {
        earlierTickets(caller: caller, category: category, before: nil, at: now).filter(canSeeContent).map(\.ref)
    }

    /// Type-ahead over caller name, caller reference, summary and reference,
    /// as this user may see them, newest first.
    public func typeAhead(_ text: String, limit: Int = 10) -> [Ticket] {
        let found = tickets(matching: TicketFilter(text: text))
        return Array(found.reversed().prefix(limit))
    }

    /// The history of every duplicate merged into `ref`, by duplicate.
    public func mergedHistories(_ t: Ticket) throws(DeskError) -> [(TicketRef, [Event])] {
        var out: [(TicketRef, [Event])] = []
        for d in t.mergedFrom {
            guard let dt = store[d] else { continue }
            out.append((d, try history(d).map { visible($0, of: dt) }))
        }
        return out
    }
}
