import BSCApp
import BSCCore
import BSCProtocol
import BSCUI

/// The ticket commands of protocol version 2, as functions of their
/// arguments and a desk acting for the caller: the command line runs the
/// same functions in-process (Sources/bscdesk/Commands/TicketCommands.swift).
extension DeskCommands {
    public static func contact(_ a: ContactArgs, desk: Desk) throws -> CommandOutput {
        let r = try parseRef(a.ref)
        let ch = try parseEnum(Channel.self, a.channel, what: "channel")
        let dur = try a.duration.map { try InputParsing.duration($0) }
        let rec = try a.received.map { try InputParsing.receivedTime($0, zone: desk.zone, now: desk.now()) }
        try desk.logRepeatContact(r, channel: ch, summary: a.summary, durationMillis: dur, received: rec)
        return CommandOutput()
    }

    public static func edit(_ a: EditArgs, desk: Desk) throws -> CommandOutput {
        let r = try parseRef(a.ref)
        var changes: [(CorrectableField, String)] = []
        if let v = a.category { changes.append((.category, v)) }
        if let v = a.caller { changes.append((.callerName, v)) }
        if let v = a.callerRef {
            if let problem = CallerReference.problem(v) { throw DeskError.usage(problem) }
            changes.append((.callerReference, v))
        }
        if let v = a.callerType { changes.append((.callerType, v)) }
        if let v = a.phone { changes.append((.callerPhone, v)) }
        if let v = a.email { changes.append((.callerEmail, v)) }
        if let v = a.priority { changes.append((.priority, v)) }
        if let v = a.summary { changes.append((.summary, v)) }
        try desk.correct(r, changes)
        return CommandOutput()
    }

    public static func route(_ a: RouteArgs, desk: Desk) throws -> CommandOutput {
        try desk.route(try parseRef(a.ref), to: a.queue, details: try InputParsing.details(a.details), note: a.note)
        return CommandOutput()
    }

    public static func assign(_ a: AssignArgs, desk: Desk) throws -> CommandOutput {
        try desk.assign(try parseRef(a.ref), to: a.user)
        return CommandOutput()
    }

    public static func pending(_ a: PendingArgs, desk: Desk) throws -> CommandOutput {
        try desk.setPending(try parseRef(a.ref), reason: try parseEnum(PendingReason.self, a.reason, what: "pending reason"))
        return CommandOutput()
    }

    public static func resume(_ a: RefArgs, desk: Desk) throws -> CommandOutput {
        try desk.resume(try parseRef(a.ref))
        return CommandOutput()
    }

    public static func reopen(_ a: ReopenArgs, desk: Desk) throws -> CommandOutput {
        try desk.reopen(try parseRef(a.ref), reason: a.reason)
        return CommandOutput()
    }

    public static func close(_ a: RefArgs, desk: Desk) throws -> CommandOutput {
        try desk.close(try parseRef(a.ref))
        return CommandOutput()
    }

    public static func feedback(_ a: FeedbackArgs, desk: Desk) throws -> CommandOutput {
        try desk.recordFeedback(try parseRef(a.ref), rating: a.rating, source: try parseEnum(FeedbackSource.self, a.source, what: "feedback source"))
        return CommandOutput()
    }

    public static func verifyIdentity(_ a: VerifyIdentityArgs, desk: Desk) throws -> CommandOutput {
        try desk.verifyIdentity(try parseRef(a.ref), how: a.how)
        return CommandOutput()
    }

    public static func callback(_ a: CallbackArgs, desk: Desk) throws -> CommandOutput {
        let r = try parseRef(a.ref)
        let at: Instant? = a.time.lowercased() == "none" ? nil : try callbackTime(a.time, desk: desk)
        try desk.setCallback(r, at: at)
        return CommandOutput()
    }

    public static func returnToFrontDesk(_ a: ReturnArgs, desk: Desk) throws -> CommandOutput {
        let r = try parseRef(a.ref)
        guard let note = a.note else { throw DeskError.usage("return needs --note TEXT: tell customer services what to do next") }
        try desk.returnToFrontDesk(r, note: note)
        return CommandOutput()
    }

