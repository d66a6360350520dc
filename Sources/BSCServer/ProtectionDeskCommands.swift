import BSCApp
import BSCCore
import BSCProtocol

/// Commands that stream files back for the client to write (`export`,
/// `sar`), and erasure and retention (docs/data-protection.md): the same
/// functions in-process and on the team server.
extension DeskCommands {
    /// The figures, rendered for `--out` (and a CSV's definitions beside
    /// it). The client writes them and prints the paths.
    public static func export(_ a: ExportArgs, desk: Desk) throws -> CommandOutput {
        try desk.needHistoryLoaded()
        let fmt = try parseEnum(MetricsOutput.Format.self, a.format, what: "format")
        guard fmt != .table else { throw DeskError.usage("unknown format \"table\" for export: use csv, json or md") }
        guard !a.outName.isEmpty, !a.outName.contains("/") else {
            throw DeskError.usage("a bad export file name \"\(terminalSafe(a.outName))\": the name only, without a folder")
        }
        let q = try desk.metricsQuery(period: a.period, from: a.from, to: a.to, by: a.by, series: a.series)
        let report = try desk.metricsReport(q)
        var text = desk.renderMetrics(report, format: fmt)
        if a.bom { text = "\u{FEFF}" + text }
        var files = [OutputFile(suffix: "", content: text)]
        if fmt == .csv {
            files.append(OutputFile(suffix: Desk.sidecarPath(forCSV: ""), content: MetricsOutput.csvSidecar(report, csvName: a.outName, zone: desk.zone)))
        }
        return CommandOutput(files: files)
    }

    /// A subject access request: the JSON and its Markdown summary as files
    /// for the client; the request is recorded (naming the tickets, never
    /// the person) as it is answered.
    public static func sar(_ a: SarArgs, desk: Desk) throws -> CommandOutput {
        // Before any look-up: an ambiguous name lists the people it matches.
        try requireSupervisor(desk, "a subject access request")
        let refs = try selectTickets(desk, caller: a.caller, tickets: a.tickets, command: "sar")
        let answer = try desk.subjectAccess(refs, query: a.caller ?? a.tickets.joined(separator: " "))
        try desk.recordSubjectAccess(refs)
        return CommandOutput(output: "\(refs.count) ticket(s): " + refs.map(\.description).joined(separator: " ") + "\n",
                             files: [OutputFile(suffix: "", content: answer.json), OutputFile(suffix: ".md", content: answer.markdown)])
    }

    static func selectTickets(_ desk: Desk, caller: String?, tickets: [String], command: String) throws -> [TicketRef] {
        switch (caller, tickets.isEmpty) {
        case (nil, true): throw DeskError.usage("\(command) needs --caller REF_OR_NAME or --ticket REF ...")
        case (.some, false): throw DeskError.usage("give --caller or --ticket, not both")
        case (.some(let c), true): return try desk.ticketsOfOneSubject(c, command: command)
        case (nil, false): return try tickets.map { try parseRef($0) }
        }
    }

    /// `erase`: with `preview`, the list of what will go (and the tickets,
    /// for the client to confirm exactly those); without, the erasure.
    public static func erase(_ a: EraseArgs, desk: Desk) throws -> CommandOutput {
        guard let reason = a.reason else { throw DeskError.usage("erase needs --reason TEXT: why the data is erased (it is recorded)") }
        // Only supervisors erase: nobody else is shown the list, or the
        // people an ambiguous name matches.
        try requireSupervisor(desk, "erasure")
        let refs = try selectTickets(desk, caller: a.caller, tickets: a.tickets, command: "erase")
        if a.preview {
            var list = "will erase the personal data of \(refs.count) ticket(s):\n"
            for r in refs {
                let t = desk.visible(try desk.ticket(r))
                list += "  \(r)  \(t.caller.displayName)  \(t.category)  \(t.status.rawValue)  \(desk.localText(t.openedAt))\n"
            }
            return CommandOutput(output: list, tickets: refs.map(\.description))
        }
        let report = try desk.erase(refs, reason: reason)
        var out = "erased: " + report.erased.map(\.description).joined(separator: " ") + "\n"
        if !report.alreadyErased.isEmpty { out += "already erased before: " + report.alreadyErased.map(\.description).joined(separator: " ") + "\n" }
        if report.plaintextEvents > 0 {
            out += "warning: \(report.plaintextEvents) event(s) of these tickets were written before encryption and stay readable in the live journal; migrate the data directory (docs/data-protection.md)\n"
        }
        out += stillHolding(report, desk: desk)
        return CommandOutput(output: out)
    }

