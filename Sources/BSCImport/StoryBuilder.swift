import BSCCore

/// One event of an imported ticket's story, before it has a reference.
public struct StoryStep: Sendable {
    public var body: EventBody
    public var at: Instant
    public var line: Int
}

/// The rules by which a source history that bscdesk's lifecycle forbids
/// is adapted (docs/import.md, "Adapting histories"). Each is counted.
public enum Adaptation: String, CaseIterable, Sendable {
    case resolvedTwice = "resolved-twice"
    case reopenAfterClose = "reopen-after-close"
    case changeAfterClose = "change-after-close"
    case routingAfterResolve = "routing-after-resolve"
    case assignmentAfterResolve = "assignment-after-resolve"
    case reopenWithoutResolution = "reopen-without-resolution"
    case closeWithoutResolution = "close-without-resolution"
    case timeOutOfOrder = "time-out-of-order"

    public var explanation: String {
        switch self {
        case .resolvedTwice: return "resolved again while resolved: the second resolution is left out"
        case .reopenAfterClose: return "reopened after it was closed: the close is left out, the reopen kept"
        case .changeAfterClose: return "changed after it was closed: the change is left out"
        case .routingAfterResolve: return "reassigned to another group while resolved: the routing is left out"
        case .assignmentAfterResolve: return "assigned while resolved: the assignment is left out"
        case .reopenWithoutResolution: return "reopen count rose while not resolved: no reopen is written"
        case .closeWithoutResolution: return "closed without a resolution: a resolution is written at the close"
        case .timeOutOfOrder: return "a change dated before the one before it: moved to that time"
        }
    }
}

/// Turns a source ticket's snapshots into the events of its bscdesk story.
public struct StoryBuilder {
    public let mapping: ImportMapping
    public let taxonomy: Taxonomy
    public private(set) var adaptations: [Adaptation: Int] = [:]
    /// Source assignees with no login in the mapping (kept as text).
    public private(set) var assigneesAsText: Set<String> = []
    public private(set) var unmappedCategories: Set<String> = []
    public private(set) var unmappedGroups: Set<String> = []

    public init(mapping: ImportMapping, taxonomy: Taxonomy) {
        self.mapping = mapping
        self.taxonomy = taxonomy
    }

    private enum Status { case open, routed, inProgress, pending, resolved, closed }

    public mutating func story(_ t: SourceTicket) -> [StoryStep] {
        var steps: [StoryStep] = []
        let category = mapping.category(t.category)
        if mapping.categories[t.category] == nil { unmappedCategories.insert(t.category) }
        let cat = taxonomy.category(category)
        let priority = mapping.priority(t.priority) ?? cat?.defaultPriority ?? .normal
        let summary = t.subject.isEmpty ? "\(mapping.format) \(t.sourceRef) (imported)" : t.subject
        let caller = Caller(name: t.caller, type: mapping.callerType, email: t.callerEmail)
        let contact = ContactRecord(channel: mapping.channel(t.channel), summary: summary, received: t.opened)
        steps.append(StoryStep(body: .opened(caller: caller, category: category, queue: QueueID.customerServices, priority: priority,
                                             contact: contact, details: [:]), at: t.opened, line: t.line))
        var status = Status.open
        var statusBeforePending = Status.open
        var queue = QueueID.customerServices
        var last = t.opened
        var group: String? = nil
        var reassignments: Int? = nil
        var reopens: Int? = nil
        var assignee: String? = nil
        var closeIndex: Int? = nil
        // The source writes a snapshot per change of any field: a state
        // repeated from the row before is no new transition.
        var previousState: SourceState? = nil

        func note(_ a: Adaptation) { adaptations[a, default: 0] += 1 }
        func add(_ body: EventBody, _ at: Instant, _ line: Int) {
            var when = at
            if when < last {
                note(.timeOutOfOrder)
                when = last
            }
            last = when
            steps.append(StoryStep(body: body, at: when, line: line))
        }
        var active: Bool { status != .resolved && status != .closed }

        for (k, s) in t.snapshots.enumerated() {
            // A reopen first: it makes the other changes of the row legal.
            let reopened: Bool
            if let r = s.reopens, let before = reopens { reopened = r > before } else { reopened = false }
            if let r = s.reopens { reopens = max(reopens ?? 0, r) }
            if reopened {
                switch status {
                case .resolved:
                    add(.reopened(reason: nil), s.at, s.line)
                    status = queue == QueueID.customerServices ? .open : .routed
                case .closed:
                    note(.reopenAfterClose)
                    if let c = closeIndex { steps.remove(at: c); closeIndex = nil }
                    add(.reopened(reason: nil), s.at, s.line)
                    status = queue == QueueID.customerServices ? .open : .routed
                default:
                    note(.reopenWithoutResolution)
                }
            }
            // A change of group after the first: a routing.
            var regrouped = false
            if k == 0 {
                group = s.group
            } else if let r = s.reassignments, let before = reassignments {
                regrouped = r > before
            } else if s.reassignments == nil, let g = s.group, let before = group, g != before {
                regrouped = true
            }
            if let r = s.reassignments { reassignments = max(reassignments ?? 0, r) }
            if k == 0, reassignments == nil { reassignments = s.reassignments }
            if regrouped {
                if let g = s.group { group = g }
                let target = mapping.queue(s.group)
                if let g = s.group, mapping.groups[g] == nil { unmappedGroups.insert(g) }
                if status == .closed { note(.changeAfterClose) }
                else if status == .resolved { note(.routingAfterResolve) }
                else if target != queue {
                    add(.routed(queue: target, details: [:], note: nil), s.at, s.line)
                    queue = target
                    status = target == QueueID.customerServices ? .open : .routed
                    assignee = nil
                }
            }
            if let a = s.assignee, a != assignee {
                let login = mapping.assignee(a)
                if status == .closed { note(.changeAfterClose) }
                else if status == .resolved { note(.assignmentAfterResolve) }
                else {
                    if (mapping.assignees[a] ?? "").isEmpty { assigneesAsText.insert(a) }
                    add(.assigned(to: login), s.at, s.line)
                    assignee = a
                    if status == .routed { status = .inProgress }
                }
            }
            switch s.state {
            case .new, .unknown:
                break
            case .active:
                if status == .pending {
                    add(.resumed, s.at, s.line)
                    status = statusBeforePending
                }
            case .pending(let reason):
                if status == .closed { note(.changeAfterClose) }
                else if active && status != .pending {
                    statusBeforePending = status
                    add(.pending(reason: reason), s.at, s.line)
                    status = .pending
                }
            case .resolved:
                if status == .closed { if previousState != .resolved && previousState != .closed { note(.changeAfterClose) } }
                else if status == .resolved { if previousState != .resolved { note(.resolvedTwice) } }
                else {
                    add(.resolved(note: nil, firstContact: false), s.resolvedAt ?? s.at, s.line)
                    status = .resolved
                }
            case .closed:
                if status == .closed { break }
                if status != .resolved {
                    note(.closeWithoutResolution)
                    add(.resolved(note: nil, firstContact: false), s.resolvedAt ?? s.closedAt ?? s.at, s.line)
                }
                add(.closed, s.closedAt ?? s.at, s.line)
                closeIndex = steps.count - 1
                status = .closed
            }
            previousState = s.state
        }
        return steps
    }
}
