import BSCCore

/// Renders tickets for the command line: tables and text in local time,
/// JSON and CSV in UTC. All untrusted text passes through `terminalSafe`
/// (tables, text, CSV) or is escaped (JSON).
public enum TicketViews {
    public enum Format: String, CaseIterable, Sendable {
        case table, json, csv, text
    }

    static func safe(_ s: String) -> String { terminalSafe(s, lineBreaks: .symbol) }

    public static func listTable(_ tickets: [Ticket], desk: Desk, now: Instant) -> String {
        var rows: [[String]] = [["REF", "STATUS", "QUEUE", "CATEGORY", "CALLER", "RECEIVED", "SLA", "ASSIGNEE", "SUMMARY"]]
        for t in tickets {
            let sla = desk.slaStatus(t, now: now)
            rows.append([
                t.ref.description, t.status.label, safe(t.queue), safe(t.category), safe(t.caller.displayName),
                desk.localText(t.receivedAt), sla.map { $0.state.symbol + " " + $0.state.label } ?? "-",
                t.assignee.map(safe) ?? "-", safe(t.summary),
            ])
        }
        // References grow past BSC-999999: the column grows with them.
        let refWidth = max(10, tickets.map { $0.ref.description.count }.max() ?? 0)
        let widths = [refWidth, 11, 18, 28, 22, 16, 12, 10, 40]
        var out = ""
        for r in rows {
            var line = ""
            for (i, cell) in r.enumerated() {
                let last = i == r.count - 1
                line += last ? cell.truncated(toWidth: widths[i], ellipsis: true) : cell.padded(toWidth: widths[i], ellipsis: true) + " "
            }
            out += line + "\n"
        }
        if tickets.isEmpty { out += "(no tickets match)\n" }
        return out
    }

    public static func ticketJSON(_ t: Ticket, desk: Desk, now: Instant) -> JSONOut {
        let sla = desk.slaStatus(t, now: now)
        var fields: [(String, JSONOut)] = [
            ("ref", .string(t.ref.description)),
            ("status", .string(t.status.rawValue)),
            ("queue", .string(t.queue)),
            ("category", .string(t.category)),
            ("first_category", .string(t.firstCategory)),
            ("priority", .string(t.priority.rawValue)),
            ("channel", .string(t.channel.rawValue)),
            ("caller", .object([
                ("name", .string(t.caller.name)), ("type", .string(t.caller.type.rawValue)),
                ("ref", .opt(t.caller.reference)), ("phone", .opt(t.caller.phone)), ("email", .opt(t.caller.email)),
            ])),
            ("summary", .string(t.summary)),
            ("received", .time(t.receivedAt)),
            ("opened", .time(t.openedAt)),
            ("opened_by", .string(t.openedBy)),
            ("assignee", .opt(t.assignee)),
            ("contacts", .int(Int64(t.contacts.count))),
            ("resolved", .time(t.resolvedAt)),
            ("first_contact_resolution", .bool(t.firstContactResolution)),
            ("reopened", .int(Int64(t.reopenedAt.count))),
            ("closed", .time(t.closedAt)),
            ("restricted", .bool(t.restricted)),
            ("details", .object(t.details.keys.sorted().map { ($0, .string(t.details[$0]!)) })),
        ]
        if let p = t.pendingReason { fields.append(("pending_reason", .string(p.rawValue))) }
        fields.append(("restricted_queue", .opt(t.restrictedQueue)))
        fields.append(("first_resolved", .time(t.firstResolvedAt)))
        fields.append(("first_response", .time(t.firstResponseAt)))
        fields.append(("identity_verified", .opt(t.identityVerifiedHow)))
        fields.append(("callback", .time(t.callbackAt)))
        fields.append(("callback_due", .bool(desk.isCallbackDue(t, now: now))))
        fields.append(("merged_into", .opt(t.mergedInto?.description)))
        fields.append(("merged_from", .array(t.mergedFrom.map { .string($0.description) })))
        fields.append(("links", .array(t.links.map { .string($0.description) })))
        let repeatOf = desk.repeatOf(t)
        fields.append(("repeat_of", .opt(repeatOf?.description)))
        fields.append(("repeat_contact", .bool(repeatOf != nil)))
        if let fr = desk.firstResponseStatus(t, now: now) {
            fields.append(("first_response_sla", .object([
                ("state", .string(fr.state.rawValue)),
                ("due", .time(fr.due)),
                ("elapsed_working_minutes", .int(fr.elapsedWorkingMillis / 60_000)),
                ("target_working_minutes", .int(fr.targetWorkingMillis / 60_000)),
            ])))
        }
        if let sla {
            fields.append(("sla", .object([
                ("state", .string(sla.state.rawValue)),
                ("due", .time(sla.due)),
                ("elapsed_working_minutes", .int(sla.elapsedWorkingMillis / 60_000)),
                ("target_working_minutes", .int(sla.targetWorkingMillis / 60_000)),
            ])))
        }
        if let i = t.imported {
            fields.append(("imported", .object([
                ("system", .string(i.system)), ("source_ref", .string(i.sourceRef)), ("batch", .string(i.batch)),
                ("source_category", .opt(i.sourceCategory)), ("fcr_unknown", .bool(i.fcrUnknown)),
            ])))
        }
        if let r = t.rating {
            fields.append(("csat", .object([("rating", .int(Int64(r))), ("source", .opt(t.ratingSource?.rawValue))])))
        }
        return .object(fields)
    }

