/// Version 2's ticket commands: each struct holds the command line's
/// options as given (strings are parsed by the server, as the CLI would).

/// `resume REF`, `close REF`.
public struct RefArgs: Codable, Sendable, Equatable {
    public var ref: String
    public init(ref: String) { self.ref = ref }
}

public struct ContactArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var channel: String
    public var summary: String
    public var duration: String?
    public var received: String?
    public init(ref: String, channel: String, summary: String, duration: String? = nil, received: String? = nil) {
        self.ref = ref
        self.channel = channel
        self.summary = summary
        self.duration = duration
        self.received = received
    }
}

/// `edit REF`: corrections of mis-keyed fields; only the fields given change.
public struct EditArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var category: String?
    public var caller: String?
    public var callerRef: String?
    public var callerType: String?
    public var phone: String?
    public var email: String?
    public var priority: String?
    public var summary: String?
    public init(ref: String, category: String? = nil, caller: String? = nil, callerRef: String? = nil, callerType: String? = nil,
                phone: String? = nil, email: String? = nil, priority: String? = nil, summary: String? = nil) {
        self.ref = ref
        self.category = category
        self.caller = caller
        self.callerRef = callerRef
        self.callerType = callerType
        self.phone = phone
        self.email = email
        self.priority = priority
        self.summary = summary
    }
}

public struct RouteArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var queue: String
    /// `KEY=VALUE` strings.
    public var details: [String]
    public var note: String?
    public init(ref: String, queue: String, details: [String] = [], note: String? = nil) {
        self.ref = ref
        self.queue = queue
        self.details = details
        self.note = note
    }
}

public struct AssignArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var user: String
    public init(ref: String, user: String) {
        self.ref = ref
        self.user = user
    }
}

public struct PendingArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var reason: String
    public init(ref: String, reason: String) {
        self.ref = ref
        self.reason = reason
    }
}

public struct ReopenArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var reason: String?
    public init(ref: String, reason: String? = nil) {
        self.ref = ref
        self.reason = reason
    }
}

public struct FeedbackArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var rating: Int
    public var source: String
    public init(ref: String, rating: Int, source: String) {
        self.ref = ref
        self.rating = rating
        self.source = source
    }
}

public struct VerifyIdentityArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var how: String
    public init(ref: String, how: String) {
        self.ref = ref
        self.how = how
    }
}

public struct CallbackArgs: Codable, Sendable, Equatable {
    public var ref: String
    /// ISO 8601 local time, or "none" to clear.
    public var time: String
    public init(ref: String, time: String) {
        self.ref = ref
        self.time = time
    }
}

public struct ReturnArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var note: String?
    public init(ref: String, note: String? = nil) {
        self.ref = ref
        self.note = note
    }
}

public struct MergeArgs: Codable, Sendable, Equatable {
    public var duplicate: String
    public var into: String
    public init(duplicate: String, into: String) {
        self.duplicate = duplicate
        self.into = into
    }
}

public struct LinkArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var other: String
    public init(ref: String, other: String) {
        self.ref = ref
        self.other = other
    }
}

public struct TriageArgs: Codable, Sendable, Equatable {
    public var text: String
    public var limit: Int
    public var format: String
    public init(text: String, limit: Int = 5, format: String = "table") {
        self.text = text
        self.limit = limit
        self.format = format
    }
}

/// `board --print`: the board once, as a text frame or every figure as JSON.
public struct BoardArgs: Codable, Sendable, Equatable {
    public var detailed: Bool
    public var team: Bool
    /// "text" or "json"; nil is text.
    public var format: String?
    /// COLSxROWS, for text.
    public var size: String
    public init(detailed: Bool = false, team: Bool = false, format: String? = nil, size: String = "100x30") {
        self.detailed = detailed
        self.team = team
        self.format = format
        self.size = size
    }
}

extension Request {
    public init(id: Int, eventId: String? = nil, contact: ContactArgs) { self.init(id, .contact, eventId); self.contact = contact }
    public init(id: Int, eventId: String? = nil, edit: EditArgs) { self.init(id, .edit, eventId); self.edit = edit }
    public init(id: Int, eventId: String? = nil, route: RouteArgs) { self.init(id, .route, eventId); self.route = route }
    public init(id: Int, eventId: String? = nil, assign: AssignArgs) { self.init(id, .assign, eventId); self.assign = assign }
    public init(id: Int, eventId: String? = nil, pending: PendingArgs) { self.init(id, .pending, eventId); self.pending = pending }
    public init(id: Int, eventId: String? = nil, resume: RefArgs) { self.init(id, .resume, eventId); self.resume = resume }
    public init(id: Int, eventId: String? = nil, reopen: ReopenArgs) { self.init(id, .reopen, eventId); self.reopen = reopen }
    public init(id: Int, eventId: String? = nil, close: RefArgs) { self.init(id, .close, eventId); self.close = close }
    public init(id: Int, eventId: String? = nil, feedback: FeedbackArgs) { self.init(id, .feedback, eventId); self.feedback = feedback }
    public init(id: Int, eventId: String? = nil, verifyIdentity: VerifyIdentityArgs) {
        self.init(id, .verifyIdentity, eventId)
        self.verifyIdentity = verifyIdentity
    }
    public init(id: Int, eventId: String? = nil, callback: CallbackArgs) { self.init(id, .callback, eventId); self.callback = callback }
    public init(id: Int, eventId: String? = nil, returnArgs: ReturnArgs) { self.init(id, .return, eventId); self.return = returnArgs }
    public init(id: Int, eventId: String? = nil, merge: MergeArgs) { self.init(id, .merge, eventId); self.merge = merge }
    public init(id: Int, eventId: String? = nil, link: LinkArgs) { self.init(id, .link, eventId); self.link = link }
    public init(id: Int, triage: TriageArgs) { self.init(id, .triage, nil); self.triage = triage }
    public init(id: Int, board: BoardArgs) { self.init(id, .board, nil); self.board = board }
}
