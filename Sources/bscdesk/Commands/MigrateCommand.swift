import ArgumentParser
import BSCApp
import BSCCore

/// `bscdesk migrate`: docs/data-protection.md, "Migrating a plaintext data
/// directory". In-process only, like `verify`, `doctor` and `import`: it
/// replaces the journal file by file, so it refuses while a team server is
/// configured (stop the server and run it as the server's account).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring a data directory written before encryption under crypto-shredding (supervisors).",
        discussion: """
        Verifies the journal, writes a new one whose first event (journal.migrated) records the
        old chain's head, with every event again and its personal fields encrypted, swaps it in,
        and moves the old segments to archive/plaintext-DATE/, read-only. Nothing is deleted:
        delete the archive once 'bscdesk verify' passes on the new journal. Stop every desk first.
        """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Say what would be done; write nothing.") var dryRun = false

    func run() throws {
        try runDesk(global) { desk in
            emit(try desk.migrate(dryRun: dryRun).text)
        }
    }
}
