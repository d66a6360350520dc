import BSCCore

/// Exports with one row per ticket, its state as it stands: osTicket's
/// ticket export and Zendesk's CSV export. A row gives the opening, the
/// group it ended in, its assignee and its final state, so the story is
/// short: opened; routed to the group's queue if that is a back office;
/// assigned; pending, resolved or closed at the last update (Zendesk:
/// `solved_at`); each reopen the source counts, at the resolution time
/// (the source does not say when).
public enum OneRowFormat {
    struct Columns {
        var number: String
        var opened: String
        var subject: String?
        var caller: String?
        var email: String?
        var priority: String?
        var group: String?
        var category: String?
        var channel: String?
        var status: String
        var updated: String?
        var solved: String?
        var assignee: String?
        var reopens: String?
    }

    static let osTicket = Columns(number: "Ticket Number", opened: "Date Created", subject: "Subject", caller: "From", email: "From Email",
                                  priority: "Priority", group: "Department", category: "Help Topic", channel: "Source",
                                  status: "Current Status", updated: "Last Updated", solved: nil, assignee: "Agent Assigned", reopens: "Reopen Count")
    static let zendesk = Columns(number: "id", opened: "created_at", subject: "subject", caller: "requester", email: "requester_email",
                                 priority: "priority", group: "group", category: "tags", channel: "via", status: "status",
                                 updated: "updated_at", solved: "solved_at", assignee: "assignee", reopens: "reopens")

    public static func readOSTicket(_ input: CSVInput, dates: SourceDates, ticket: (SourceTicket) throws -> Void,
                                    reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        try read(input, dates: dates, columns: osTicket, system: "osTicket", state: osTicketState, ticket: ticket, reject: reject)
    }

    public static func readZendesk(_ input: CSVInput, dates: SourceDates, ticket: (SourceTicket) throws -> Void,
                                   reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        try read(input, dates: dates, columns: zendesk, system: "Zendesk", state: zendeskState, ticket: ticket, reject: reject)
    }

    /// Any CSV: the mapping's `[columns]` name the file's columns
    /// (`number`, `opened` and `status` are required) and `[states]` map
    /// its status values.
    public static func readGeneric(_ input: CSVInput, dates: SourceDates, mapping: ImportMapping, ticket: (SourceTicket) throws -> Void,
                                   reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        let m = mapping.columns
        guard let number = m["number"], let opened = m["opened"], let status = m["status"] else {
            throw ImportError("the csv format needs a mapping (--mapping FILE) whose [columns] name at least number, opened and status")
        }
        let columns = Columns(number: number, opened: opened, subject: m["subject"], caller: m["caller"], email: m["email"],
                              priority: m["priority"], group: m["group"], category: m["category"], channel: m["channel"],
                              status: status, updated: m["updated"], solved: m["solved"], assignee: m["assignee"], reopens: m["reopens"])
        let states = mapping.states
        return try read(input, dates: dates, columns: columns, system: "csv", state: { value in
            switch states[value] {
            case "new": return .new
            case "active": return .active
            case "pending-customer": return .pending(.customer)
            case "pending-third-party": return .pending(.thirdParty)
            case "resolved": return .resolved
            case "closed": return .closed
            default: return nil
            }
        }, ticket: ticket, reject: reject)
    }

    static func osTicketState(_ s: String) -> SourceState? {
        switch s.lowercased() {
        case "open", "new": return .active
        case "resolved": return .resolved
        case "closed", "archived": return .closed
        default: return nil
        }
    }

    static func zendeskState(_ s: String) -> SourceState? {
        switch s.lowercased() {
        case "new": return .new
        case "open": return .active
        case "pending": return .pending(.customer)
        case "hold", "on-hold": return .pending(.thirdParty)
        case "solved": return .resolved
        case "closed": return .closed
        default: return nil
        }
    }

