import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Check the configuration and the journal; exit 1 if damage is found (or, with --strict, any warning).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "List every damaged line and warning (by default the first 50 of each, and how many more).") var all = false
    @Flag(help: "Exit 1 on semantic warnings too (an illegal transition, an unknown category, ts going backwards, …).") var strict = false

    func run() throws {
        var damaged = false
        try runDesk(global, load: true) { desk in
            let report = DoctorReport.make(desk, limit: all ? nil : 50)
            emit(report.text)
            damaged = report.damaged || (strict && report.warnings > 0)
        }
        if damaged { throw ExitCode(ExitStatus.damage.rawValue) }
    }
}
