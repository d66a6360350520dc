import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal
import BSCProtocol
import BSCServer

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Check the configuration and the journal; exit 1 if damage is found (or, with --strict, any warning).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "List every damaged line and warning (by default the first 50 of each, and how many more).") var all = false
    @Flag(help: "Exit 1 on semantic warnings too (an illegal transition, an unknown category, ts going backwards, …).") var strict = false

    func run() throws {
        let args = DoctorArgs(all: all, strict: strict)
        try runRouted(global, load: true, request: { _ in Request(id: 0, doctor: args) }) { desk in
            try DeskCommands.doctor(args, desk: desk)
        }
    }
}
