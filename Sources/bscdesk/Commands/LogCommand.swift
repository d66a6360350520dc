import ArgumentParser
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a first contact, opening a ticket; prints the new reference.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Caller's name (empty for anonymous).") var caller: String
    @Option(name: .customLong("ref"), help: "Caller's employee, supplier, debtor or client number.") var callerRef: String?
    @Option(name: .customLong("caller-type"), help: "employee, manager, elected-member, supplier, debtor, service-user, family-or-advocate, school, other-organisation, public.") var callerType: String = "employee"
    @Option(help: "Caller's phone number.") var phone: String?
    @Option(help: "Caller's email address.") var email: String?
    @Option(help: "phone, email, e-form, face-to-face, letter, web-chat.") var channel: String
    @Option(help: "Category id (see 'bscdesk categories').") var category: String
    @Option(help: "What the contact was about.") var summary: String
    @Option(help: "Handle time: 90s, 4m30s, 1h5m or 12:30 (at most 8h).") var duration: String?
    @Option(help: "When it arrived (ISO 8601; local time unless it names a zone). Default: now.") var received: String?
    @Option(help: "low, normal, high, urgent (default: the category's).") var priority: String?
    @Option(name: .customLong("detail"), help: "Hand-off detail KEY=VALUE (repeatable).") var details: [String] = []
    @Flag(help: "Resolved during this contact (first-contact resolution).") var resolved = false
    @Option(help: "Route to this queue.") var route: String?
    @Option(help: "How the caller's identity was verified (needed by categories with an identity check before resolving or routing).") var verified: String?
    @Option(help: "Promise a call back at this local time (ISO 8601, e.g. 2026-11-24T14:00); the ticket stays open.") var callback: String?

    @Option(name: .customLong("event-id"), help: "Team server only: the id of this write (32 hex digits). Resending a command with the id it printed writes it once.") var eventIdOption: String?

    func run() throws {
        let args = LogArgs(caller: caller, callerRef: callerRef, callerType: callerType, phone: phone, email: email, channel: channel,
                           category: category, summary: summary, duration: duration, received: received, priority: priority,
                           details: details, resolved: resolved, route: route, verified: verified, callback: callback)
        try runRouted(global, load: false, eventIdOption: eventIdOption, request: { Request(id: 0, eventId: $0, log: args) }) { desk in
            try DeskCommands.log(args, desk: desk)
        }
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let s = self?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        return s
    }
}

/// A call-back time: ISO 8601, local unless it names a zone; may be in the
/// future (the received-time parser's future check is bypassed with a far
/// "now", and Desk checks it is not in the past).
func callbackTime(_ text: String, desk: Desk) throws -> Instant {
    do {
        return try InputParsing.receivedTime(text, zone: desk.zone, now: Instant(millis: Int64.max / 4))
    } catch {
        throw DeskError.usage(error.message.replacingOccurrences(of: "bad time", with: "bad call-back time"))
    }
}
