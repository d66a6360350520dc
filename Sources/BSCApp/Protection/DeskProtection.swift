import BSCCore
import BSCJournal

/// Crypto-shredding (docs/data-protection.md): every ticket has its own
/// data key; the personal fields of its events are written encrypted
/// with it, and destroying the key erases them while the hash chain and
/// the figures stay whole.
extension Desk {
    /// What views show in place of content whose key was destroyed.
    public static let erasedText = "(erased)"
    /// What views show when a key should exist but cannot be read.
    public static let unreadableText = "(unreadable)"

    var restrictedQueueList: [String] { taxonomy.queues.filter(\.restricted).map(\.id).sorted() }

    /// The event with its content decrypted, when this process holds the
    /// ticket's key. A fold (`forFold`) skips what the projection never
    /// keeps (note texts, resolution notes, reopening reasons): those are
    /// decrypted only when a history is shown, exported or searched.
    func decrypted(_ e: Event, forFold: Bool, restricted: Bool = true) -> Event {
        guard let enc = e.enc else { return withLegacyIndex(e) }
        if forFold {
            switch e.body {
            case .noted, .resolved, .reopened: return e
            default: break
            }
        }
        switch keys.state(e.ref, restrictedQueues: restrictedQueueList) {
        case .key(let key, let keyQueue):
            if let q = keyQueue ?? store[e.ref]?.restrictedQueue {
                // Restricted: its team and supervisors, and a writer
                // outside the team for what it wrote itself.
                guard restricted, mayRead(restrictedQueue: q) || e.user == login else { return e }
            }
            guard let content = ContentCipher.decrypt(enc, key: key, ref: e.ref, type: e.type) else {
                return Self.placeholder(e, Self.unreadableText)
            }
            var full = e
            full.body = Sealing.unseal(e.body, content)
            return full
        case .erased:
            return Self.placeholder(e, Self.erasedText)
        case .none:
            // A restricted ticket whose key this user is not given keeps
            // its redacted form (views say "(restricted)"); so does a
            // ticket whose key is missing (`doctor` reports the key store).
            return e
        }
    }

    /// An event written before encryption, with the blind indexes its
    /// caller would have had, so "same caller" figures match across the
    /// change (once an index key exists).
    func withLegacyIndex(_ e: Event) -> Event {
        guard Self.needsLegacyIndex(e), let ix = try? keys.indexKey(create: false) else { return e }
        return (try? Self.encrypt(e, key: nil, indexKey: ix).plain) ?? e
    }

    static func needsLegacyIndex(_ e: Event) -> Bool {
        switch e.body {
        case .opened(let caller, _, _, _, _, _) where caller.nameIndex == nil:
            break
        case .corrected(.callerName, _, _), .corrected(.callerReference, _, _):
            return e.toIndex == nil
        default:
            return false
        }
        return true
    }

    static func placeholder(_ e: Event, _ text: String) -> Event {
        var out = e
        let c = ["caller": text, "summary": text, "text": text, "note": text, "reason": text, "how": text, "from": text, "to": text]
        out.body = Sealing.unseal(e.body, c)
        if case .routed(let q, _, let note) = out.body, note == text {
            // A routing had a note only if the content said so; keep it unset.
            out.body = .routed(queue: q, details: [:], note: nil)
        }
        return out
    }

    /// The restricted queue a batch's event puts its ticket in, if any
    /// (from the event that first puts it in a restricted category or
    /// queue, that event included).
    func restrictedQueue(after e: Event, before: String?) -> String? {
        var q = before
        switch e.body {
        case .opened(_, let category, let queue, _, _, _):
            q = store.restrictedQueue(category: category, queue: queue)
        case .routed(let queue, _, _):
            q = q ?? store.restrictedQueue(queue: queue)
        case .corrected(.category, _, let to):
            q = q ?? store.restrictedQueue(category: to)
        default: break
        }
        return q
    }

