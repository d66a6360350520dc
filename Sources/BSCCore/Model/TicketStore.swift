/// The in-memory projection of the journal: every ticket, folded from its
/// events as they are read. Tickets are stored densely by reference number.
public struct TicketStore: Sendable {
    public private(set) var slots: [Ticket?] = []
    public private(set) var eventCount = 0
    public private(set) var lastSeq: Int64 = 0
    /// Events that could not be applied (for a ticket never opened, say).
    public private(set) var problems: [String] = []
    public let customerServices: String
    private let restrictedQueues: Set<String>
    /// Categories whose queue is restricted → that queue: a ticket logged
    /// straight into one is restricted from its first event.
    private var restrictedCategories: [String: String]
    /// The last assignee in each queue (round-robin assignment continues
    /// from here).
    public private(set) var lastAssignee: [String: String] = [:]
    /// Bumped when the fold's rules change what a ticket looks like after
    /// the same events, so cached projections (snapshots) are rebuilt.
    /// 2: any event leaving pending ends the pause (issue 12).
    /// 4: imported events fold at their source time; voided batches.
    public static let foldRulesVersion = 4

    /// One shared copy of each login, queue and category id: millions of
    /// events repeat a few hundred strings.
    private var interned = SharedStrings()
    /// Whether each slot holds a ticket: checking `slots[i] != nil` copies
    /// (retains and releases) the whole ticket.
    private var present: [Bool] = []

    private mutating func intern(_ s: String) -> String {
        interned.intern(s)
    }

    /// Import batches voided so far (`import.voided`); their tickets are
    /// out of the projection.
    public private(set) var voidedBatches: Set<String> = []

    /// Takes every ticket of an import batch out of the projection: views
    /// and figures read only what is here.
    private mutating func voidBatch(_ batch: String) {
        voidedBatches.insert(batch)
        for i in slots.indices where present[i] && slots[i]!.imported?.batch == batch {
            slots[i] = nil
            present[i] = false
            ticketCount -= 1
        }
    }

    /// Room for this many tickets, to avoid regrowing a large array.
    public mutating func reserveCapacity(_ tickets: Int) {
        slots.reserveCapacity(tickets)
        present.reserveCapacity(tickets)
    }

    public init(customerServices: String = QueueID.customerServices, restrictedQueues: Set<String> = [QueueID.appointeeship],
                restrictedCategories: [String: String] = [:]) {
        self.customerServices = customerServices
        self.restrictedQueues = restrictedQueues
        self.restrictedCategories = restrictedCategories
    }

    /// Categories that make a ticket restricted from its first event (a
    /// snapshot restores the store without them).
    public mutating func setRestrictedCategories(_ c: [String: String]) { restrictedCategories = c }

    /// The restricted queue a category or queue id belongs to, if any.
    public func restrictedQueue(category: String? = nil, queue: String? = nil) -> String? {
        if let queue, restrictedQueues.contains(queue) { return queue }
        if let category, let q = restrictedCategories[category] { return q }
        return nil
    }

    public var count: Int { ticketCount }
    public private(set) var ticketCount = 0

    /// The restricted queue a ticket is in, without copying the ticket
    /// out (a replay asks for every decrypted event).
    public func restrictedQueue(of ref: TicketRef) -> String? {
        let i = ref.number - 1
        guard i >= 0, i < slots.count else { return nil }
        return slots[i]?.restrictedQueue
    }

    public subscript(ref: TicketRef) -> Ticket? {
        let i = ref.number - 1
        return i >= 0 && i < slots.count ? slots[i] : nil
    }

    /// Whether slot `i` (ticket number − 1) holds a ticket, without copying it.
    public func holds(slot i: Int) -> Bool { i >= 0 && i < present.count && present[i] }

    /// All tickets in reference order.
    public var tickets: [Ticket] { slots.compactMap { $0 } }

    public func forEach(_ body: (Ticket) throws -> Void) rethrows {
        for case let t? in slots { try body(t) }
    }

