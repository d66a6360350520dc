import BSCCore

/// ServiceNow's incident exports: the incident *event log* (one row per
/// audit snapshot: `number, incident_state, active, reassignment_count,
/// reopen_count, sys_mod_count, …, opened_at, …, sys_updated_at, …,
/// assignment_group, assigned_to, …, resolved_at, closed_at`, `?` for
/// missing) and the incident table (one row per incident, `state` or
/// `incident_state`). Rows of one number are that incident's snapshots,
/// ordered by `sys_mod_count`.
public enum ServiceNowFormat {
    static let required = ["number", "opened_at"]

    /// One pass over the file: each incident is handed to `ticket` whole
    /// (its snapshots in `sys_mod_count` order) once its last row is read,
    /// and each rejected row to `reject`, in file order.
    public static func read(_ input: CSVInput, dates: SourceDates, grouping: inout TicketGrouping,
                            ticket: (SourceTicket) throws -> Void, reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        var pass = SourcePass()
        // Incidents begun and not yet handed on, with each snapshot's sys_mod_count.
        var open: [String: (ticket: SourceTicket, mods: [Int])] = [:]
        var current: String? = nil
        var col: [String: Int] = [:]
        let known = grouping.known
        func field(_ f: [String], _ name: String) -> String? {
            guard let i = col[name] else { return nil }
            return present(f[i])
        }
        func finish(_ number: String) throws {
            guard var (t, mods) = open.removeValue(forKey: number) else { return }
            // The snapshots in sys_mod_count order (file order breaks ties).
            if t.snapshots.count > 1 {
                let sorted = t.snapshots.indices.sorted { (mods[$0], t.snapshots[$0].line) < (mods[$1], t.snapshots[$1].line) }
                t.snapshots = sorted.map { t.snapshots[$0] }
                mods = []
                if let first = t.snapshots.first { t.line = first.line }
            }
            try ticket(t)
        }
        pass.header = try input.forEachRow({ line, f in
            pass.rows += 1
            func refuse(_ why: String) throws { if !pass.again { try reject(RejectedRow(line: line, reason: why, fields: f)) } }
            guard let number = field(f, "number") else { return try refuse("number is missing") }
            guard let openedText = field(f, "opened_at") else { return try refuse("opened_at is missing") }
            guard let opened = dates.parse(openedText) else { return try refuse("opened_at \"\(openedText)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
            var at = opened
            if let u = field(f, "sys_updated_at") {
                guard let t = dates.parse(u) else { return try refuse("sys_updated_at \"\(u)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                at = t
            }
            let stateText = field(f, "incident_state") ?? field(f, "state") ?? ""
            guard let state = Self.state(stateText) else {
                return try refuse("incident_state \"\(stateText)\" is not a ServiceNow state (New, Active, Awaiting User Info, Awaiting Vendor, Awaiting Problem, Awaiting Evidence, Resolved, Closed)")
            }
            func count(_ name: String) -> Int?? {
                guard let s = field(f, name) else { return .some(nil) }
                guard let n = Int(s), n >= 0, n < 1_000_000 else { return nil }
                return .some(n)
            }
            guard let reassignments = count("reassignment_count") else { return try refuse("reassignment_count \"\(field(f, "reassignment_count") ?? "")\" is not a whole number") }
            guard let reopens = count("reopen_count") else { return try refuse("reopen_count \"\(field(f, "reopen_count") ?? "")\" is not a whole number") }
            guard let mods = count("sys_mod_count") else { return try refuse("sys_mod_count \"\(field(f, "sys_mod_count") ?? "")\" is not a whole number") }
            var resolvedAt: Instant? = nil, closedAt: Instant? = nil
            if let r = field(f, "resolved_at") {
                guard let t = dates.parse(r) else { return try refuse("resolved_at \"\(r)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                resolvedAt = t
            }
            if let c = field(f, "closed_at") {
                guard let t = dates.parse(c) else { return try refuse("closed_at \"\(c)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                closedAt = t
            }
            let snap = SourceSnapshot(line: line, at: at, state: state, group: field(f, "assignment_group"), assignee: field(f, "assigned_to"),
                                      reassignments: reassignments ?? (col["reassignment_count"] == nil ? nil : 0),
                                      reopens: reopens ?? (col["reopen_count"] == nil ? nil : 0),
                                      resolvedAt: resolvedAt, closedAt: closedAt)
            if !known {
                if number != current {
                    // The first pass: the incident before is whole when the next begins...
                    if !pass.again, let c = current { try finish(c) }
                    current = number
                    // ...unless this number had rows before: the file must be read again
                    // (this pass only learns each number's last row from here on).
                    if grouping.lastLine[number] != nil {
                        pass.again = true
                        open = [:]
                    }
                }
                grouping.lastLine[number] = line
                if pass.again { return }
            }
            if open[number] == nil {
                open[number] = (SourceTicket(
                    sourceRef: number, line: line, opened: opened, caller: field(f, "caller_id") ?? "",
                    callerEmail: nil, channel: field(f, "contact_type") ?? "", category: field(f, "category") ?? "",
                    subject: field(f, "short_description") ?? "", priority: field(f, "priority") ?? ""), [])
            }
            open[number]!.ticket.snapshots.append(snap)
            open[number]!.mods.append(mods ?? open[number]!.ticket.snapshots.count)
            if known && grouping.lastLine[number] == line { try finish(number) }
        }, bad: { line, f, why in
            pass.rows += 1
            if pass.again { return }
            try reject(RejectedRow(line: line, reason: why, fields: f))
        }, header: { header in
            for (i, h) in header.enumerated() where col[trimmed(h)] == nil { col[trimmed(h)] = i }
            let missing = required.filter { col[$0] == nil }
            guard missing.isEmpty else {
                throw ImportError("\(terminalSafe(input.fileName)) is not a ServiceNow incident export: no \(missing.joined(separator: ", ")) column (it has \(terminalSafe(header.prefix(8).joined(separator: ", ")))…)")
            }
        })
        if !known {
            if !pass.again, let c = current { try finish(c) }
            grouping.known = true
        }
        // Nothing is left open when the grouping was known; a leftover would
        // be a ticket whose last row was not seen again: hand it on all the same.
        for number in open.keys.sorted(by: { open[$0]!.ticket.line < open[$1]!.ticket.line }) { try finish(number) }
        return pass
    }

    static func state(_ s: String) -> SourceState? {
        switch s.lowercased() {
        case "new", "": return .new
        case "active", "in progress", "work in progress", "assigned": return .active
        case "awaiting user info", "awaiting caller", "on hold", "awaiting evidence": return .pending(.customer)
        case "awaiting vendor", "awaiting problem", "awaiting change": return .pending(.thirdParty)
        case "resolved": return .resolved
        case "closed", "canceled", "cancelled": return .closed
        case "-100": return .unknown
        default: return nil
        }
    }
}
