import BSCApp
import Foundation
import BSCCore
import BSCProtocol

/// What a command prints: standard output, and lines for standard error
/// (without the "bscdesk: " prefix). The desk's notices are not included:
/// whoever runs the command adds them.
public struct CommandOutput: Sendable, Equatable {
    public var output: String
    public var warnings: [String]
    /// Files for the client to write at its `--out` path (export, sar).
    public var files: [OutputFile]
    /// The tickets a request selected (an erasure's preview).
    public var tickets: [String]?
    /// What a check that ran to the end found wrong (`verify`: tampering;
    /// `doctor`: damage): printed after the output, on both paths.
    public var finding: Finding?
    /// Counts the client needs to ask its question (an import's plan).
    public var figures: [String: Int]?

    /// A check's verdict: the exit status and one line for standard error.
    public struct Finding: Sendable, Equatable {
        public var status: Int32
        public var message: String
        public init(status: Int32, message: String) {
            self.status = status
            self.message = message
        }
    }

    public init(output: String = "", warnings: [String] = [], files: [OutputFile] = [], tickets: [String]? = nil, finding: Finding? = nil, figures: [String: Int]? = nil) {
        self.output = output
        self.figures = figures
        self.warnings = warnings
        self.files = files
        self.tickets = tickets
        self.finding = finding
    }
}

/// The commands the team server executes, as functions of their arguments
/// and a desk acting for the caller. The command line runs the same
/// functions in-process, so the two paths cannot drift apart.
public enum DeskCommands {
    public static func log(_ a: LogArgs, desk: Desk) throws -> CommandOutput {
        if a.resolved && a.route != nil { throw DeskError.usage("give --resolved or --route, not both") }
        let type = try parseEnum(CallerType.self, a.callerType, what: "caller type")
        let ch = try parseEnum(Channel.self, a.channel, what: "channel")
        let pr = try a.priority.map { try parseEnum(Priority.self, $0, what: "priority") }
        let dur = try a.duration.map { try InputParsing.duration($0) }
        let rec = try a.received.map { try InputParsing.receivedTime($0, zone: desk.zone, now: desk.now()) }
        let det = try InputParsing.details(a.details)
        let cb = try a.callback.map { try callbackTime($0, desk: desk) }
        // The rule the call form applies as it is typed: a sentence in
        // --ref is refused, not stored as a caller's reference.
        if let problem = CallerReference.problem(a.callerRef ?? "") { throw DeskError.usage(problem) }
        let outcome: Desk.NewContact.Outcome = a.resolved ? .resolved : a.route.map { .route($0) } ?? .keepOpen
        let callerValue = Caller(name: a.caller, type: type, reference: nonEmpty(a.callerRef), phone: nonEmpty(a.phone), email: nonEmpty(a.email))
        let result = try desk.logFirstContact(.init(
            caller: callerValue, channel: ch, category: a.category, summary: a.summary, durationMillis: dur,
            received: rec, details: det, outcome: outcome, priority: pr, verifiedHow: a.verified, callback: cb))
        return CommandOutput(output: result.ref.description + "\n")
    }

    public static func list(_ a: ListArgs, desk: Desk) throws -> CommandOutput {
        try desk.needHistoryLoaded()
        let fmt = try parseEnum(TicketViews.Format.self, a.format, what: "format")
        guard fmt != .text else { throw DeskError.usage("unknown format \"text\" for list: use table, json or csv") }
        let now = desk.now()
        let tickets: [Ticket]
        if a.due {
            tickets = desk.callbacksDue(now: now)
        } else {
            if let queue = a.queue { _ = try desk.queue(queue) }
            var statuses: Set<TicketStatus>? = nil
            if let status = a.status {
                statuses = status == "active" ? Set(TicketStatus.allCases.filter(\.isActive)) : [try parseEnum(TicketStatus.self, status, what: "status")]
            }
            tickets = desk.tickets(matching: TicketFilter(queue: a.queue, statuses: statuses, caller: a.caller, assignee: a.assignee))
        }
        let text: String
        switch fmt {
        case .json: text = JSONOut.array(tickets.map { TicketViews.ticketJSON($0, desk: desk, now: now) }).serialized() + "\n"
        case .csv: text = TicketViews.listCSV(tickets, desk: desk, now: now)
        default: text = TicketViews.listTable(tickets, desk: desk, now: now)
        }
        var warnings = a.due ? [] : desk.issues.prefix(5).map { "warning: skipped \($0.line > 0 ? "damaged journal line " : "journal/")\($0)" }
        if !a.due && desk.issues.count > 5 { warnings.append("warning: … and \(desk.issues.count - 5) more; 'bscdesk doctor --all' lists them") }
        return CommandOutput(output: text, warnings: warnings)
    }