    public static let csvHeader = ["ref", "status", "queue", "category", "priority", "channel", "caller", "caller_type", "caller_ref",
                                   "received", "assignee", "resolved", "first_contact_resolution", "sla_state", "sla_due", "summary"]

    public static func listCSV(_ tickets: [Ticket], desk: Desk, now: Instant) -> String {
        var out = CSV.row(csvHeader)
        for t in tickets {
            let sla = desk.slaStatus(t, now: now)
            out += CSV.row([
                t.ref.description, t.status.rawValue, t.queue, t.category, t.priority.rawValue, t.channel.rawValue,
                terminalSafe(t.caller.name), t.caller.type.rawValue, terminalSafe(t.caller.reference ?? ""),
                Timestamp.format(t.receivedAt), t.assignee ?? "", t.resolvedAt.map(Timestamp.format) ?? "",
                t.firstContactResolution ? "true" : "false", sla?.state.rawValue ?? "", sla?.due.map(Timestamp.format) ?? "",
                terminalSafe(t.summary, lineBreaks: .keep),
            ])
        }
        return out
    }

    public static func eventJSON(_ e: Event) -> JSONOut {
        var fields: [(String, JSONOut)] = [
            ("seq", .int(e.seq)), ("id", .string(e.id)), ("ts", .time(e.at)), ("user", .string(e.user)),
            ("type", .string(e.type.rawValue)),
        ]
        fields.append(("what", .string(describe(e.body))))
        if let src = e.source {
            fields.append(("source", .object([
                ("at", .time(src.at)), ("batch", .string(src.batch)), ("system", .string(src.system)),
                ("file", .string(src.file)), ("row", .int(Int64(src.row))),
            ])))
        }
        return .object(fields)
    }

    /// One line per event for the history.
    public static func describe(_ body: EventBody) -> String {
        switch body {
        case .opened(let caller, let category, let queue, let priority, let contact, let details):
            var s = "opened by \(contact.channel.label.lowercased()) from \(caller.displayName) (\(caller.type.rawValue)"
            if let r = caller.reference { s += ", \(r)" }
            s += ") in \(queue), category \(category), \(priority.rawValue) priority: \(contact.summary)"
            if let d = contact.durationMillis { s += " [\(durationText(d))]" }
            if !details.isEmpty { s += " {" + details.keys.sorted().map { "\($0)=\(details[$0]!)" }.joined(separator: ", ") + "}" }
            return s
        case .contactLogged(let c):
            var s = "repeat contact by \(c.channel.label.lowercased()): \(c.summary)"
            if let d = c.durationMillis { s += " [\(durationText(d))]" }
            return s
        case .routed(let queue, let details, let note):
            var s = "routed to \(queue)"
            if !details.isEmpty { s += " {" + details.keys.sorted().map { "\($0)=\(details[$0]!)" }.joined(separator: ", ") + "}" }
            if let note { s += ": \(note)" }
            return s
        case .assigned(let to): return "assigned to \(to)"
        case .pending(let reason): return "pending, \(reason.label)"
        case .resumed: return "resumed"
        case .resolved(let note, let fcr):
            return (fcr ? "resolved at first contact" : "resolved") + (note.map { ": \($0)" } ?? "")
        case .reopened(let reason): return "reopened" + (reason.map { ": \($0)" } ?? "")
        case .closed: return "closed"
        case .noted(let text): return "note: \(text)"
        case .corrected(let field, let from, let to): return "corrected \(field.rawValue): \"\(from)\" → \"\(to)\""
        case .feedback(let rating, let source): return "feedback \(rating)/5 by \(source.rawValue)"
        case .identityVerified(let how): return "identity verified: \(how)"
        case .callbackSet(let at): return at.map { "call back set for \(Timestamp.format($0))" } ?? "call back cleared"
        case .merged(let into): return "merged into \(into) (closed as a duplicate)"
        case .absorbed(let from): return "merged \(from) into this ticket (its contacts and notes moved here)"
        case .linked(let to): return "linked to \(to)"
        case .viewed: return "viewed"
        case .sealedContent: return "sealed content"
        case .importVoided(let batch): return "import batch \(batch) voided"
        case .erased(let tickets, let reason, let basis):
            return "personal data erased (\(basis)) of " + tickets.map(\.description).joined(separator: ", ") + ": \(reason)"
        case .accessed(let tickets):
            return "subject access request answered from " + tickets.map(\.description).joined(separator: ", ")
        case .configChanged(let key, let from, let to):
            guard from != nil || to != nil else { return "configuration \(key) changed" }
            return "configuration \(key) changed from \(from ?? "(not set)") to \(to ?? "(not set)")"
        case .journalMigrated(let m):
            return "journal migrated from \(m.archive) (old head \(m.head), seq \(m.headSeq))"
        }
    }