    public mutating func apply(_ event: Event) {
        eventCount += 1
        if event.seq > lastSeq { lastSeq = event.seq }
        let i = event.ref.number - 1
        guard i >= 0 else { return }
        if case .opened(let caller, let category, let queue, let priority, let contact, let details) = event.body {
            if i == slots.count {
                // The usual case: the next reference. (Appending a repeated
                // sequence of one cost ~650 instructions per ticket.)
                slots.append(nil)
                present.append(false)
            } else if i > slots.count {
                slots.append(contentsOf: repeatElement(nil, count: i - slots.count + 1))
                present.append(contentsOf: repeatElement(false, count: i - present.count + 1))
            }
            if present[i] {
                problems.append("\(event.ref) opened twice (seq \(event.seq)); the second is ignored")
                return
            }
            let cat = intern(category)
            let by = intern(event.user)
            var t = Ticket(
                ref: event.ref, queue: intern(queue), category: cat, firstCategory: cat,
                caller: caller, summary: contact.summary,
                openedAt: event.happenedAt, openedBy: by, receivedAt: contact.received,
                lastChangedAt: event.happenedAt, priority: priority, channel: contact.channel)
            t.contacts = [Ticket.LoggedContact(record: contact, by: by, loggedAt: event.happenedAt)]
            if let src = event.source, let sourceRef = src.sourceRef {
                // No supported source says how the first contact ended.
                t.imported = ImportedFrom(batch: src.batch, system: src.system, sourceRef: sourceRef,
                                          sourceCategory: src.sourceCategory, fcrUnknown: true)
            }
            t.details = details
            t.restrictedQueue = restrictedQueue(category: category, queue: queue)
            t.restricted = t.restrictedQueue != nil
            t.lastSeq = event.seq
            slots[i] = t
            present[i] = true
            ticketCount += 1
            return
        }
        if case .importVoided(let batch) = event.body {
            voidBatch(batch)
            return
        }
        guard i < present.count, present[i] else {
            // Events for a voided ticket (a void written before them, or a
            // resumed import of a voided batch) stay out with it.
            if voidedBatches.isEmpty || !(event.source.map { voidedBatches.contains($0.batch) } ?? false) {
                problems.append("seq \(event.seq): \(event.type.rawValue) for \(event.ref), which was never opened")
            }
            return
        }
        switch event.body {
        case .viewed, .sealedContent, .importVoided, .erased, .accessed, .configChanged, .journalMigrated:
            // Not a change to the ticket.
            return
        case .absorbed(let from):
            // The survivor takes over the duplicate's contacts and notes.
            // Once per duplicate: a repeated `absorbed` (a retried merge)
            // must not bring its contacts in twice.
            if let dup = self[from], from != event.ref, !slots[i]!.mergedFrom.contains(from) {
                slots[i]!.contacts.append(contentsOf: dup.contacts)
                slots[i]!.noteCount += dup.noteCount
                if dup.restrictedQueue != nil && slots[i]!.restrictedQueue == nil {
                    slots[i]!.restrictedQueue = dup.restrictedQueue
                    slots[i]!.restricted = true
                }
            }
        default: break
        }
        // Mutate in place: copying a ticket out and back copies its arrays.
        Self.update(&slots[i]!, event, customerServices: customerServices, restrictedQueues: restrictedQueues,
                    restrictedCategories: restrictedCategories, interned: &interned, lastAssignee: &lastAssignee)
    }

