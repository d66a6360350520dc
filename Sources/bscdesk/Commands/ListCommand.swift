import ArgumentParser
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer

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
        let args = ListArgs(queue: queue, status: status, caller: caller, assignee: assignee, format: format, due: due)
        try runRouted(global, load: true, request: { _ in Request(id: 0, list: args) }) { desk in
            try DeskCommands.list(args, desk: desk)
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a ticket with its full history.")
    @OptionGroup var global: GlobalOptions
    @Argument var ref: String
    @Option(help: "text or json.") var format: String = "text"

    func run() throws {
        let args = ShowArgs(ref: ref, format: format)
        try runRouted(global, load: true, request: { _ in Request(id: 0, show: args) }) { desk in
            try DeskCommands.show(args, desk: desk)
        }
    }
}

struct CategoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "categories", abstract: "The queues and their categories, with the ids --category takes.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "table or json.") var format: String = "table"

    func run() throws {
        // Checked before a data directory is opened (or made) or a server asked.
        guard ["table", "json"].contains(format) else {
            printError("bscdesk: unknown format \"\(terminalSafe(format))\" for categories: use table or json")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let args = CategoriesArgs(format: format)
        try runRouted(global, load: false, request: { _ in Request(id: 0, categories: args) }) { desk in
            try DeskCommands.categories(args, desk: desk)
        }
    }
}
