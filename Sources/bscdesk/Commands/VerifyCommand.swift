import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal

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
        var bad = false
        try runDesk(global) { desk in
            if let against, against.count != 64 || !against.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                throw DeskError.usage("bad --against \"\(terminalSafe(against))\": give a 64-character lower-case hex head hash as printed by verify")
            }
            var r = try ChainVerifier(journal: desk.journal).verify(against: against)
            var out = "checked \(r.events) events in \(r.files) file(s)\n"
            var beforeMigration: String?
            if let m = try desk.migrationOrigin() {
                out += "note: migrated from a journal of before encryption (head \(m.head), seq \(m.headSeq)), archived in \(m.archive)\n"
                if r.foundEarlierHead == false, let against, let found = try desk.earlierHeadBeforeMigration(against) {
                    r.foundEarlierHead = true
                    beforeMigration = found
                }
            }
            for skipped in try desk.journal.skippedEntries() { out += "note: journal/\(skipped)\n" }
            out += "head: \(r.headHash) (seq \(r.headSeq))\n"
            if r.unterminatedBytes > 0 {
                out += "note: the newest file ends with \(r.unterminatedBytes) bytes of an unfinished line (a crashed or in-progress write; not part of the chain)\n"
            }
            for lost in r.reusedSeqs {
                out += "LOST: \(terminalSafe(lost))\n"
                bad = true
            }
            if let b = r.firstBreak {
                out += "TAMPERED: \(b)\n"
                bad = true
            }
            if let found = r.foundEarlierHead {
                if found {
                    out += (beforeMigration ?? "earlier head \(against!) is in the chain") + "\n"
                } else {
                    out += "TAMPERED: earlier head \(against!) is not in the chain: the journal was cut back or rewritten since it was recorded\n"
                    bad = true
                }
            }
            out += bad ? (r.firstBreak == nil && r.foundEarlierHead != false ? "result: EVENTS LOST\n" : "result: TAMPERING FOUND\n") : "result: chain intact\n"
            emit(out)
        }
        if bad { throw ExitCode(ExitStatus.damage.rawValue) }
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