    /// Encrypts a batch about to be written: gives each opened ticket a
    /// key, moves a ticket's key into a restricted queue's folder when an
    /// event first puts it there, adds blind indexes to `events` (the
    /// plaintext the projection folds) and returns the lines' events, with
    /// personal fields only in `enc`. Runs under the journal lock, so
    /// every writer (commands, the front desk, the team server, import)
    /// goes through it.
    func protect(_ events: inout [Event]) throws -> [Event] {
        let queues = restrictedQueueList
        var restrictedNow: [TicketRef: String] = [:]
        var keyOf: [TicketRef: DataKey] = [:]
        var main: [Event] = []
        main.reserveCapacity(events.count)
        for i in events.indices {
            let e = events[i]
            let before = restrictedNow[e.ref] ?? store[e.ref]?.restrictedQueue
            let q = restrictedQueue(after: e, before: before)
            if let q { restrictedNow[e.ref] = q }
            let gid = q.flatMap { RestrictedStore.groupId(taxonomy.queue($0)?.group) }
            let personal = Sealing.seal(e.body) != nil
            var key = keyOf[e.ref]
            if case .opened = e.body {
                key = try keys.addOpening(e.ref, DataKey.random(), queue: q, gid: gid)
            } else if key == nil && (personal || (q != nil && before == nil)) {
                switch keys.state(e.ref, restrictedQueues: queues, fresh: true) {
                case .key(let k, let keyQueue):
                    key = k
                    if let q, keyQueue == nil {
                        // Routed into a restricted queue: from now on only
                        // its team and supervisors get the key, so even the
                        // earlier events become unreadable to outsiders.
                        try keys.move(e.ref, key: k, to: q, gid: gid)
                    }
                case .erased:
                    if personal {
                        throw DeskError.refused("\(e.ref) was erased (its personal data destroyed); nothing personal can be added to it; nothing was saved")
                    }
                case .none:
                    if let q = before ?? q, store[e.ref]?.restricted == true || before != nil {
                        throw DeskError.permission("\(e.ref) is restricted to \(q): its key is given only to that queue's team and supervisors, so you cannot add to it; nothing was saved")
                    }
                    // A ticket from before encryption: it gets a key now.
                    let k = DataKey.random()
                    try keys.add(e.ref, k, queue: q, gid: gid)
                    key = k
                }
            }
            if let key { keyOf[e.ref] = key }
            let (plain, line) = try Self.encrypt(e, key: key, indexKey: try keys.indexKey(create: true))
            events[i] = plain
            main.append(line)
        }
        return main
    }

    /// One event with blind indexes added (`plain`, what the projection
    /// folds) and as written (`line`: personal fields only in `enc`).
    static func encrypt(_ e: Event, key: DataKey?, indexKey: DataKey?) throws -> (plain: Event, line: Event) {
        var plain = e
        // Blind indexes go on the plaintext too, so this process's
        // projection matches what a reload would fold.
        if let ix = indexKey {
            switch e.body {
            case .opened(var caller, let category, let queue, let priority, let contact, let details):
                let (n, r) = ContentCipher.index(caller, key: ix)
                caller.nameIndex = n
                caller.referenceIndex = r
                plain.body = .opened(caller: caller, category: category, queue: queue, priority: priority, contact: contact, details: details)
            case .corrected(.callerName, _, let to):
                plain.toIndex = ContentCipher.blindIndex(CallerIdentity.nameKey(to), key: ix)
            case .corrected(.callerReference, _, let to):
                plain.toIndex = ContentCipher.blindIndex(CallerIdentity.referenceKey(to), key: ix)
            default: break
            }
        }
        var line = plain
        if let key, let parts = Sealing.seal(plain.body) {
            line.body = parts.redacted
            line.enc = try ContentCipher.encrypt(parts.content, key: key, ref: line.ref, type: line.type)
        }
        return (plain, line)
    }
}

/// Encrypts a whole generated history (the demo generator) the same way
/// as `protect`, keeping the new keys in memory and storing them in bulk
/// once the journal is written.
final class HistoryProtector {
    let desk: Desk
    let indexKey: DataKey
    var keyOf: [Int: DataKey] = [:]
    var queueOf: [Int: String] = [:]

    init(desk: Desk) throws {
        self.desk = desk
        guard let ix = try desk.keys.indexKey(create: true) else { throw DeskError(.ioFailure, "cannot create the blind-index key") }
        self.indexKey = ix
    }

    func protect(_ e: Event) throws -> Event {
        let n = e.ref.number
        if case .opened = e.body { keyOf[n] = DataKey.random() }
        let before = queueOf[n]
        if let q = desk.restrictedQueue(after: e, before: before) { queueOf[n] = q }
        return try Desk.encrypt(e, key: keyOf[n], indexKey: indexKey).line
    }

    func storeKeys() throws {
        var entries: [(TicketRef, DataKey, String?)] = []
        entries.reserveCapacity(keyOf.count)
        for (n, k) in keyOf.sorted(by: { $0.key < $1.key }) { entries.append((TicketRef(n), k, queueOf[n])) }
        try desk.keys.addMany(entries) { q in RestrictedStore.groupId(self.desk.taxonomy.queue(q)?.group) }
    }
}
