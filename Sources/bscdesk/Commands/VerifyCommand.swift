import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal
import BSCProtocol
import BSCServer

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the journal's hash chain; print the head hash. Exit 1 if tampering is found.",
        discussion: """
        Record the head hash somewhere else (it is printed here and written into every
        export). Later, `bscdesk verify --against HASH` checks that the journal still
        contains that head: it catches a cut-off tail and a chain recomputed from scratch.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "A head hash recorded earlier, which must still be in the chain.") var against: String?
    @Option(help: ArgumentHelp("Check a PostgreSQL store instead of a data directory (docs/postgresql.md).", valueName: "postgresql://USER@HOST:PORT/DB"))
    var store: String?

    func run() throws {
        if let store {
            if against != nil { throw ValidationError("--against is for a data directory's journal; with --store, compare the printed head") }
            try verifyStore(store)
            return
        }
        let args = VerifyArgs(against: against)
        try runRouted(global, load: false, request: { _ in Request(id: 0, verify: args) }) { desk in
            try DeskCommands.verify(args, desk: desk)
        }
    }
}

extension VerifyCommand {
    /// The same report as for files: a head line to compare with an export's.
    func verifyStore(_ url: String) throws {
        var bad = false
        try runStoreCommand("verify") {
            let pg = try openPostgresStore(url, prepare: false)
            let r = try pg.verifyChain()
            var out = "checked \(r.events) events in \(pg.address)\n"
            out += "head: \(r.headHash) (seq \(r.headSeq))\n"
            if let b = r.firstBreak {
                out += "TAMPERED: \(terminalSafe(b))\n"
                bad = true
            }
            out += bad ? "result: TAMPERING FOUND\n" : "result: chain intact\n"
            emit(out)
        }
        if bad { throw ExitCode(ExitStatus.damage.rawValue) }
    }
}