    public static func show(_ a: ShowArgs, desk: Desk) throws -> CommandOutput {
        try desk.needHistoryLoaded()
        let fmt = try parseEnum(TicketViews.Format.self, a.format, what: "format")
        guard fmt == .text || fmt == .json else { throw DeskError.usage("unknown format \"\(terminalSafe(a.format))\" for show: use text or json") }
        // A reference, or an imported ticket's number in its old helpdesk.
        let r = try TicketRef(parsing: a.ref) ?? desk.ticketRef(sourceRef: a.ref) ?? parseRef(a.ref)
        let t = try desk.ticket(r)
        // Opening a restricted ticket is recorded (who and when).
        try desk.recordView(r)
        let history = try desk.history(r).map { desk.visible($0, of: t) }
        let merged = try desk.mergedHistories(t)
        let shown = desk.visible(t)
        let now = desk.now()
        let text = fmt == .json ? TicketViews.showJSON(shown, history: history, desk: desk, now: now, merged: merged).serialized() + "\n"
                                : TicketViews.showText(shown, history: history, desk: desk, now: now, merged: merged)
        return CommandOutput(output: text)
    }

    public static func note(_ a: NoteArgs, desk: Desk) throws -> CommandOutput {
        try desk.addNote(try parseRef(a.ref), a.text)
        return CommandOutput()
    }

    public static func resolve(_ a: ResolveArgs, desk: Desk) throws -> CommandOutput {
        try desk.resolve(try parseRef(a.ref), note: a.note)
        return CommandOutput()
    }

    public static func stats(_ a: StatsArgs, desk: Desk) throws -> CommandOutput {
        try desk.needHistoryLoaded()
        let fmt = try parseEnum(MetricsOutput.Format.self, a.format, what: "format")
        let q = try desk.metricsQuery(period: a.period, from: a.from, to: a.to, by: a.by, series: a.series)
        try desk.checkMayBreakDownByAgent(q)
        // As `export` does: the figures with the journal head they came from.
        let report = try desk.metricsReport(q)
        let warnings = desk.issues.prefix(5).map { "warning: skipped \($0.line > 0 ? "damaged journal line " : "journal/")\($0)" }
        return CommandOutput(output: desk.renderMetrics(report, format: fmt), warnings: warnings)
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        return s
    }

    static func parseRef(_ text: String) throws(DeskError) -> TicketRef {
        guard let ref = TicketRef(parsing: text) else {
            throw DeskError.usage("bad reference \"\(terminalSafe(text))\": use a ticket reference like BSC-000123")
        }
        return ref
    }

    static func parseEnum<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, what: String) throws(DeskError) -> T where T.RawValue == String {
        guard let v = T(rawValue: text) else {
            throw DeskError.usage("unknown \(what) \"\(terminalSafe(text))\": use one of \(allowedValues(T.self))")
        }
        return v
    }

    /// A call-back time: ISO 8601, local unless it names a zone; may be in
    /// the future (Desk checks it is not in the past).
    static func callbackTime(_ text: String, desk: Desk) throws(DeskError) -> Instant {
        do {
            return try InputParsing.receivedTime(text, zone: desk.zone, now: Instant(millis: Int64.max / 4))
        } catch {
            throw DeskError.usage(error.message.replacingOccurrences(of: "bad time", with: "bad call-back time"))
        }
    }
}
