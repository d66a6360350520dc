import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Check the configuration and the journal; exit 1 if damage is found.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "List every damaged line (by default the first 50, and how many more).") var all = false

    func run() throws {
        var damaged = false
        try runDesk(global, load: true) { desk in
            let report = DoctorReport.make(desk, limit: all ? nil : 50)
            emit(report.text)
            damaged = report.damaged
        }
        if damaged { throw ExitCode(ExitStatus.damage.rawValue) }
    }
}
