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
    /// Set on a main-journal event whose personal content was moved to the
    /// restricted journal of this queue (`"sealed":"appointeeship"`); the
    /// body then holds the redacted form. nil for ordinary events.
    public var sealed: String?
    /// Set on an imported event: its batch, source and source time
    /// (ImportSource.swift). nil for events made in bscdesk.
    public var source: ImportSource?
    /// The event's personal content, encrypted with its ticket's key
    /// (docs/data-protection.md); the body then holds the redacted form.
    public var enc: String?
    /// On a correction of the caller's name or reference: the blind index
    /// of the new value ("" for none), so figures need no decryption.
    public var toIndex: String?

    public init(version: Int = Event.formatVersion, seq: Int64 = 0, id: String, at: Instant, user: String, ref: TicketRef, body: EventBody, sealed: String? = nil,
                source: ImportSource? = nil, enc: String? = nil, toIndex: String? = nil) {
        self.source = source
        self.enc = enc
        self.toIndex = toIndex
        self.version = version
        self.seq = seq
        self.id = id
        self.at = at
        self.user = user
        self.ref = ref
        self.body = body
        self.sealed = sealed
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
    case identityVerified = "identity.verified"
    case callbackSet = "callback.set"
    case merged = "ticket.merged"
    case absorbed = "ticket.absorbed"
    case linked = "ticket.linked"
    case viewed = "ticket.viewed"
    /// Only in restricted journals: the personal content of a sealed event.
    case sealedContent = "content.sealed"
    /// `bscdesk import --void`: the batch's tickets leave every view and figure.
    case importVoided = "import.voided"
    /// Tickets whose keys were destroyed (erasure or retention).
    case erased = "subject.erased"
    /// A subject access request answered from these tickets.
    case accessed = "subject.accessed"
    /// A supervisor changed a key of bscdesk.toml (`config set`). About no
    /// ticket: its line has no "ref".
    case configChanged = "config.changed"
    /// The first event of a journal migrated from one written before
    /// encryption (`bscdesk migrate`): records the old chain's head. About
    /// no ticket: its line has no "ref".
    case journalMigrated = "journal.migrated"

    /// Event types about no ticket: their lines have no "ref".
    public var namesNoTicket: Bool { self == .configChanged || self == .journalMigrated }
}

public struct Caller: Sendable, Equatable, Hashable {
    /// Empty for an anonymous caller.
    public var name: String
    /// Employee, supplier, debtor or client number.
    public var reference: String?
    public var phone: String?
    public var email: String?
    /// Blind indexes (keyed HMACs, docs/data-protection.md) of the folded
    /// name and reference: "" when there is none, nil on events written
    /// before encryption. "Same caller" figures use them when present.
    public var nameIndex: String?
    public var referenceIndex: String?
    // Last: between the strings this byte took eight (every ticket and
    // every opening event holds a caller).
    public var type: CallerType

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
    public var summary: String
    /// When it actually arrived (a letter logged later, say); clocks start here.
    public var received: Instant
    /// The call timer, if there was one.
    public var durationMillis: Int64?
    /// The longest a journal's `duration_ms` may say (a year): longer is
    /// damage, so the figures can add a million durations without
    /// overflowing.
    public static let longestDurationMillis: Int64 = 366 * 86_400_000
    /// Last, in the optional's spare bytes.
    public var channel: Channel

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
    /// Boxed: its payload (caller, contact, details) is several times any
    /// other case's, and every event was moved at that size through the
    /// decoder, the replay's batches and the fold (−8 % instructions a
    /// replayed event for one allocation per ticket opened).
    indirect case opened(caller: Caller, category: String, queue: String, priority: Priority, contact: ContactRecord, details: [String: String])
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
    /// How the caller's identity was checked ("call-back to number on file").
    case identityVerified(how: String)
    /// A promised call back; nil clears it.
    case callbackSet(at: Instant?)
    /// On the duplicate: it was merged into `into` (the duplicate closes).
    case merged(into: TicketRef)
    /// On the survivor, in the same append as `merged`: it takes over the
    /// duplicate's contacts and notes.
    case absorbed(from: TicketRef)
    /// Written on both tickets of a link, each naming the other.
    case linked(to: TicketRef)
    /// Someone opened a restricted ticket's detail.
    case viewed
    /// Restricted journals only: the personal fields of main-journal event
    /// `of`, as a flat string map.
    case sealedContent(of: String, content: [String: String])
    /// An import batch was voided (on the batch's first ticket).
    case importVoided(batch: String)
    /// The keys of `tickets` were destroyed: their personal content is
    /// gone for good. Holds nothing personal. `basis` is `request` or
    /// `retention`.
    case erased(tickets: [TicketRef], reason: String, basis: String)
    /// A subject access request was answered from `tickets`.
    case accessed(tickets: [TicketRef])
    /// `key` of bscdesk.toml was changed from one TOML value to another
    /// (nil: not set before; both nil for a person's name, which the
    /// journal does not repeat). Its event's ref is `TicketRef.none`.
    case configChanged(key: String, from: String?, to: String?)
    /// The first event of a migrated journal (`bscdesk migrate`): the old
    /// journal's head hash and last seq, its segments (now in `archive`,
    /// a folder of the data directory) and when the migration ran. Its
    /// event's ref is `TicketRef.none`.
    case journalMigrated(JournalMigration)

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
        case .identityVerified: return .identityVerified
        case .callbackSet: return .callbackSet
        case .merged: return .merged
        case .absorbed: return .absorbed
        case .linked: return .linked
        case .viewed: return .viewed
        case .sealedContent: return .sealedContent
        case .importVoided: return .importVoided
        case .erased: return .erased
        case .accessed: return .accessed
        case .configChanged: return .configChanged
        case .journalMigrated: return .journalMigrated
        }
    }
}

/// What `journal.migrated` records about the journal it replaced.
public struct JournalMigration: Sendable, Equatable {
    /// The old chain's head hash (64 hex digits) and its last seq.
    public var head: String
    public var headSeq: Int64
    /// The old segment files, oldest first (`2026-09.jsonl`).
    public var segments: [String]
    /// Where they were moved, relative to the data directory.
    public var archive: String
    /// When the migration ran (`ts` is the first copied event's).
    public var migratedAt: Instant

    public init(head: String, headSeq: Int64, segments: [String], archive: String, migratedAt: Instant) {
        self.head = head
        self.headSeq = headSeq
        self.segments = segments
        self.archive = archive
        self.migratedAt = migratedAt
    }
}
