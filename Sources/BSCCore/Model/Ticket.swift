/// A ticket as the fold of its events: what screens, lists and stats read.
/// History (who did what, when) is not kept here; it is read back from the
/// journal on demand, so the projection stays small for millions of events.
public struct Ticket: Sendable, Equatable {
    public var ref: TicketRef
    public var queue: String
    public var category: String
    /// The category at first contact: FCR and "same category" use this.
    public var firstCategory: String
    public var caller: Caller
    public var summary: String
    public var openedAt: Instant
    public var openedBy: String
    /// When the first contact arrived; clocks start here.
    public var receivedAt: Instant
    public var assignee: String?
    public var contacts: [LoggedContact] = []
    public var details: [String: String] = [:]
    /// The restricted queue whose team may read it (the first one touched).
    public var restrictedQueue: String?
    public var resolvedAt: Instant? {
        get { Self.instant(resolvedAtMillis) }
        set { resolvedAtMillis = Self.millis(newValue) }
    }
    public var resolvedBy: String?
    /// The first resolution, kept across reopens.
    public var firstResolvedAt: Instant? {
        get { Self.instant(firstResolvedAtMillis) }
        set { firstResolvedAtMillis = Self.millis(newValue) }
    }
    /// The first routing, assignment, note or resolution after opening.
    public var firstResponseAt: Instant? {
        get { Self.instant(firstResponseAtMillis) }
        set { firstResponseAtMillis = Self.millis(newValue) }
    }
    /// How the caller's identity was verified, if it was.
    public var identityVerifiedHow: String?
    /// A promised call back, while one is set.
    public var callbackAt: Instant? {
        get { Self.instant(callbackAtMillis) }
        set { callbackAtMillis = Self.millis(newValue) }
    }
    /// Set on a duplicate merged into another ticket.
    public var mergedInto: TicketRef? {
        get { mergedIntoNumber == Int.min ? nil : TicketRef(mergedIntoNumber) }
        set { mergedIntoNumber = newValue?.number ?? Int.min }
    }
    /// Duplicates merged into this one.
    public var mergedFrom: [TicketRef] = []
    /// Related tickets, both ways.
    public var links: [TicketRef] = []
    public var reopenedAt: [Instant] = []
    public var closedAt: Instant? {
        get { Self.instant(closedAtMillis) }
        set { closedAtMillis = Self.millis(newValue) }
    }
    public var pendingSince: Instant? {
        get { Self.instant(pendingSinceMillis) }
        set { pendingSinceMillis = Self.millis(newValue) }
    }
    public var pauses: [Pause] = []
    public var rating: Int?
    public var noteCount = 0
    public var lastChangedAt: Instant
    public var lastSeq: Int64 = 0
    /// Set on a ticket brought in by `bscdesk import`.
    public var imported: ImportedFrom? {
        get { importedOutOfLine.first }
        set { importedOutOfLine = newValue.map { [$0] } ?? [] }
    }
    /// Where `imported` is kept: out of line, as most tickets were not
    /// imported, and inline it cost every ticket about 80 bytes (25 MB of
    /// a 312,500-ticket projection).
    var importedOutOfLine: [ImportedFrom] = []

    // The optional times and the merge target as plain integers, `Int64.min`
    // (`Int.min`) for none: an `Instant?` takes 16 bytes inline (8 and a
    // flag, padded), these 8. Seven of them: 56 bytes a ticket, 17 MB of a
    // 312,500-ticket projection. No journal time is that far in the past
    // (the parser reads years 0000-9999).
    var resolvedAtMillis = Int64.min
    var firstResolvedAtMillis = Int64.min
    var firstResponseAtMillis = Int64.min
    var callbackAtMillis = Int64.min
    var closedAtMillis = Int64.min
    var pendingSinceMillis = Int64.min
    var mergedIntoNumber = Int.min

    @inline(__always) static func instant(_ m: Int64) -> Instant? { m == Int64.min ? nil : Instant(millis: m) }
    @inline(__always) static func millis(_ i: Instant?) -> Int64 { i?.millis ?? Int64.min }

    // The one-byte fields together: each alone between eight-byte fields
    // took eight bytes (Swift lays fields out in declaration order).
    public var priority: Priority
    public var channel: Channel
    public var status: TicketStatus = .open
    public var everRouted = false
    /// Once a ticket touches a restricted queue it stays restricted.
    public var restricted = false
    public var firstContactResolution = false
    public var pendingReason: PendingReason?
    public var statusBeforePending: TicketStatus?
    public var ratingSource: FeedbackSource?

    public struct LoggedContact: Sendable, Equatable {
        public var record: ContactRecord
        public var by: String
        public var loggedAt: Instant
    }

    public struct Pause: Sendable, Equatable {
        public var start: Instant
        public var end: Instant
        public var reason: PendingReason
    }

    public var isOpen: Bool { status.isActive }
    public var repeatContactCount: Int { max(0, contacts.count - 1) }
}
