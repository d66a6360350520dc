import BSCCore

/// Who may see what. Restricted tickets (any that touched a restricted queue)
/// show their personal content only to that queue's team and supervisors;
/// everyone else sees that the ticket exists, its queue and its timings.
extension Desk {
    public static let redacted = "(restricted)"

    public var restrictedQueuesIWork: Set<String> {
        Set(taxonomy.queues.filter { $0.restricted && profile.queues.contains($0.id) }.map(\.id))
    }

    public func canSeeContent(_ t: Ticket) -> Bool {
        guard t.restricted else { return true }
        if profile.role == .supervisor { return true }
        guard let q = t.restrictedQueue else { return !restrictedQueuesIWork.isEmpty }
        return profile.queues.contains(q)
    }

    /// The ticket as this user may see it.
    public func visible(_ t: Ticket) -> Ticket {
        guard !canSeeContent(t) else { return t }
        var r = t
        r.caller = Caller(name: Self.redacted, type: t.caller.type)
        r.summary = Self.redacted
        r.details = [:]
        r.identityVerifiedHow = t.identityVerifiedHow == nil ? nil : Self.redacted
        r.contacts = t.contacts.map { c in
            // The agent who logged a contact still sees that contact.
            guard c.by != login else { return c }
            var c = c
            c.record.summary = Self.redacted
            return c
        }
        if t.contacts.first?.by == login {
            r.caller = t.caller
            r.summary = t.summary
        }
        return r
    }

    /// An event as this user may see it.
    public func visible(_ e: Event, of t: Ticket) -> Event {
        guard !canSeeContent(t), e.user != login else { return e }
        var e = e
        switch e.body {
        case .opened(let caller, let category, let queue, let priority, var contact, _):
            contact.summary = Self.redacted
            e.body = .opened(caller: Caller(name: Self.redacted, type: caller.type), category: category, queue: queue, priority: priority, contact: contact, details: [:])
        case .contactLogged(var c):
            c.summary = Self.redacted
            e.body = .contactLogged(c)
        case .routed(let queue, _, let note):
            e.body = .routed(queue: queue, details: [:], note: note == nil ? nil : Self.redacted)
        case .resolved(let note, let fcr):
            e.body = .resolved(note: note == nil ? nil : Self.redacted, firstContact: fcr)
        case .reopened(let reason):
            e.body = .reopened(reason: reason == nil ? nil : Self.redacted)
        case .noted:
            e.body = .noted(text: Self.redacted)
        case .identityVerified:
            e.body = .identityVerified(how: Self.redacted)
        case .corrected(let field, _, _) where field != .category && field != .priority && field != .callerType:
            e.body = .corrected(field: field, from: Self.redacted, to: Self.redacted)
        default: break
        }
        return e
    }

    /// The rule for which target applies (the category's overrides the
    /// queue's), shared with the metrics and the board.
    public var slaPolicy: SLAPolicy { SLAPolicy(taxonomy: taxonomy, atRiskShare: config.atRiskShare) }

    /// The SLA clock of a ticket against its resolution target (`SLAPolicy`).
    public func slaStatus(_ t: Ticket, now: Instant) -> SLAStatus? {
        slaPolicy.resolutionStatus(t, now: now, calendar: calendar)
    }

    /// The first-response clock: from the first contact's arrival to the
    /// first routing, assignment, note or resolution (whoever made it),
    /// against the category's or else the queue's first-response target, on
    /// working hours with pending pauses taken out.
    public func firstResponseStatus(_ t: Ticket, now: Instant) -> SLAStatus? {
        slaPolicy.firstResponseStatus(t, now: now, calendar: calendar)
    }

    /// `2026-11-24 09:05`, local time.
    public func localText(_ t: Instant) -> String { zone.localDateTime(t).description }
}
