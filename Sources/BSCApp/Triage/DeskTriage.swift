import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

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
    /// breaks kept); for a file that may not be used, the one line that
    /// says why; nil if the category has none or the file is missing.
    public func article(for categoryId: String) -> String? {
        switch articleFile(for: categoryId) {
        case .text(let text)?: return text
        case .refused(let why)?: return why
        case nil: return nil
        }
    }

    public enum ArticleFile: Sendable, Equatable {
        case text(String)
        /// The file is there but may not be used: one line naming it, what
        /// is wrong and what is allowed.
        case refused(String)
    }

    /// The category's article file, read the safe way: no link followed,
    /// no FIFO waited on, a regular file of at most `SafeFile.articleBytes`,
    /// owned as the journal's files must be. Anything else is refused,
    /// never read; the other articles still load.
    public func articleFile(for categoryId: String) -> ArticleFile? {
        guard let name = taxonomy.category(categoryId)?.article, !name.isEmpty,
              !name.contains("/"), !name.hasPrefix(".") else { return nil }
        let path = data.knowledgePath + "/" + name
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        do {
            let bytes = try SafeFile.readWhole(path, maxBytes: SafeFile.articleBytes, owner: fileOwner)
            return .text(terminalSafe(String(decoding: bytes, as: UTF8.self), lineBreaks: .keep))
        } catch {
            return .refused("knowledge article kb/\(terminalSafe(name)) not shown: it \(error.reason)")
        }
    }

    /// Knowledge articles named by categories and themes in `themes/` that
    /// may not be used, one line each (for `doctor`).
    public func unusableDataFiles() -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for c in taxonomy.categories {
            guard let name = c.article, seen.insert(name).inserted else { continue }
            if case .refused(let why)? = articleFile(for: c.id) { out.append(why) }
        }
        let themes = data.themesPath
        for name in StorageCheck.listNames(themes).sorted() where name.hasSuffix(".toml") {
            do {
                _ = try SafeFile.readWhole(themes + "/" + name, maxBytes: SafeFile.themeBytes, owner: fileOwner)
            } catch {
                out.append("theme themes/\(terminalSafe(name)) not used: it \(error.reason)")
            }
        }
        return out
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
