import ArgumentParser
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer

struct TriageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage", abstract: "Suggest categories for what the caller said, best first, with their queue.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "What the caller said, e.g. \"my bank details have changed\".") var text: String
    @Option(help: "How many suggestions at most.") var limit: Int = 5
    @Option(help: "table or json.") var format: String = "table"

    func run() throws {
        let args = TriageArgs(text: text, limit: limit, format: format)
        try runRouted(global, load: false, request: { _ in Request(id: 0, triage: args) }) { try DeskCommands.triage(args, desk: $0) }
    }
}