    static func read(_ input: CSVInput, dates: SourceDates, columns c: Columns, system: String, state: (String) -> SourceState?,
                     ticket: (SourceTicket) throws -> Void, reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        var pass = SourcePass()
        var col: [String: Int] = [:]
        var seen: Set<String> = []
        func field(_ f: [String], _ name: String?) -> String? {
            guard let name, let i = col[name] else { return nil }
            return present(f[i])
        }
        pass.header = try input.forEachRow({ line, f in
            pass.rows += 1
            func refuse(_ why: String) throws { try reject(RejectedRow(line: line, reason: why, fields: f)) }
            guard let number = field(f, c.number) else { return try refuse("\(c.number) is missing") }
            guard !seen.contains(number) else { return try refuse("\(c.number) \(number) appears twice; the first row was imported") }
            guard let openedText = field(f, c.opened) else { return try refuse("\(c.opened) is missing") }
            guard let opened = dates.parse(openedText) else { return try refuse("\(c.opened) \"\(openedText)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
            let statusText = field(f, c.status) ?? ""
            guard let final = state(statusText) else { return try refuse("\(c.status) \"\(statusText)\" is not a \(system) status") }
            var updated = opened
            if let u = field(f, c.updated) {
                guard let t = dates.parse(u) else { return try refuse("\(c.updated!) \"\(u)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                updated = max(t, opened)
            }
            var solved: Instant? = nil
            if let s = field(f, c.solved) {
                guard let t = dates.parse(s) else { return try refuse("\(c.solved!) \"\(s)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                solved = t
            }
            var reopens = 0
            if let r = field(f, c.reopens) {
                guard let n = Int(r), n >= 0, n < 10_000 else { return try refuse("\(c.reopens!) \"\(r)\" is not a whole number") }
                reopens = n
            }
            seen.insert(number)
            // Zendesk tags: the first is taken as the category.
            var category = field(f, c.category) ?? ""
            if c.category == "tags", let first = category.split(separator: " ").first { category = String(first) }
            var t = SourceTicket(sourceRef: number, line: line, opened: opened, caller: field(f, c.caller) ?? "", callerEmail: field(f, c.email),
                                 channel: field(f, c.channel) ?? "", category: category, subject: field(f, c.subject) ?? "",
                                 priority: field(f, c.priority) ?? "")
            let group = field(f, c.group)
            let assignee = field(f, c.assignee)
            // A group other than the front desk's is one reassignment.
            let moved = group == nil ? 0 : 1
            // The front desk first; the group it ended in, then.
            t.snapshots.append(SourceSnapshot(line: line, at: opened, state: .new, group: nil, reassignments: 0, reopens: 0))
            if group != nil { t.snapshots.append(SourceSnapshot(line: line, at: opened, state: .new, group: group, reassignments: moved, reopens: 0)) }
            let resolvedAt = solved ?? updated
            var reopened = 0
            if reopens > 0 {
                for _ in 0..<reopens {
                    t.snapshots.append(SourceSnapshot(line: line, at: resolvedAt, state: .resolved, group: group, reassignments: moved, reopens: reopened, resolvedAt: resolvedAt))
                    reopened += 1
                    t.snapshots.append(SourceSnapshot(line: line, at: resolvedAt, state: .active, group: group, reassignments: moved, reopens: reopened))
                }
            }
            var last = SourceSnapshot(line: line, at: updated, state: final, group: group, assignee: assignee, reassignments: moved, reopens: reopened)
            switch final {
            case .resolved: last.resolvedAt = resolvedAt
            case .closed:
                // osTicket's and Zendesk's usual end: resolved, then closed.
                t.snapshots.append(SourceSnapshot(line: line, at: resolvedAt, state: .resolved, group: group, assignee: assignee,
                                                  reassignments: moved, reopens: reopened, resolvedAt: resolvedAt))
                last.closedAt = updated
            default: break
            }
            t.snapshots.append(last)
            try ticket(t)
        }, bad: { line, f, why in
            pass.rows += 1
            try reject(RejectedRow(line: line, reason: why, fields: f))
        }, header: { header in
            for (i, h) in header.enumerated() where col[trimmed(h)] == nil { col[trimmed(h)] = i }
            let missing = [c.number, c.opened, c.status].filter { col[$0] == nil }
            guard missing.isEmpty else {
                throw ImportError("\(terminalSafe(input.fileName)) is not a \(system) export: no \(missing.joined(separator: ", ")) column (it has \(terminalSafe(header.prefix(8).joined(separator: ", ")))…)")
            }
        })
        return pass
    }
}
