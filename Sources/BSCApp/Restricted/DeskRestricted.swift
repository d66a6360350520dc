import BSCCore
import BSCJournal

/// Restricted tickets on disk: which events are sealed, where their content
/// goes, and who gets it back on load. See docs/journal-format.md.
extension Desk {
    /// Whether this user may read the personal content of a restricted
    /// queue's tickets: its team and supervisors.
    public func mayRead(restrictedQueue q: String) -> Bool {
        profile.role == .supervisor || profile.queues.contains(q)
    }

    func reloadSealedContent() {
        guard restrictedStore.exists else { sealedContent = [:]; return }
        sealedContent = restrictedStore.readContent(mayRead: { [self] in mayRead(restrictedQueue: $0) }, login: login)
    }

    /// The event with its personal content put back, when this user has
    /// it: decrypted with its ticket's key (Protection/), or, for events
    /// written before encryption, from a restricted journal.
    func unsealed(_ e: Event, forFold: Bool = false) -> Event {
        if e.enc != nil || e.sealed == nil { return decrypted(e, forFold: forFold) }
        guard e.sealed != nil, let c = sealedContent[e.id] else { return e }
        var full = e
        full.body = Sealing.unseal(e.body, c)
        return full
    }

    /// Splits a batch about to be written: events of restricted tickets
    /// lose their personal fields (marked `sealed`), whose content goes to
    /// sealed-content events grouped by restricted queue. A ticket is
    /// restricted from the event that first puts it in a restricted
    /// category or queue, that event included.
    func seal(_ events: [Event]) -> (main: [Event], byQueue: [String: [Event]]) {
        var restrictedNow: [TicketRef: String] = [:]
        var main: [Event] = []
        var byQueue: [String: [Event]] = [:]
        var contentIds = RandomIds()
        for e in events {
            var q = restrictedNow[e.ref] ?? store[e.ref]?.restrictedQueue
            switch e.body {
            case .opened(_, let category, let queue, _, _, _):
                q = store.restrictedQueue(category: category, queue: queue)
            case .routed(let queue, _, _):
                q = q ?? store.restrictedQueue(queue: queue)
            case .corrected(.category, _, let to):
                q = q ?? store.restrictedQueue(category: to)
            default: break
            }
            if let q { restrictedNow[e.ref] = q }
            guard let q, let parts = Sealing.seal(e.body) else { main.append(e); continue }
            let content = parts.content
            var m = e
            m.body = parts.redacted
            m.sealed = q
            main.append(m)
            byQueue[q, default: []].append(Event(id: contentIds.next(), at: e.at, user: e.user, ref: e.ref,
                                                 body: .sealedContent(of: e.id, content: content)))
        }
        return (main, byQueue)
    }

    /// Records that this user opened a restricted ticket's detail (the
    /// `show` command and the detail screen call this). Does nothing for
    /// other tickets. Written to the main journal: it holds no personal
    /// content.
    public func recordView(_ ref: TicketRef) throws(DeskError) {
        try needHistory()
        let t = try ticket(ref)
        guard t.restricted else { return }
        let now = clock.now()
        let user = login
        try append { _, ids in [Event(id: ids.next(), at: now, user: user, ref: ref, body: .viewed)] }
    }

    /// Who opened a restricted ticket and when, oldest first.
    public func views(of ref: TicketRef) throws(DeskError) -> [(user: String, at: Instant)] {
        try history(ref).compactMap { e in
            if case .viewed = e.body { return (e.user, e.at) }
            return nil
        }
    }
}