    /// `retention`: the tickets past their retention, or with `apply`,
    /// their shredding (one event).
    public static func retention(_ a: RetentionArgs, desk: Desk) throws -> CommandOutput {
        guard a.apply else {
            let due = try desk.retentionDue()
            var out = due.isEmpty ? "no ticket is past its retention\n" : "\(due.count) ticket(s) past retention (bscdesk retention --apply shreds them):\n"
            for d in due { out += "  \(d.ref)  \(d.category)  closed \(desk.localText(d.closedAt))  rule \(d.years) years\n" }
            return CommandOutput(output: out)
        }
        let (_, report) = try desk.applyRetention()
        guard let report else { return CommandOutput(output: "no ticket is past its retention; nothing was done\n") }
        var out = "shredded \(report.erased.count) ticket(s) past retention: " + report.erased.map(\.description).joined(separator: " ") + "\n"
        out += stillHolding(report, desk: desk)
        if report.plaintextEvents > 0 {
            out += "warning: \(report.plaintextEvents) event(s) of these tickets were written before encryption and stay readable in the live journal\n"
        }
        return CommandOutput(output: out)
    }

    static func requireSupervisor(_ desk: Desk, _ what: String) throws(DeskError) {
        guard desk.profile.role == .supervisor else {
            throw .permission("\(what) is for supervisors; you are \(desk.profile.role.rawValue). Ask a supervisor; nothing was done")
        }
    }

    static func stillHolding(_ report: Desk.ErasureReport, desk: Desk) -> String {
        var out = ""
        for f in report.filesStillHolding where !f.hasPrefix(desk.data.journalPath + " ") {
            out += "warning: \(terminalSafe(f)) may still hold them in clear (a draft, or written before encryption): delete it by hand (docs/data-protection.md)\n"
        }
        return out
    }
}

extension DeskCommands {
    /// `config show` (the file as it is), `config set KEY VALUE` and
    /// `config edit`'s replace (validated by the start-up loader, then
    /// written atomically).
    /// Supervisors only.
    public static func config(_ a: ConfigArgs, desk: Desk) throws -> CommandOutput {
        switch a.action {
        case "show":
            return CommandOutput(output: try desk.configurationText())
        case "set":
            guard let key = a.key, let value = a.value else { throw DeskError.usage("config set needs KEY VALUE, e.g. config set users.jsmith.role team-leader") }
            let change = try desk.changeConfiguration(key, to: value)
            return CommandOutput(output: "\(change.key): \(change.from ?? "(not set)") -> \(change.to ?? "(removed)")\n")
        case "replace":
            guard let text = a.text, let base = a.base else { throw DeskError.usage("config replace needs the edited text and the text it was edited from") }
            let changes = try desk.replaceConfiguration(with: text, editedFrom: base)
            if changes.isEmpty { return CommandOutput(output: "no values changed; nothing was written\n") }
            return CommandOutput(output: changes.map { "\($0.key): \($0.from ?? "(not set)") -> \($0.to ?? "(removed)")\n" }.joined())
        default:
            throw DeskError.usage("unknown config action \"\(terminalSafe(a.action))\": use show, set or replace")
        }
    }
}