    private static func update(_ t: inout Ticket, _ event: Event, customerServices: String, restrictedQueues: Set<String>,
                               restrictedCategories: [String: String], interned: inout SharedStrings,
                               lastAssignee: inout [String: String]) {
        func intern(_ s: String) -> String { interned.intern(s) }
        let when = event.happenedAt
        let newStatus = Lifecycle.status(after: event.body, on: t, customerServices: customerServices)
        switch event.body {
        case .opened: break
        case .contactLogged(let contact):
            t.contacts.append(Ticket.LoggedContact(record: contact, by: intern(event.user), loggedAt: when))
            // The caller got back in touch: a promised call back is done.
            t.callbackAt = nil
        case .routed(let queue, let details, _):
            t.queue = intern(queue)
            if queue != customerServices { t.everRouted = true }
            if restrictedQueues.contains(queue) {
                t.restricted = true
                if t.restrictedQueue == nil { t.restrictedQueue = intern(queue) }
            }
            for (k, v) in details { t.details[k] = v }
            t.assignee = nil
            if t.firstResponseAt == nil { t.firstResponseAt = when }
        case .assigned(let user):
            t.assignee = intern(user)
            lastAssignee[t.queue] = t.assignee
            if t.firstResponseAt == nil { t.firstResponseAt = when }
        case .pending(let reason):
            // A second `pending` while paused (a hand-written journal) does
            // not restart the pause or forget the status to return to.
            if t.pendingSince == nil {
                t.statusBeforePending = t.status
                t.pendingSince = when
                t.pendingReason = reason
            }
        case .resumed:
            Self.endPause(&t, at: when)
        case .resolved(_, let firstContact):
            Self.endPause(&t, at: when)
            t.resolvedAt = when
            t.resolvedBy = intern(event.user)
            if t.firstResolvedAt == nil { t.firstResolvedAt = when }
            if t.firstResponseAt == nil { t.firstResponseAt = when }
            t.callbackAt = nil
            // The flag belongs to the first resolution only.
            if t.reopenedAt.isEmpty && firstContact { t.firstContactResolution = true }
        case .reopened:
            t.reopenedAt.append(when)
            t.resolvedAt = nil
            t.resolvedBy = nil
        case .closed:
            t.closedAt = when
        case .noted:
            t.noteCount += 1
            if t.firstResponseAt == nil { t.firstResponseAt = when }
        case .corrected(let field, _, let to):
            Self.correct(&t, field: field, to: to)
            if let ix = event.toIndex {
                if field == .callerName { t.caller.nameIndex = ix }
                if field == .callerReference { t.caller.referenceIndex = ix }
            }
            if field == .category, t.restrictedQueue == nil, let q = restrictedCategories[to] {
                t.restrictedQueue = intern(q)
                t.restricted = true
            }
            if field == .category, t.contacts.count <= 1, t.reopenedAt.isEmpty, !t.everRouted {
                // A mis-keyed category fixed during the first contact is
                // still the category "at first contact".
                t.firstCategory = to
            }
        case .feedback(let rating, let source):
            t.rating = rating
            t.ratingSource = source
        case .identityVerified(let how):
            t.identityVerifiedHow = how
        case .callbackSet(let at):
            t.callbackAt = at
        case .merged(let into):
            Self.endPause(&t, at: when)
            t.mergedInto = into
            t.closedAt = when
            t.callbackAt = nil
        case .absorbed(let from):
            if !t.mergedFrom.contains(from) { t.mergedFrom.append(from) }
        case .linked(let other):
            if !t.links.contains(other) { t.links.append(other) }
        case .viewed, .sealedContent, .importVoided, .erased, .accessed, .configChanged, .journalMigrated:
            break
        }
        // Any event that takes the ticket out of pending (routing it, say)
        // ends the pause: the clock runs again from then.
        if newStatus != .pending {
            if t.pendingSince != nil { Self.endPause(&t, at: when) }
            t.statusBeforePending = nil
        }
        if event.source != nil && t.imported != nil { t.imported!.events += 1 }
        t.status = newStatus
        t.lastChangedAt = when
        t.lastSeq = event.seq
    }

    private static func endPause(_ t: inout Ticket, at: Instant) {
        if let start = t.pendingSince {
            t.pauses.append(Ticket.Pause(start: start, end: at, reason: t.pendingReason ?? .customer))
        }
        t.pendingSince = nil
        t.pendingReason = nil
    }

    static func correct(_ t: inout Ticket, field: CorrectableField, to: String) {
        let value: String? = to.isEmpty ? nil : to
        switch field {
        case .category: t.category = to
        case .callerName: t.caller.name = to
        case .callerReference: t.caller.reference = value
        case .callerType: if let ct = CallerType(rawValue: to) { t.caller.type = ct }
        case .callerPhone: t.caller.phone = value
        case .callerEmail: t.caller.email = value
        case .priority: if let p = Priority(rawValue: to) { t.priority = p }
        case .summary: t.summary = to
        }
    }

