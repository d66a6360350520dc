import BSCCore

/// A ticket as another helpdesk recorded it, whatever the format: what it
/// opened with, then snapshots of its state in order (ServiceNow's event
/// log has one per change; osTicket and Zendesk exports give one per
/// ticket, read as its final state). Values are the source's own text;
/// the mapping turns them into bscdesk ids.
public struct SourceTicket: Sendable {
    public var sourceRef: String
    /// The line of the row the ticket was opened from.
    public var line: Int
    public var opened: Instant
    public var caller: String
    public var callerEmail: String?
    public var channel: String
    public var category: String
    public var subject: String
    public var priority: String
    public var snapshots: [SourceSnapshot] = []
}

/// The source's lifecycle states, as the story builder needs them.
public enum SourceState: Sendable, Equatable {
    case new
    case active
    case pending(PendingReason)
    case resolved
    case closed
    /// A state that says nothing for the lifecycle (ServiceNow's `-100`).
    case unknown
}

/// One row's view of a source ticket.
public struct SourceSnapshot: Sendable {
    public var line: Int
    /// When this state was recorded.
    public var at: Instant
    public var state: SourceState
    /// The group or department working it; nil when the row does not say.
    public var group: String?
    public var assignee: String?
    /// ServiceNow's counters: a rise means a reassignment or a reopen.
    /// nil where the source has no counter (a group change is then a
    /// reassignment).
    public var reassignments: Int?
    public var reopens: Int?
    public var resolvedAt: Instant?
    public var closedAt: Instant?

    public init(line: Int, at: Instant, state: SourceState, group: String? = nil, assignee: String? = nil,
                reassignments: Int? = nil, reopens: Int? = nil, resolvedAt: Instant? = nil, closedAt: Instant? = nil) {
        self.line = line
        self.at = at
        self.state = state
        self.group = group
        self.assignee = assignee
        self.reassignments = reassignments
        self.reopens = reopens
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
    }
}

/// A rejected row: its line, why, and its fields as read (for the rejects file).
public struct RejectedRow: Sendable {
    public var line: Int
    public var reason: String
    public var fields: [String]
}

/// What one pass of a format reader over a file saw. Tickets and rejected
/// rows are handed on one at a time as they are read, never collected.
public struct SourcePass: Sendable {
    public var header: [String] = []
    public var rows = 0
    /// The pass found a source number's rows apart from each other and
    /// stopped handing on tickets: run it again, now that the grouping
    /// knows each number's last row.
    public var again = false
}

/// How a file's rows make tickets. ServiceNow's event log has a row per
/// snapshot; a ticket is whole at its number's last row. The first pass
/// over a file learns each number's last row; while the rows of each
/// number are together (as exports write them) it hands each ticket on
/// when the next number begins, so only one ticket is held. A file whose
/// rows of one number are apart is read again, each ticket held from its
/// first row to its last.
public struct TicketGrouping: Sendable {
    /// The line of each source number's last accepted row.
    var lastLine: [String: Int] = [:]
    /// Whether `lastLine` covers the whole file.
    var known = false
    public init() {}
}

/// Values the source writes for "nothing": ServiceNow's `?`, empty cells.
@inline(__always)
func present(_ s: String) -> String? {
    let t = trimmed(s)
    return t.isEmpty || t == "?" || t == "NULL" || t == "null" ? nil : t
}

/// Without spaces and tabs at either end.
func trimmed(_ s: String) -> String {
    let u = s.utf8
    guard let f = u.first, let l = u.last, f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09 else { return s }
    var scalars = Substring(s).unicodeScalars[...]
    while let x = scalars.first, x == " " || x == "\t" { scalars.removeFirst() }
    while let x = scalars.last, x == " " || x == "\t" { scalars.removeLast() }
    return String(String.UnicodeScalarView(scalars))
}