    public static func merge(_ a: MergeArgs, desk: Desk) throws -> CommandOutput {
        try desk.merge(try parseRef(a.duplicate), into: try parseRef(a.into))
        return CommandOutput()
    }

    public static func link(_ a: LinkArgs, desk: Desk) throws -> CommandOutput {
        try desk.link(try parseRef(a.ref), try parseRef(a.other))
        return CommandOutput()
    }

    public static func triage(_ a: TriageArgs, desk: Desk) throws -> CommandOutput {
        guard a.format == "table" || a.format == "json" else {
            throw DeskError.usage("unknown format \"\(terminalSafe(a.format))\" for triage: use table or json")
        }
        guard (1...50).contains(a.limit) else { throw DeskError.usage("bad --limit \(a.limit): use 1 to 50") }
        let found = desk.suggestCategories(for: a.text, limit: a.limit)
        // An article file that may not be used is named on standard error.
        var refused: [String] = []
        var articles: [String: Bool] = [:]
        for s in found {
            switch desk.articleFile(for: s.category) {
            case .text?: articles[s.category] = true
            case .refused(let why)?: refused.append(why)
            case nil: break
            }
        }
        if a.format == "json" {
            return CommandOutput(output: JSONOut.array(found.map { s in
                .object([
                    ("category", .string(s.category)), ("name", .string(s.name)), ("queue", .string(s.queue)),
                    ("score", .double(s.score)), ("matched", .array(s.matched.map { .string($0) })),
                    ("resolvable", .bool(s.frontDeskResolvable)), ("priority", .string(s.priority.rawValue)),
                    ("identity_check", .bool(s.requiresIdentityCheck)),
                    ("article", .bool(articles[s.category] == true)),
                ])
            }).serialized() + "\n", warnings: refused)
        }
        guard !found.isEmpty else { return CommandOutput(output: "(no category matches those words; 'bscdesk categories' lists them all)\n") }
        var out = "SCORE  " + "CATEGORY".padded(toWidth: 32) + " " + "QUEUE".padded(toWidth: 18) + " " + "DESK".padded(toWidth: 12) + " MATCHED\n"
        for s in found {
            let score = String(Int((s.score * 100).rounded()))
            let where_ = s.frontDeskResolvable ? "front desk" : "back office"
            out += score.padded(toWidth: 6) + " " + s.category.padded(toWidth: 32) + " " + s.queue.padded(toWidth: 18) + " "
                + where_.padded(toWidth: 12) + " " + terminalSafe(s.matched.joined(separator: ", "))
                + (s.requiresIdentityCheck ? "  [identity check]" : "") + "\n"
        }
        return CommandOutput(output: out, warnings: refused)
    }

    /// `board --print`: the frame as text, or every figure as JSON, as the
    /// caller may see them. The frame is "static": a printed board watches
    /// nothing.
    public static func board(_ a: BoardArgs, desk: Desk) throws -> CommandOutput {
        try desk.needHistoryLoaded()
        let output = try a.format.map { try parseEnum(BoardOutput.Format.self, $0, what: "format") }
        let now = desk.now()
        if output == .json {
            let seen = desk.boardAsSeen(desk.boardSnapshot(now: now), teamOnly: a.team)
            return CommandOutput(output: BoardOutput.json(seen, zone: desk.zone, teamOnly: a.team).serialized() + "\n")
        }
        let parts = a.size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (1...1000).contains(parts[0]), (1...1000).contains(parts[1]) else {
            throw DeskError.usage("bad --size \"\(terminalSafe(a.size))\": use COLSxROWS, e.g. 100x30 (each 1 to 1000)")
        }
        var screen = BoardScreen(feed: BoardFeed(desk: desk, watcher: nil, now: now), wallboard: !a.detailed, teamOnly: a.team)
        screen.printedOnce = true
        var app = UIApp(root: screen, size: Size(width: parts[0], height: parts[1]), now: now)
        return CommandOutput(output: app.render().rows().joined(separator: "\n") + "\n")
    }
}