    /// The current value of a correctable field, for the `from` of a correction.
    public static func value(of field: CorrectableField, in t: Ticket) -> String {
        switch field {
        case .category: return t.category
        case .callerName: return t.caller.name
        case .callerReference: return t.caller.reference ?? ""
        case .callerType: return t.caller.type.rawValue
        case .callerPhone: return t.caller.phone ?? ""
        case .callerEmail: return t.caller.email ?? ""
        case .priority: return t.priority.rawValue
        case .summary: return t.summary
        }
    }
}

// MARK: - Restoring from a cache (the projection snapshot)

extension TicketStore {
    /// A store rebuilt from a cached copy of its state (see
    /// BSCJournal/SnapshotCodec.swift). `interned` seeds the table of
    /// shared strings so later events reuse the snapshot's copies.
    public init(restoring slots: [Ticket?], eventCount: Int, lastSeq: Int64, problems: [String],
                customerServices: String, restrictedQueues: Set<String>, interned: [String] = [], voidedBatches: Set<String> = []) {
        self.init(customerServices: customerServices, restrictedQueues: restrictedQueues)
        self.slots = slots
        self.present = slots.map { $0 != nil }
        self.eventCount = eventCount
        self.lastSeq = lastSeq
        self.problems = problems
        // Their tickets are already out of `slots`; later events of theirs stay out too.
        self.voidedBatches = voidedBatches
        self.ticketCount = present.reduce(0) { $0 + ($1 ? 1 : 0) }
        for s in interned { _ = self.interned.intern(s) }
    }

    /// The queues whose tickets become restricted (part of a snapshot's key:
    /// a configuration change must not reuse a projection built with others).
    public var restrictedQueueIDs: Set<String> { restrictedQueues }
}

extension Ticket {
    /// An empty ticket for decoders to fill in field by field.
    public static func blank(_ ref: TicketRef) -> Ticket {
        Ticket(ref: ref, queue: "", category: "", firstCategory: "",
               caller: Caller(name: "", type: .employee), summary: "",
               openedAt: Instant(millis: 0), openedBy: "", receivedAt: Instant(millis: 0),
               lastChangedAt: Instant(millis: 0), priority: .normal, channel: .phone)
    }
}

extension Ticket.LoggedContact {
    public static func make(record: ContactRecord, by: String, loggedAt: Instant) -> Ticket.LoggedContact {
        Ticket.LoggedContact(record: record, by: by, loggedAt: loggedAt)
    }
}

extension Ticket.Pause {
    public static func make(start: Instant, end: Instant, reason: PendingReason) -> Ticket.Pause {
        Ticket.Pause(start: start, end: end, reason: reason)
    }
}

/// One shared copy of each login, queue and category id: millions of
/// events repeat a few hundred strings.
struct SharedStrings: Sendable {
    private var table: [String: String] = [:]
    /// Storage addresses of the shared copies. The journal decoder already
    /// hands out shared copies, so most strings arriving here *are* one of
    /// them, recognised by address without hashing their bytes.
    private var known = [UInt](repeating: 0, count: 256)

    /// Strings of up to 15 UTF-8 bytes are stored inline (nothing to
    /// share), so only longer ones are looked up.
    @inline(__always)
    mutating func intern(_ s: String) -> String {
        if s.utf8.count <= 15 { return s }
        let address = Self.address(of: s)
        if address != 0 && known[Self.slot(address)] == address { return s }
        let shared: String
        if let existing = table[s] {
            shared = existing
        } else {
            table[s] = s
            shared = s
        }
        let a = Self.address(of: shared)
        if a != 0 { known[Self.slot(a)] = a }
        return shared
    }

    private static func address(of s: String) -> UInt {
        s.utf8.withContiguousStorageIfAvailable { UInt(bitPattern: $0.baseAddress) } ?? 0
    }

    private static func slot(_ address: UInt) -> Int { Int((address >> 4) & 255) }
}
