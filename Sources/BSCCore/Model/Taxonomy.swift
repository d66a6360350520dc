/// One kind of contact, e.g. `payroll.overpayment`. Categories belong to a
/// queue; the queue is where a ticket of that category is routed by default.
public struct Category: Hashable, Sendable {
    public var id: String
    public var name: String
    public var queue: String
    /// Whether customer services may resolve it on the spot. Net FCR counts
    /// only these.
    public var frontDeskResolvable: Bool
    public var defaultPriority: Priority
    public var keywords: [String]
    /// A bank-detail change, say: the caller's identity must be checked and
    /// recorded before the ticket can be resolved or routed.
    public var requiresIdentityCheck: Bool
    /// File name of the knowledge article in the data directory's `kb/`.
    public var article: String?
    /// Overrides of the queue's SLA targets, in working hours.
    public var resolutionTargetHours: Double?
    public var firstResponseTargetHours: Double?
    /// The hand-off details its own queue needs for it; nil takes the
    /// queue's (a bank-detail change needs no invoice number).
    public var handoff: [HandoffField]?

    public init(
        id: String, name: String, queue: String, frontDeskResolvable: Bool,
        defaultPriority: Priority = .normal, keywords: [String] = [],
        requiresIdentityCheck: Bool = false, article: String? = nil,
        resolutionTargetHours: Double? = nil, firstResponseTargetHours: Double? = nil
    ) {
        self.resolutionTargetHours = resolutionTargetHours
        self.firstResponseTargetHours = firstResponseTargetHours
        self.id = id
        self.name = name
        self.queue = queue
        self.frontDeskResolvable = frontDeskResolvable
        self.defaultPriority = defaultPriority
        self.keywords = keywords
        self.requiresIdentityCheck = requiresIdentityCheck
        self.article = article
    }
}

/// A hand-off detail the back office needs when a ticket is routed to it.
public struct HandoffField: Hashable, Sendable {
    public var key: String
    public var label: String
    public var required: Bool

    public init(key: String, label: String, required: Bool = true) {
        self.key = key
        self.label = label
        self.required = required
    }
}

public enum AssignmentMode: String, Sendable, CaseIterable {
    case manual
    case roundRobin = "round-robin"
    case leastLoaded = "least-loaded"
}

public struct QueueDefinition: Hashable, Sendable {
    public var id: String
    public var name: String
    /// Restricted queues hold vulnerable adults' records: only the queue's
    /// team and supervisors may read their personal content.
    public var restricted: Bool
    public var handoff: [HandoffField]
    /// Resolution target in working hours; nil means no SLA.
    public var resolutionTargetHours: Double?
    public var firstResponseTargetHours: Double?
    public var assignment: AssignmentMode
    /// OS group whose members may read the restricted files.
    public var group: String?

    public init(
        id: String, name: String, restricted: Bool = false, handoff: [HandoffField] = [],
        resolutionTargetHours: Double? = nil, firstResponseTargetHours: Double? = nil,
        assignment: AssignmentMode = .manual, group: String? = nil
    ) {
        self.id = id
        self.name = name
        self.restricted = restricted
        self.handoff = handoff
        self.resolutionTargetHours = resolutionTargetHours
        self.firstResponseTargetHours = firstResponseTargetHours
        self.assignment = assignment
        self.group = group
    }
}

/// The queues and categories a desk works with, with fast lookups.
public struct Taxonomy: Sendable {
    public private(set) var queues: [QueueDefinition]
    public private(set) var categories: [Category]
    private var queueIndex: [String: Int]
    private var categoryIndex: [String: Int]

    public init(queues: [QueueDefinition], categories: [Category]) {
        self.queues = queues
        self.categories = categories
        self.queueIndex = Dictionary(queues.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.categoryIndex = Dictionary(categories.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func queue(_ id: String) -> QueueDefinition? { queueIndex[id].map { queues[$0] } }
    public func category(_ id: String) -> Category? { categoryIndex[id].map { categories[$0] } }
    public func categories(inQueue id: String) -> [Category] { categories.filter { $0.queue == id } }

    /// The details asked for when a ticket of `category` is routed to
    /// `queue`: the category's own when routed to its own queue, else the
    /// queue's.
    public func handoff(category: String?, queue id: String) -> [HandoffField] {
        if let c = category.flatMap({ self.category($0) }), c.queue == id, let own = c.handoff { return own }
        return queue(id)?.handoff ?? []
    }

    /// Every hand-off detail's label by key (queues' first), for showing
    /// the details a ticket holds.
    public var handoffLabels: [String: String] {
        Dictionary((queues.flatMap(\.handoff) + categories.flatMap { $0.handoff ?? [] }).map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
    }

    public var queueIds: String { queues.map(\.id).joined(separator: ", ") }

    public func isRestricted(queue id: String) -> Bool { queue(id)?.restricted ?? false }

    public var restrictedQueueIds: Set<String> { Set(queues.filter(\.restricted).map(\.id)) }

    /// Category id → its restricted queue, for categories in restricted queues.
    public var restrictedCategories: [String: String] {
        let r = restrictedQueueIds
        return Dictionary(categories.filter { r.contains($0.queue) }.map { ($0.id, $0.queue) }, uniquingKeysWith: { a, _ in a })
    }
}