    public static func durationText(_ ms: Int64) -> String {
        let s = ms / 1000
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : "\(s / 60)m\(String(format2(s % 60)))s"
    }

    static func format2(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    public static func showText(_ t: Ticket, history: [Event], desk: Desk, now: Instant, merged: [(TicketRef, [Event])] = []) -> String {
        var out = ""
        // Labels can be hand-off detail keys from the journal: made safe too.
        func line(_ label: String, _ value: String) { out += safe(label).padded(toWidth: 16, ellipsis: true) + safe(value) + "\n" }
        out += "\(t.ref)  \(t.status.label.uppercased())" + (t.restricted ? "  [restricted]" : "") + "\n"
        line("Caller", t.caller.displayName + " (\(t.caller.type.label))" + (t.caller.reference.map { ", ref \($0)" } ?? ""))
        if let p = t.caller.phone { line("Phone", p) }
        if let e = t.caller.email { line("Email", e) }
        let cat = desk.taxonomy.category(t.category)
        line("Category", t.category + (cat.map { " — \($0.name)" } ?? "") + (t.firstCategory != t.category ? " (was \(t.firstCategory))" : ""))
        line("Queue", t.queue + (t.assignee.map { ", assigned to \($0)" } ?? ", unassigned"))
        line("Priority", t.priority.rawValue)
        line("Channel", t.channel.label)
        line("Received", desk.localText(t.receivedAt))
        if let sla = desk.slaStatus(t, now: now) {
            var s = "\(sla.state.symbol) \(sla.state.label)"
            if let due = sla.due { s += ", due \(desk.localText(due))" }
            line("SLA", s)
        }
        if let fr = desk.firstResponseStatus(t, now: now) {
            var s = "\(fr.state.symbol) \(fr.state.label)"
            if let at = t.firstResponseAt { s += ", responded \(desk.localText(at))" } else if let due = fr.due { s += ", due \(desk.localText(due))" }
            line("First response", s)
        }
        if let r = t.resolvedAt { line("Resolved", desk.localText(r) + (t.firstContactResolution ? " (first contact)" : "")) }
        if let how = t.identityVerifiedHow { line("Identity", "verified: " + how) }
        if let cb = t.callbackAt, t.isOpen { line("Call back", desk.localText(cb) + (desk.isCallbackDue(t, now: now) ? " (DUE)" : "")) }
        if let m = t.mergedInto { line("Merged into", m.description) }
        if !t.mergedFrom.isEmpty { line("Merged from", t.mergedFrom.map(\.description).joined(separator: ", ")) }
        if !t.links.isEmpty { line("Linked", t.links.map(\.description).joined(separator: ", ")) }
        if let r = desk.repeatOf(t) { line("Repeat contact", "same caller and category as \(r), within the reopen window") }
        if t.status == .pending, let reason = t.pendingReason { line("Pending", reason.label) }
        if let rating = t.rating { line("CSAT", "\(rating)/5 (\(t.ratingSource?.rawValue ?? "?"))") }
        let labels = Dictionary(desk.taxonomy.queues.flatMap(\.handoff).map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
        for k in t.details.keys.sorted() { line(labels[k] ?? k, t.details[k]!) }
        if let i = t.imported {
            line("Imported", "\(i.system) \(i.sourceRef), batch \(i.batch)" + (i.sourceCategory.map { ", source category \($0)" } ?? ""))
            if i.fcrUnknown { line("FCR", "unknown (imported): left out of FCR figures") }
        }
        line("Summary", t.summary)
        out += "\nHistory\n"
        for e in history {
            // Imported events show when they happened in the source, and where from.
            let from = e.source.map { " [\($0.system) \($0.file):\($0.row)]" } ?? ""
            out += "  " + desk.localText(e.happenedAt) + "  " + safe(e.user).padded(toWidth: 10) + " " + safe(describe(e.body)) + safe(from) + "\n"
        }
        for (dup, events) in merged {
            out += "\nHistory of \(dup) (merged)\n"
            for e in events {
                out += "  " + desk.localText(e.at) + "  " + safe(e.user).padded(toWidth: 10) + " [merged \(dup)] " + safe(describe(e.body)) + "\n"
            }
        }
        return out
    }

    public static func showJSON(_ t: Ticket, history: [Event], desk: Desk, now: Instant, merged: [(TicketRef, [Event])] = []) -> JSONOut {
        guard case .object(var fields) = ticketJSON(t, desk: desk, now: now) else { return .null }
        // Each contact's timing, so a script can check handle times
        // (`contacts` above stays the count).
        fields.append(("contact_log", .array(t.contacts.map { c in
            .object([("received", .time(c.record.received)), ("channel", .string(c.record.channel.rawValue)),
                     ("duration_ms", c.record.durationMillis.map { .int($0) } ?? .null), ("by", .string(c.by))])
        })))
        var all = history.map(eventJSON)
        for (dup, events) in merged {
            for e in events {
                guard case .object(var f) = eventJSON(e) else { continue }
                f.append(("merged_from", .string(dup.description)))
                all.append(.object(f))
            }
        }
        fields.append(("history", .array(all)))
        return .object(fields)
    }
}
