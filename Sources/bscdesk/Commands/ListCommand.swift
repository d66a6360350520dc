import ArgumentParser
import BSCApp
import BSCCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tickets.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this queue.") var queue: String?
    @Option(help: "Only this status: open, routed, in-progress, pending, resolved, closed, or 'active'.") var status: String?
    @Option(help: "Caller name, reference, phone or email contains this (case, accents and spaces in phone numbers ignored).") var caller: String?
    @Option(help: "Only tickets assigned to this login.") var assignee: String?
    @Option(help: "table, json or csv.") var format: String = "table"
    @Flag(help: "Only call backs due now on tickets you logged or hold, oldest first.") var due = false

    func run() throws {
        try runDesk(global, load: true) { desk in
            let fmt = try parseEnum(TicketViews.Format.self, format, what: "format")
            guard fmt != .text else { throw DeskError.usage("unknown format \"text\" for list: use table, json or csv") }
            if due {
                let now = desk.now()
                let tickets = desk.callbacksDue(now: now)
                switch fmt {
                case .json: emit(JSONOut.array(tickets.map { TicketViews.ticketJSON($0, desk: desk, now: now) }).serialized() + "\n")
                case .csv: emit(TicketViews.listCSV(tickets, desk: desk, now: now))
                default: emit(TicketViews.listTable(tickets, desk: desk, now: now))
                }
                return
            }
            if let queue { _ = try desk.queue(queue) }
            var statuses: Set<TicketStatus>? = nil
            if let status {
                statuses = status == "active" ? Set(TicketStatus.allCases.filter(\.isActive)) : [try parseEnum(TicketStatus.self, status, what: "status")]
            }
            let filter = TicketFilter(queue: queue, statuses: statuses, caller: caller, assignee: assignee)
            let now = desk.now()
            let tickets = desk.tickets(matching: filter)
            switch fmt {
            case .json: emit(JSONOut.array(tickets.map { TicketViews.ticketJSON($0, desk: desk, now: now) }).serialized() + "\n")
            case .csv: emit(TicketViews.listCSV(tickets, desk: desk, now: now))
            default: emit(TicketViews.listTable(tickets, desk: desk, now: now))
            }
            for issue in desk.issues.prefix(5) { printError("bscdesk: warning: skipped \(issue.line > 0 ? "damaged journal line " : "journal/")\(issue)") }
            if desk.issues.count > 5 { printError("bscdesk: warning: … and \(desk.issues.count - 5) more; 'bscdesk doctor --all' lists them") }
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a ticket with its full history.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "text or json.") var format: String = "text"

    func run() throws {
        try runDesk(global, load: true) { desk in
            let fmt = try parseEnum(TicketViews.Format.self, format, what: "format")
            guard fmt == .text || fmt == .json else { throw DeskError.usage("unknown format \"\(format)\" for show: use text or json") }
            let r = try parseRef(ref)
            let t = try desk.ticket(r)
            // Opening a restricted ticket is recorded (who and when).
            try desk.recordView(r)
            let history = try desk.history(r).map { desk.visible($0, of: t) }
            let merged = try desk.mergedHistories(t)
            let shown = desk.visible(t)
            let now = desk.now()
            emit(fmt == .json ? TicketViews.showJSON(shown, history: history, desk: desk, now: now, merged: merged).serialized() + "\n"
                              : TicketViews.showText(shown, history: history, desk: desk, now: now, merged: merged))
        }
    }
}

struct CategoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "categories", abstract: "The queues and their categories, with the ids --category takes.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "table or json.") var format: String = "table"

    func run() throws {
        try runDesk(global) { desk in
            let tax = desk.taxonomy
            if format == "json" {
                let queues: [JSONOut] = tax.queues.map { q in
                    .object([
                        ("id", .string(q.id)), ("name", .string(q.name)), ("restricted", .bool(q.restricted)),
                        ("handoff", .array(q.handoff.map { .object([("key", .string($0.key)), ("label", .string($0.label)), ("required", .bool($0.required))]) })),
                        ("categories", .array(tax.categories(inQueue: q.id).map { c in
                            .object([("id", .string(c.id)), ("name", .string(c.name)), ("resolvable", .bool(c.frontDeskResolvable)),
                                     ("priority", .string(c.defaultPriority.rawValue)), ("identity_check", .bool(c.requiresIdentityCheck))])
                        })),
                    ])
                }
                emit(JSONOut.array(queues).serialized() + "\n")
            } else if format == "table" {
                var out = ""
                for q in tax.queues {
                    // Names come from bscdesk.toml: text like any other.
                    out += "\(terminalSafe(q.id)) — \(terminalSafe(q.name))" + (q.restricted ? " [restricted]" : "") + "\n"
                    for c in tax.categories(inQueue: q.id) {
                        out += "  " + terminalSafe(c.id).padded(toWidth: 34) + (c.frontDeskResolvable ? "front desk " : "back office ") + terminalSafe(c.name) + (c.requiresIdentityCheck ? " (identity check)" : "") + "\n"
                    }
                }
                emit(out)
            } else {
                throw DeskError.usage("unknown format \"\(terminalSafe(format))\" for categories: use table or json")
            }
        }
    }
}
