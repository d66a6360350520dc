import Foundation
import BSCCore

/// What `list` and the ticket list screen filter on.
public struct TicketFilter: Sendable, Equatable {
    public var queue: String?
    public var statuses: Set<TicketStatus>?
    public var caller: String?
    public var assignee: String?
    public var text: String?

    public init(queue: String? = nil, statuses: Set<TicketStatus>? = nil, caller: String? = nil, assignee: String? = nil, text: String? = nil) {
        self.queue = queue
        self.statuses = statuses
        self.caller = caller
        self.assignee = assignee
        self.text = text
    }
}

/// Case, accents and spacing folded: "Zoë  Łukasik" matches "zoe lukasik".
/// The one implementation lives in BSCCore, where FCR matches callers.
public func foldName(_ s: String) -> String { foldCallerName(s) }

extension Desk {
    public func matches(_ t: Ticket, _ f: TicketFilter) -> Bool {
        if let q = f.queue, t.queue != q { return false }
        if let s = f.statuses, !s.contains(t.status) { return false }
        if let a = f.assignee, t.assignee != a { return false }
        let seen = visible(t)
        // An imported ticket is found by its number in the old helpdesk too.
        let sourceRef = t.imported?.sourceRef.lowercased() ?? ""
        if let c = f.caller, !c.isEmpty {
            let needle = foldName(c)
            if !sourceRef.isEmpty && sourceRef.contains(c.lowercased()) {
            } else if !foldName(seen.caller.name).contains(needle) && !(seen.caller.reference ?? "").lowercased().contains(needle)
                && !Self.phone(of: seen.caller, contains: c) && !(seen.caller.email ?? "").lowercased().contains(c.lowercased()) { return false }
        }
        if let text = f.text, !text.isEmpty {
            let needle = foldName(text)
            if !foldName(seen.summary).contains(needle) && !foldName(seen.caller.name).contains(needle)
                && !t.ref.description.lowercased().contains(needle) && !t.category.contains(needle)
                && !(!sourceRef.isEmpty && sourceRef.contains(text.lowercased()))
                && !Self.phone(of: seen.caller, contains: text)
                && !(seen.caller.email ?? "").lowercased().contains(text.lowercased()) { return false }
        }
        return true
    }

    /// Phone numbers match on digits, spaces and a +44 prefix ignored.
    static func phone(of caller: Caller, contains query: String) -> Bool {
        guard let q = CallerIndex.normalisedPhone(query), let p = CallerIndex.normalisedPhone(caller.phone) else { return false }
        return p.contains(q)
    }

    public func tickets(matching f: TicketFilter) -> [Ticket] {
        var out: [Ticket] = []
        store.forEach { t in if matches(t, f) { out.append(visible(t)) } }
        return out
    }
}
