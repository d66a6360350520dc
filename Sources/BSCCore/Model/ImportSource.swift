/// Where an imported event came from (`bscdesk import`): the batch it was
/// written in, the helpdesk it was taken from, the file and row, and the
/// time the source gave it. See docs/journal-format.md, *Imported events*.
public struct ImportSource: Sendable, Equatable {
    /// The import batch (`bscdesk import --void BATCH` removes it).
    public var batch: String
    /// The helpdesk it came from: `servicenow`, `osticket`, `zendesk`, `csv`.
    public var system: String
    /// The file's name (no directory).
    public var file: String
    /// The source file's line (the header is line 1).
    public var row: Int
    /// When it happened in the source. Every clock and figure uses this
    /// rather than `ts` (when the line was written).
    public var at: Instant
    /// On `ticket.opened` only: the source's own number (`INC0000001`).
    public var sourceRef: String?
    /// On `ticket.opened` only: the source's category, kept as it was.
    public var sourceCategory: String?

    public init(batch: String, system: String, file: String, row: Int, at: Instant, sourceRef: String? = nil, sourceCategory: String? = nil) {
        self.batch = batch
        self.system = system
        self.file = file
        self.row = row
        self.at = at
        self.sourceRef = sourceRef
        self.sourceCategory = sourceCategory
    }
}

/// What a ticket keeps of its import.
public struct ImportedFrom: Sendable, Equatable {
    public var batch: String
    public var system: String
    public var sourceRef: String
    public var sourceCategory: String?
    /// The source did not say how the first contact ended: the ticket is
    /// left out of gross and net FCR (`"fcr": null`).
    public var fcrUnknown: Bool
    /// How many imported events the ticket has: an import killed in the
    /// middle of a write carries on from the next one.
    public var events: Int

    public init(batch: String, system: String, sourceRef: String, sourceCategory: String?, fcrUnknown: Bool, events: Int = 1) {
        self.events = events
        self.batch = batch
        self.system = system
        self.sourceRef = sourceRef
        self.sourceCategory = sourceCategory
        self.fcrUnknown = fcrUnknown
    }
}

extension Event {
    /// When the event happened: the source's time for an imported event,
    /// else when it was written. The fold and every figure use this.
    @inline(__always)
    public var happenedAt: Instant { source?.at ?? at }
}
