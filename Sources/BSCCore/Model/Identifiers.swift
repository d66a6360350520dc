/// The fixed vocabularies of the ticket core. Their raw values are the ids
/// that appear in the journal, in configuration and on the command line; they
/// are published in docs/identifiers.md and must never change meaning.

public enum Channel: String, CaseIterable, Sendable, Codable {
    case phone
    case email
    case eForm = "e-form"
    case faceToFace = "face-to-face"
    case letter
    case webChat = "web-chat"

    public var label: String {
        switch self {
        case .phone: return "Phone"
        case .email: return "Email"
        case .eForm: return "E-form"
        case .faceToFace: return "Face to face"
        case .letter: return "Letter"
        case .webChat: return "Web chat"
        }
    }
}

public enum CallerType: String, CaseIterable, Sendable, Codable {
    case employee
    case manager
    case electedMember = "elected-member"
    case supplier
    case debtor
    case serviceUser = "service-user"
    case familyOrAdvocate = "family-or-advocate"
    case school
    case otherOrganisation = "other-organisation"
    case publicMember = "public"

    public var label: String {
        switch self {
        case .employee: return "Employee"
        case .manager: return "Manager"
        case .electedMember: return "Elected member"
        case .supplier: return "Supplier"
        case .debtor: return "Debtor"
        case .serviceUser: return "Service user / client"
        case .familyOrAdvocate: return "Family member or advocate"
        case .school: return "School"
        case .otherOrganisation: return "Other organisation"
        case .publicMember: return "Member of the public"
        }
    }
}

public enum TicketStatus: String, CaseIterable, Sendable, Codable {
    case open
    case routed
    case inProgress = "in-progress"
    case pending
    case resolved
    case closed

    /// Short text that carries the meaning without colour.
    public var label: String {
        switch self {
        case .open: return "open"
        case .routed: return "routed"
        case .inProgress: return "in progress"
        case .pending: return "pending"
        case .resolved: return "resolved"
        case .closed: return "closed"
        }
    }

    /// Still being worked: open, routed, in progress or pending. The one
    /// definition of "active" (the board's open count, `list --status
    /// active`, the list screen's filter, the lifecycle's legal actions).
    public var isActive: Bool {
        switch self {
        case .open, .routed, .inProgress, .pending: return true
        case .resolved, .closed: return false
        }
    }

    /// Every active status (`isActive`).
    public static let active: Set<TicketStatus> = Set(allCases.filter(\.isActive))
}

public enum Priority: String, CaseIterable, Sendable, Codable, Comparable {
    case low
    case normal
    case high
    case urgent

    private var rank: Int {
        switch self {
        case .low: return 0
        case .normal: return 1
        case .high: return 2
        case .urgent: return 3
        }
    }

    public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
}

public enum PendingReason: String, CaseIterable, Sendable, Codable {
    case customer
    case thirdParty = "third-party"

    public var label: String { self == .customer ? "awaiting customer" : "awaiting third party" }
}

public enum FeedbackSource: String, CaseIterable, Sendable, Codable {
    case phone
    case email
    case eForm = "e-form"
    case survey
}

public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case agent
    case teamLeader = "team-leader"
    case supervisor

    private var rank: Int {
        switch self {
        case .agent: return 0
        case .teamLeader: return 1
        case .supervisor: return 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// The well-known queue ids. Queues themselves come from configuration.
public enum QueueID {
    public static let customerServices = "customer-services"
    public static let payroll = "payroll"
    public static let exchequer = "exchequer"
    public static let vacancyManagement = "vacancy-management"
    public static let appointeeship = "appointeeship"
}

/// Lists the allowed values of a vocabulary for error messages.
public func allowedValues<T: RawRepresentable & CaseIterable>(_: T.Type) -> String where T.RawValue == String {
    T.allCases.map(\.rawValue).joined(separator: ", ")
}
