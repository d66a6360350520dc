import ArgumentParser
import BSCApp
import BSCClient
import BSCCore
import BSCProtocol
import BSCServer
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
        let args = SarArgs(caller: caller, tickets: ticket)
        let out = self.out ?? ""
        let files = OutputFiles(base: out, suffixes: ["", ".md"], overwrite: false, existsAdvice: "choose another file", example: "sar.json")
        // The server answers with the files' content; this process writes
        // them as its own user.
        try runRouted(global, load: true, before: { () throws(ClientError) in
            guard !out.isEmpty else { throw ClientError(status: 64, "sar needs --out FILE: the JSON file to write (the summary goes to FILE.md)") }
            try files.check()
        }, request: { Request(id: 0, eventId: $0, sar: args) }, deliver: { (o: CommandOutput) throws(ClientError) in
            try files.write(o.files)
            return CommandOutput(output: "wrote \(out) and \(out).md: " + o.output, warnings: o.warnings)
        }) { try DeskCommands.sar(args, desk: $0) }
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

    /// Two steps, the same in-process and through the server: the list of
    /// what will go, the person's confirmation here, then the erasure of
    /// exactly the tickets listed.
    func run() throws {
        let preview = EraseArgs(caller: caller, tickets: ticket, reason: reason, preview: true)
        let yes = self.yes
        let reason = self.reason
        func confirm(_ shown: CommandOutput) throws(ClientError) -> EraseArgs {
            emit(shown.output)
            if !yes {
                FileHandle.standardError.write(Data("type yes to erase them for good: ".utf8))
                guard let answer = readLine(), answer.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    throw ClientError(status: 65, "not confirmed; nothing was erased")
                }
            }
            return EraseArgs(tickets: shown.tickets ?? [], reason: reason, preview: false)
        }
        guard let server = try serverLocation(global) else {
            try runDesk(global, load: true, routed: true) { desk in
                let shown = try DeskCommands.erase(preview, desk: desk)
                let args = try onClientSide { () throws(ClientError) in try confirm(shown) }
                emit(try DeskCommands.erase(args, desk: desk).output)
            }
            return
        }
        do throws(ClientError) {
            let shown = try send(global, server: server, Request(id: 0, erase: preview))
            let args = try confirm(CommandOutput(output: shown.output, tickets: shown.tickets))
            let done = try send(global, server: server, Request(id: 0, eventId: EventIds.random(), erase: args))
            emit(done.output)
            for w in done.warnings { printError("bscdesk: " + terminalSafe(w)) }
        } catch {
            printError("bscdesk: " + terminalSafe(error.message))
            throw ExitCode(error.status)
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
        let args = RetentionArgs(apply: apply)
        let apply = self.apply
        try runRouted(global, load: true, request: { Request(id: 0, eventId: apply ? $0 : nil, retention: args) }) {
            try DeskCommands.retention(args, desk: $0)
        }
    }
}
