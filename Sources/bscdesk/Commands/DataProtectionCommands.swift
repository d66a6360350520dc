import ArgumentParser
import BSCApp
import BSCCore
import Foundation

/// `sar`, `erase` and `retention`: docs/data-protection.md.
struct SubjectAccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sar",
        abstract: "Answer a subject access request (supervisors): every ticket and event of one caller, decrypted.",
        discussion: "Writes JSON to FILE and a readable summary to FILE.md, and records that the request was answered (naming the tickets, never the person).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The caller's reference or name.") var caller: String?
    @Option(parsing: .upToNextOption, help: "The tickets instead (when a name matches more than one caller).") var ticket: [String] = []
    @Option(help: "The JSON file to write; the summary goes to FILE.md.") var out: String?

    func run() throws {
        try runDesk(global, load: true) { desk in
            guard let out, !out.isEmpty else { throw DeskError.usage("sar needs --out FILE: the JSON file to write (the summary goes to FILE.md)") }
            let refs = try selectTickets(desk, caller: caller, tickets: ticket, command: "sar")
            let answer = try desk.subjectAccess(refs, query: caller ?? ticket.joined(separator: " "))
            try desk.writeSubjectAccess(answer, to: out)
            try desk.recordSubjectAccess(refs)
            emit("wrote \(out) and \(out).md: \(refs.count) ticket(s): " + refs.map(\.description).joined(separator: " ") + "\n")
        }
    }
}

func selectTickets(_ desk: Desk, caller: String?, tickets: [String], command: String) throws -> [TicketRef] {
    switch (caller, tickets.isEmpty) {
    case (nil, true): throw DeskError.usage("\(command) needs --caller REF_OR_NAME or --ticket REF ...")
    case (.some, false): throw DeskError.usage("give --caller or --ticket, not both")
    case (.some(let c), true): return try desk.ticketsOfOneSubject(c, command: command)
    case (nil, false): return try tickets.map(parseRef)
    }
}

struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a caller's personal data (supervisors) by destroying their tickets' keys.",
        discussion: """
        Lists what will go and asks for confirmation (--yes for scripts). Records a subject.erased
        event (who, when, which tickets, why; nothing personal), then destroys the keys: the
        journal and its hash chain stay whole, the figures do not change, and views show (erased).
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The caller's reference or name.") var caller: String?
    @Option(parsing: .upToNextOption, help: "The tickets instead (when a name matches more than one caller).") var ticket: [String] = []
    @Option(help: "Why (recorded in the journal).") var reason: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() throws {
        try runDesk(global, load: true) { desk in
            guard let reason else { throw DeskError.usage("erase needs --reason TEXT: why the data is erased (it is recorded)") }
            let refs = try selectTickets(desk, caller: caller, tickets: ticket, command: "erase")
            var list = "will erase the personal data of \(refs.count) ticket(s):\n"
            for r in refs {
                let t = desk.visible(try desk.ticket(r))
                list += "  \(r)  \(t.caller.displayName)  \(t.category)  \(t.status.rawValue)  \(desk.localText(t.openedAt))\n"
            }
            emit(list)
            if !yes {
                FileHandle.standardError.write(Data("type yes to erase them for good: ".utf8))
                guard let answer = readLine(), answer.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    throw DeskError.refused("not confirmed; nothing was erased")
                }
            }
            let report = try desk.erase(refs, reason: reason)
            var out = "erased: " + report.erased.map(\.description).joined(separator: " ") + "\n"
            if !report.alreadyErased.isEmpty { out += "already erased before: " + report.alreadyErased.map(\.description).joined(separator: " ") + "\n" }
            if report.plaintextEvents > 0 {
                out += "warning: \(report.plaintextEvents) event(s) of these tickets were written before encryption and stay readable in the live journal; migrate the data directory (docs/data-protection.md)\n"
            }
            for f in report.filesStillHolding where !f.hasPrefix(desk.data.journalPath + " ") {
                out += "warning: \(f) may still hold them in clear (a draft, or written before encryption): delete it by hand (docs/data-protection.md)\n"
            }
            emit(out)
        }
    }
}

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "List closed tickets past their retention (supervisors); --apply shreds them with one event.",
        discussion: "The rule is retention_years_after_closure in bscdesk.toml ([desk], default 6; a category may set its own).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Shred them now (destroys their keys; recorded as one subject.erased event).") var apply = false

    func run() throws {
        try runDesk(global, load: true) { desk in
            if apply {
                let (due, report) = try desk.applyRetention()
                guard let report else { emit("no ticket is past its retention; nothing was done\n"); return }
                var out = "shredded \(report.erased.count) ticket(s) past retention: " + report.erased.map(\.description).joined(separator: " ") + "\n"
                _ = due
                for f in report.filesStillHolding where !f.hasPrefix(desk.data.journalPath + " ") {
                    out += "warning: \(f) may still hold them in clear (a draft, or written before encryption): delete it by hand (docs/data-protection.md)\n"
                }
                if report.plaintextEvents > 0 {
                    out += "warning: \(report.plaintextEvents) event(s) of these tickets were written before encryption and stay readable in the live journal\n"
                }
                emit(out)
            } else {
                let due = try desk.retentionDue()
                var out = due.isEmpty ? "no ticket is past its retention\n" : "\(due.count) ticket(s) past retention (bscdesk retention --apply shreds them):\n"
                for d in due { out += "  \(d.ref)  \(d.category)  closed \(desk.localText(d.closedAt))  rule \(d.years) years\n" }
                emit(out)
            }
        }
    }
}
