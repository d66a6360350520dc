import ArgumentParser
import BSCApp
import BSCCore

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

    func run() throws {
        try runDesk(global) { desk in
            if resolved && route != nil { throw DeskError.usage("give --resolved or --route, not both") }
            let type = try parseEnum(CallerType.self, callerType, what: "caller type")
            let ch = try parseEnum(Channel.self, channel, what: "channel")
            let pr = try priority.map { try parseEnum(Priority.self, $0, what: "priority") }
            let dur = try duration.map { try InputParsing.duration($0) }
            let rec = try received.map { try InputParsing.receivedTime($0, zone: desk.zone, now: desk.now()) }
            let det = try InputParsing.details(details)
            let cb = try callback.map { try callbackTime($0, desk: desk) }
            let outcome: Desk.NewContact.Outcome = resolved ? .resolved : route.map { .route($0) } ?? .keepOpen
            let callerValue = Caller(name: caller, type: type, reference: callerRef.nonEmpty, phone: phone.nonEmpty, email: email.nonEmpty)
            let result = try desk.logFirstContact(.init(
                caller: callerValue, channel: ch, category: category, summary: summary, durationMillis: dur,
                received: rec, details: det, outcome: outcome, priority: pr, verifiedHow: verified, callback: cb))
            emit(result.ref.description + "\n")
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
    } catch let e as DeskError {
        throw DeskError.usage(e.message.replacingOccurrences(of: "bad time", with: "bad call-back time"))
    }
}
