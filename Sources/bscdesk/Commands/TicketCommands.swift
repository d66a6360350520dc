import ArgumentParser
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contact", abstract: "Log a repeat contact on an existing ticket.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Ticket reference, e.g. BSC-000123.") var ref: String
    @Option(help: "phone, email, e-form, face-to-face, letter, web-chat.") var channel: String
    @Option(help: "What the contact was about.") var summary: String
    @Option(help: "Handle time: 90s, 4m30s, 1h5m or 12:30.") var duration: String?
    @Option(help: "When it arrived (ISO 8601). Default: now.") var received: String?

    func run() throws {
        try runDesk(global) { desk in
            let r = try parseRef(ref)
            let ch = try parseEnum(Channel.self, channel, what: "channel")
            let dur = try duration.map { try InputParsing.duration($0) }
            let rec = try received.map { try InputParsing.receivedTime($0, zone: desk.zone, now: desk.now()) }
            try desk.logRepeatContact(r, channel: ch, summary: summary, durationMillis: dur, received: rec)
        }
    }
}

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Correct mis-keyed fields; recorded as corrections.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Ticket reference.") var ticket: String
    @Option var category: String?
    @Option var caller: String?
    @Option(name: .customLong("ref"), help: "Caller reference.") var callerRef: String?
    @Option(name: .customLong("caller-type")) var callerType: String?
    @Option var phone: String?
    @Option var email: String?
    @Option var priority: String?
    @Option var summary: String?

    func run() throws {
        try runDesk(global) { desk in
            let r = try parseRef(ticket)
            var changes: [(CorrectableField, String)] = []
            if let category { changes.append((.category, category)) }
            if let caller { changes.append((.callerName, caller)) }
            if let callerRef { changes.append((.callerReference, callerRef)) }
            if let callerType { changes.append((.callerType, callerType)) }
            if let phone { changes.append((.callerPhone, phone)) }
            if let email { changes.append((.callerEmail, email)) }
            if let priority { changes.append((.priority, priority)) }
            if let summary { changes.append((.summary, summary)) }
            try desk.correct(r, changes)
        }
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to a ticket.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "The note.") var text: String
    @Option(name: .customLong("event-id"), help: "Team server only: the id of this write (32 hex digits); a resent command with the same id writes once.") var eventIdOption: String?
    func run() throws {
        let args = NoteArgs(ref: ref, text: text)
        try runRouted(global, load: false, eventIdOption: eventIdOption, request: { Request(id: 0, eventId: $0, note: args) }) { desk in
            try DeskCommands.note(args, desk: desk)
        }
    }
}

struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "route", abstract: "Route a ticket to a queue with its hand-off details.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Queue id.") var queue: String
    @Option(name: .customLong("detail"), help: "Hand-off detail KEY=VALUE (repeatable).") var details: [String] = []
    @Option(help: "A note for the back office.") var note: String?
    func run() throws {
        try runDesk(global) { desk in
            try desk.route(try parseRef(ref), to: queue, details: try InputParsing.details(details), note: note)
        }
    }
}

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign a ticket to a member of its queue's team.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Login of the assignee.") var user: String
    func run() throws { try runDesk(global) { try $0.assign(try parseRef(ref), to: user) } }
}

struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pending", abstract: "Mark a ticket pending; the SLA clock pauses.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "customer or third-party.") var reason: String
    func run() throws {
        try runDesk(global) { desk in
            try desk.setPending(try parseRef(ref), reason: try parseEnum(PendingReason.self, reason, what: "pending reason"))
        }
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "End a pending pause; the SLA clock runs again.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    func run() throws { try runDesk(global) { try $0.resume(try parseRef(ref)) } }
}

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve a ticket.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "How it was resolved.") var note: String?
    @Option(name: .customLong("event-id"), help: "Team server only: the id of this write (32 hex digits); a resent command with the same id writes once.") var eventIdOption: String?
    func run() throws {
        let args = ResolveArgs(ref: ref, note: note)
        try runRouted(global, load: false, eventIdOption: eventIdOption, request: { Request(id: 0, eventId: $0, resolve: args) }) { desk in
            try DeskCommands.resolve(args, desk: desk)
        }
    }
}

struct ReopenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a resolved ticket.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "Why.") var reason: String?
    func run() throws { try runDesk(global) { try $0.reopen(try parseRef(ref), reason: reason) } }
}

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a resolved ticket (final).")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    func run() throws { try runDesk(global) { try $0.close(try parseRef(ref)) } }
}

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feedback", abstract: "Record the caller's satisfaction rating (1-5); the latest wins.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Rating from 1 to 5.") var rating: Int
    @Option(help: "phone, email, e-form, survey.") var source: String
    func run() throws {
        try runDesk(global) { desk in
            try desk.recordFeedback(try parseRef(ref), rating: rating, source: try parseEnum(FeedbackSource.self, source, what: "feedback source"))
        }
    }
}

struct VerifyIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-identity", abstract: "Record how the caller's identity was verified.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "How, e.g. \"call-back to number on file\".") var how: String
    func run() throws { try runDesk(global) { try $0.verifyIdentity(try parseRef(ref), how: how) } }
}

struct CallbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "callback", abstract: "Promise a call back on an open ticket ('none' clears it).")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Local time, ISO 8601 (2026-11-24T14:00), or 'none'.") var time: String
    func run() throws {
        try runDesk(global) { desk in
            let at: Instant? = time.lowercased() == "none" ? nil : try callbackTime(time, desk: desk)
            try desk.setCallback(try parseRef(ref), at: at)
        }
    }
}

struct ReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "return", abstract: "Hand a ticket back to customer services with a note.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "What customer services should do (required).") var note: String?
    func run() throws {
        try runDesk(global) { desk in
            let r = try parseRef(ref)
            guard let note else { throw DeskError.usage("return needs --note TEXT: tell customer services what to do next") }
            try desk.returnToFrontDesk(r, note: note)
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Merge a duplicate ticket into another; its contacts and notes move.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The duplicate.") var duplicate: String
    @Option(help: "The ticket that survives.") var into: String
    func run() throws { try runDesk(global) { try $0.merge(try parseRef(duplicate), into: try parseRef(into)) } }
}

struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "link", abstract: "Link two related tickets; both show the link.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument var other: String
    func run() throws { try runDesk(global) { try $0.link(try parseRef(ref), try parseRef(other)) } }
}
