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

    @OptionGroup var write: EventIdOption

    func run() throws {
        let args = ContactArgs(ref: ref, channel: channel, summary: summary, duration: duration, received: received)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, contact: args) }) {
            try DeskCommands.contact(args, desk: $0)
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

    @OptionGroup var write: EventIdOption

    func run() throws {
        let args = EditArgs(ref: ticket, category: category, caller: caller, callerRef: callerRef, callerType: callerType,
                            phone: phone, email: email, priority: priority, summary: summary)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, edit: args) }) {
            try DeskCommands.edit(args, desk: $0)
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
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = RouteArgs(ref: ref, queue: queue, details: details, note: note)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, route: args) }) {
            try DeskCommands.route(args, desk: $0)
        }
    }
}

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign a ticket to a member of its queue's team.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Login of the assignee.") var user: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = AssignArgs(ref: ref, user: user)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, assign: args) }) {
            try DeskCommands.assign(args, desk: $0)
        }
    }
}

struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pending", abstract: "Mark a ticket pending; the SLA clock pauses.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "customer or third-party.") var reason: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = PendingArgs(ref: ref, reason: reason)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, pending: args) }) {
            try DeskCommands.pending(args, desk: $0)
        }
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "End a pending pause; the SLA clock runs again.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = RefArgs(ref: ref)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, resume: args) }) {
            try DeskCommands.resume(args, desk: $0)
        }
    }
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
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = ReopenArgs(ref: ref, reason: reason)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, reopen: args) }) {
            try DeskCommands.reopen(args, desk: $0)
        }
    }
}

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a resolved ticket (final).")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = RefArgs(ref: ref)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, close: args) }) {
            try DeskCommands.close(args, desk: $0)
        }
    }
}

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feedback", abstract: "Record the caller's satisfaction rating (1-5); the latest wins.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Rating from 1 to 5.") var rating: Int
    @Option(help: "phone, email, e-form, survey.") var source: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = FeedbackArgs(ref: ref, rating: rating, source: source)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, feedback: args) }) {
            try DeskCommands.feedback(args, desk: $0)
        }
    }
}

struct VerifyIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-identity", abstract: "Record how the caller's identity was verified.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "How, e.g. \"call-back to number on file\".") var how: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = VerifyIdentityArgs(ref: ref, how: how)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, verifyIdentity: args) }) {
            try DeskCommands.verifyIdentity(args, desk: $0)
        }
    }
}

struct CallbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "callback", abstract: "Promise a call back on an open ticket ('none' clears it).")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument(help: "Local time, ISO 8601 (2026-11-24T14:00), or 'none'.") var time: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = CallbackArgs(ref: ref, time: time)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, callback: args) }) {
            try DeskCommands.callback(args, desk: $0)
        }
    }
}

struct ReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "return", abstract: "Hand a ticket back to customer services with a note.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "What customer services should do (required).") var note: String?
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = ReturnArgs(ref: ref, note: note)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, returnArgs: args) }) {
            try DeskCommands.returnToFrontDesk(args, desk: $0)
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Merge a duplicate ticket into another; its contacts and notes move.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The duplicate.") var duplicate: String
    @Option(help: "The ticket that survives.") var into: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = MergeArgs(duplicate: duplicate, into: into)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, merge: args) }) {
            try DeskCommands.merge(args, desk: $0)
        }
    }
}

struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "link", abstract: "Link two related tickets; both show the link.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Argument var other: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = LinkArgs(ref: ref, other: other)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, link: args) }) {
            try DeskCommands.link(args, desk: $0)
        }
    }
}

/// `--event-id` of a command that appends: through the team server the
/// request carries it, so a resent command is written once.
struct EventIdOption: ParsableArguments {
    @Option(name: .customLong("event-id"), help: "Team server only: the id of this write (32 hex digits); a resent command with the same id writes once.")
    var eventId: String?
}
