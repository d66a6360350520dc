import ArgumentParser
import BSCApp
import BSCCore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Write a realistic, deterministic history into an empty data directory.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "How many tickets.") var tickets: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Last day of the history (YYYY-MM-DD). Default: today.") var until: String?

    func run() throws {
        // Made-up tickets never go into a team server's journal.
        if let server = try serverLocation(global) {
            printError("bscdesk: demo writes made-up tickets into a new data directory of your own, never through the team server (\(terminalSafe(server))): run `bscdesk --server none --data DIR demo --tickets N`, then `bscdesk --server none --data DIR` to practise on it")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        try runDesk(global) { desk in
            guard tickets > 0, tickets <= 5_000_000 else { throw DeskError.usage("--tickets must be between 1 and 5000000") }
            var end = desk.zone.localDate(desk.now())
            if let until {
                guard let d = CivilDate.parse(until) else { throw DeskError.usage("bad --until \"\(until)\": use a date like 2026-11-24") }
                end = d
            }
            let summary = try DemoGenerator(desk: desk, tickets: tickets, seed: seed, until: end).write()
            emit(summary + "\n")
        }
    }
}
