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
    public var resolvedAt: Instant?
    public var resolvedBy: String?
    /// The first resolution, kept across reopens.
    public var firstResolvedAt: Instant?
    /// The first routing, assignment, note or resolution after opening.
    public var firstResponseAt: Instant?
    /// How the caller's identity was verified, if it was.
    public var identityVerifiedHow: String?
    /// A promised call back, while one is set.
    public var callbackAt: Instant?
    /// Set on a duplicate merged into another ticket.
    public var mergedInto: TicketRef?
    /// Duplicates merged into this one.
    public var mergedFrom: [TicketRef] = []
    /// Related tickets, both ways.
    public var links: [TicketRef] = []
    public var reopenedAt: [Instant] = []
    public var closedAt: Instant?
    public var pendingSince: Instant?
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
