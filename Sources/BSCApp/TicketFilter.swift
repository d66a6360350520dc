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
public func foldName(_ s: String) -> String {
    var out = ""
    var lastSpace = true
    for ch in s.lowercased().unicodeScalars {
        if ch.properties.isWhitespace {
            if !lastSpace { out.append(" ") }
            lastSpace = true
            continue
        }
        lastSpace = false
        // Drop combining marks after canonical decomposition.
        for d in String(ch).decomposedScalars where !(0x0300...0x036F).contains(d.value) {
            out.unicodeScalars.append(foldLetter(d))
        }
    }
    if out.hasSuffix(" ") { out.removeLast() }
    return out
}

private func foldLetter(_ s: Unicode.Scalar) -> Unicode.Scalar {
    switch s {
    case "ł": return "l"
    case "ø": return "o"
    case "đ": return "d"
    case "ß": return "s"
    case "æ": return "a"
    default: return s
    }
}

extension String {
    var decomposedScalars: [Unicode.Scalar] { Array(decomposedStringWithCanonicalMapping.unicodeScalars) }
}

extension Desk {
    public func matches(_ t: Ticket, _ f: TicketFilter) -> Bool {
        if let q = f.queue, t.queue != q { return false }
        if let s = f.statuses, !s.contains(t.status) { return false }
        if let a = f.assignee, t.assignee != a { return false }
        let seen = visible(t)
        if let c = f.caller, !c.isEmpty {
            let needle = foldName(c)
            if !foldName(seen.caller.name).contains(needle) && !(seen.caller.reference ?? "").lowercased().contains(needle) { return false }
        }
        if let text = f.text, !text.isEmpty {
            let needle = foldName(text)
            if !foldName(seen.summary).contains(needle) && !foldName(seen.caller.name).contains(needle)
                && !t.ref.description.lowercased().contains(needle) && !t.category.contains(needle) { return false }
        }
        return true
    }

    public func tickets(matching f: TicketFilter) -> [Ticket] {
        var out: [Ticket] = []
        store.forEach { t in if matches(t, f) { out.append(visible(t)) } }
        return out
    }
}
