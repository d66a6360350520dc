import ArgumentParser
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer

/// `bscdesk migrate`: docs/data-protection.md, "Migrating a plaintext data
/// directory". With a team server it runs there, which rebuilds its
/// projection on the new journal; in-process it needs every desk stopped.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring a data directory written before encryption under crypto-shredding (supervisors).",
        discussion: """
        Verifies the journal, writes a new one whose first event (journal.migrated) records the
        old chain's head, with every event again and its personal fields encrypted, swaps it in,
        and moves the old segments to archive/plaintext-DATE/, read-only. Nothing is deleted:
        delete the archive once 'bscdesk verify' passes on the new journal. With a team server it runs
        there (other requests wait for it); without one, stop every desk first.
        """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Say what would be done; write nothing.") var dryRun = false

    func run() throws {
        let args = MigrateArgs(dryRun: dryRun)
        try runRouted(global, load: false, request: { _ in Request(id: 0, migrate: args) }) { desk in
            try DeskCommands.migrate(args, desk: desk)
        }
    }
}
