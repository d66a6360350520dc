/// One change, as stored on one journal line. A ticket is the fold of its
/// events (see `TicketStore`). The envelope (`seq`, `id`, `at`, `user`,
/// `ref`) is common to every event; `body` says what happened.
public struct Event: Sendable, Equatable {
    public static let formatVersion = 1

    public var version: Int
    /// Position in the journal, 1-based, assigned under the journal lock.
    public var seq: Int64
    /// Unique id; lets a retry after an unknown outcome be de-duplicated.
    public var id: String
    /// When it was written (UTC, milliseconds).
    public var at: Instant
    /// The acting OS login.
    public var user: String
    public var ref: TicketRef
    public var body: EventBody

    public init(version: Int = Event.formatVersion, seq: Int64 = 0, id: String, at: Instant, user: String, ref: TicketRef, body: EventBody) {
        self.version = version
        self.seq = seq
        self.id = id
        self.at = at
        self.user = user
        self.ref = ref
        self.body = body
    }

    public var type: EventType { body.type }
}

public enum EventType: String, CaseIterable, Sendable {
    case opened = "ticket.opened"
    case contactLogged = "contact.logged"
    case routed = "ticket.routed"
    case assigned = "ticket.assigned"
    case pending = "ticket.pending"
    case resumed = "ticket.resumed"
    case resolved = "ticket.resolved"
    case reopened = "ticket.reopened"
    case closed = "ticket.closed"
    case noted = "ticket.noted"
    case corrected = "ticket.corrected"
    case feedback = "feedback.recorded"
}

public struct Caller: Sendable, Equatable, Hashable {
    /// Empty for an anonymous caller.
    public var name: String
    public var type: CallerType
    /// Employee, supplier, debtor or client number.
    public var reference: String?
    public var phone: String?
    public var email: String?

    public init(name: String, type: CallerType, reference: String? = nil, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.type = type
        self.reference = reference
        self.phone = phone
        self.email = email
    }

    public var isAnonymous: Bool { name.isEmpty && (reference ?? "").isEmpty }
    public var displayName: String { name.isEmpty ? "(anonymous)" : name }
}

/// One interaction: a call, an email, an e-form, a visit.
public struct ContactRecord: Sendable, Equatable {
    public var channel: Channel
    public var summary: String
    /// When it actually arrived (a letter logged later, say); clocks start here.
    public var received: Instant
    /// The call timer, if there was one.
    public var durationMillis: Int64?

    public init(channel: Channel, summary: String, received: Instant, durationMillis: Int64? = nil) {
        self.channel = channel
        self.summary = summary
        self.received = received
        self.durationMillis = durationMillis
    }
}

public enum CorrectableField: String, CaseIterable, Sendable {
    case category
    case callerName = "caller-name"
    case callerReference = "caller-ref"
    case callerType = "caller-type"
    case callerPhone = "caller-phone"
    case callerEmail = "caller-email"
    case priority
    case summary
}

public enum EventBody: Sendable, Equatable {
    case opened(caller: Caller, category: String, queue: String, priority: Priority, contact: ContactRecord, details: [String: String])
    case contactLogged(ContactRecord)
    case routed(queue: String, details: [String: String], note: String?)
    case assigned(to: String)
    case pending(reason: PendingReason)
    case resumed
    /// `firstContact` is set only when the agent who took the first contact
    /// resolved it during that contact; it is never edited afterwards.
    case resolved(note: String?, firstContact: Bool)
    case reopened(reason: String?)
    case closed
    case noted(text: String)
    case corrected(field: CorrectableField, from: String, to: String)
    case feedback(rating: Int, source: FeedbackSource)

    public var type: EventType {
        switch self {
        case .opened: return .opened
        case .contactLogged: return .contactLogged
        case .routed: return .routed
        case .assigned: return .assigned
        case .pending: return .pending
        case .resumed: return .resumed
        case .resolved: return .resolved
        case .reopened: return .reopened
        case .closed: return .closed
        case .noted: return .noted
        case .corrected: return .corrected
        case .feedback: return .feedback
        }
    }
}
