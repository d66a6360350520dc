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

    public static func read(_ input: CSVInput, dates: SourceDates) throws -> SourceRead {
        var out = SourceRead()
        var byNumber: [String: Int] = [:]
        var modOf: [[Int]] = []
        var col: [String: Int] = [:]
        func field(_ f: [String], _ name: String) -> String? {
            guard let i = col[name] else { return nil }
            return present(f[i])
        }
        out.header = try input.forEachRow({ line, f in
            out.rows += 1
            func reject(_ why: String) { out.rejected.append(RejectedRow(line: line, reason: why, fields: f)) }
            guard let number = field(f, "number") else { return reject("number is missing") }
            guard let openedText = field(f, "opened_at") else { return reject("opened_at is missing") }
            guard let opened = dates.parse(openedText) else { return reject("opened_at \"\(openedText)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
            var at = opened
            if let u = field(f, "sys_updated_at") {
                guard let t = dates.parse(u) else { return reject("sys_updated_at \"\(u)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                at = t
            }
            let stateText = field(f, "incident_state") ?? field(f, "state") ?? ""
            guard let state = Self.state(stateText) else {
                return reject("incident_state \"\(stateText)\" is not a ServiceNow state (New, Active, Awaiting User Info, Awaiting Vendor, Awaiting Problem, Awaiting Evidence, Resolved, Closed)")
            }
            func count(_ name: String) -> Int?? {
                guard let s = field(f, name) else { return .some(nil) }
                guard let n = Int(s), n >= 0, n < 1_000_000 else { return nil }
                return .some(n)
            }
            guard let reassignments = count("reassignment_count") else { return reject("reassignment_count \"\(field(f, "reassignment_count") ?? "")\" is not a whole number") }
            guard let reopens = count("reopen_count") else { return reject("reopen_count \"\(field(f, "reopen_count") ?? "")\" is not a whole number") }
            guard let mods = count("sys_mod_count") else { return reject("sys_mod_count \"\(field(f, "sys_mod_count") ?? "")\" is not a whole number") }
            var resolvedAt: Instant? = nil, closedAt: Instant? = nil
            if let r = field(f, "resolved_at") {
                guard let t = dates.parse(r) else { return reject("resolved_at \"\(r)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                resolvedAt = t
            }
            if let c = field(f, "closed_at") {
                guard let t = dates.parse(c) else { return reject("closed_at \"\(c)\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)") }
                closedAt = t
            }
            let snap = SourceSnapshot(line: line, at: at, state: state, group: field(f, "assignment_group"), assignee: field(f, "assigned_to"),
                                      reassignments: reassignments ?? (col["reassignment_count"] == nil ? nil : 0),
                                      reopens: reopens ?? (col["reopen_count"] == nil ? nil : 0),
                                      resolvedAt: resolvedAt, closedAt: closedAt)
            let k: Int
            if let existing = byNumber[number] {
                k = existing
            } else {
                k = out.tickets.count
                byNumber[number] = k
                out.tickets.append(SourceTicket(
                    sourceRef: number, line: line, opened: opened, caller: field(f, "caller_id") ?? "",
                    callerEmail: nil, channel: field(f, "contact_type") ?? "", category: field(f, "category") ?? "",
                    subject: field(f, "short_description") ?? "", priority: field(f, "priority") ?? ""))
                modOf.append([])
            }
            out.tickets[k].snapshots.append(snap)
            modOf[k].append(mods ?? out.tickets[k].snapshots.count)
        }, bad: { line, f, why in
            out.rows += 1
            out.rejected.append(RejectedRow(line: line, reason: why, fields: f))
        }, header: { header in
            for (i, h) in header.enumerated() where col[trimmed(h)] == nil { col[trimmed(h)] = i }
            let missing = required.filter { col[$0] == nil }
            guard missing.isEmpty else {
                throw ImportError("\(terminalSafe(input.fileName)) is not a ServiceNow incident export: no \(missing.joined(separator: ", ")) column (it has \(terminalSafe(header.prefix(8).joined(separator: ", ")))…)")
            }
        })
        // Each incident's snapshots in sys_mod_count order (file order breaks ties).
        for k in out.tickets.indices where out.tickets[k].snapshots.count > 1 {
            let mods = modOf[k]
            let sorted = out.tickets[k].snapshots.indices.sorted { (mods[$0], out.tickets[k].snapshots[$0].line) < (mods[$1], out.tickets[k].snapshots[$1].line) }
            out.tickets[k].snapshots = sorted.map { out.tickets[k].snapshots[$0] }
            if let first = out.tickets[k].snapshots.first, first.line != out.tickets[k].line {
                out.tickets[k].line = first.line
            }
        }
        return out
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
