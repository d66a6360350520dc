/// What a person can do to a ticket, and in which statuses. The one table
/// here drives validation, error messages and docs/identifiers.md.
public enum TicketAction: String, CaseIterable, Sendable {
    case contact
    case note
    case edit
    case route
    case assign
    case pending
    case resume
    case resolve
    case reopen
    case close
    case feedback
    case verify
    case callback
    case merge
    case link

    /// Statuses from which the action is legal.
    public var allowedFrom: Set<TicketStatus> {
        let active = TicketStatus.active
        switch self {
        case .note: return Set(TicketStatus.allCases)
        case .edit: return active.union([.resolved])
        case .contact: return active.union([.resolved])
        case .route, .assign, .resolve: return active
        case .pending: return active.subtracting([.pending])
        case .resume: return [.pending]
        case .reopen, .close: return [.resolved]
        case .feedback: return [.resolved, .closed]
        case .verify, .callback: return active
        case .merge: return active.union([.resolved])
        case .link: return Set(TicketStatus.allCases)
        }
    }

    public static func allowed(from status: TicketStatus) -> [TicketAction] {
        allCases.filter { $0.allowedFrom.contains(status) }
    }
}

public struct IllegalTransition: Error, Sendable, Equatable, CustomStringConvertible {
    public var ref: TicketRef
    public var action: TicketAction
    public var status: TicketStatus

    public var description: String {
        let legal = TicketAction.allowed(from: status).map(\.rawValue).joined(separator: ", ")
        return "cannot \(action.rawValue) \(ref): it is \(status.label); from \(status.rawValue) you can: \(legal)"
    }
}

public enum Lifecycle {
    public static func check(_ action: TicketAction, on ticket: Ticket) throws(IllegalTransition) {
        guard action.allowedFrom.contains(ticket.status) else {
            throw IllegalTransition(ref: ticket.ref, action: action, status: ticket.status)
        }
    }

    /// The status an event leaves a ticket in.
    static func status(after body: EventBody, on ticket: Ticket, customerServices: String) -> TicketStatus {
        switch body {
        case .opened: return .open
        case .routed(let queue, _, _): return queue == customerServices ? .open : .routed
        case .assigned: return ticket.status == .routed ? .inProgress : ticket.status
        case .pending: return .pending
        case .resumed: return ticket.statusBeforePending ?? .inProgress
        case .resolved: return .resolved
        case .reopened: return ticket.queue == customerServices ? .open : .routed
        case .closed, .merged: return .closed
        case .contactLogged, .noted, .corrected, .feedback, .identityVerified, .callbackSet, .absorbed, .linked, .viewed, .sealedContent, .importVoided, .erased, .accessed, .configChanged, .journalMigrated:
            return ticket.status
        }
    }
}
