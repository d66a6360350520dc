import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal
import BSCPostgres
import BSCServer
import Foundation
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the team server: one engine for the data directory, clients on a Unix socket.",
        discussion: """
        Run it as an unprivileged service account that owns the data directory (mode 0700);
        it refuses to run as root. Clients are known by their OS login (SO_PEERCRED).
        The socket is created 0660 with the group of its directory. Logs go to stderr.
        SIGTERM drains: queued requests finish and are answered, then it exits.
        SIGHUP re-reads bscdesk.toml with the start-up checks (a bad file is refused and logged).
        See README.md, "The team server", and docs/protocol.md.
        """)

    /// `--data DIR` (required here): the data directory the server owns.
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Where to listen (a Unix socket path).", valueName: "PATH")) var socket: String
    @Flag(name: .customLong("init"), help: "Create the data directory first (with --supervisor).") var initialise = false
    @Option(help: ArgumentHelp("With --init: the login of the first supervisor (the service account is not a bscdesk user).", valueName: "LOGIN"))
    var supervisor: String?
    @Option(help: ArgumentHelp("Keep the journal in PostgreSQL, shared with other servers (docs/postgresql.md); else the data directory's files.", valueName: "postgresql://USER@HOST:PORT/DB"))
    var store: String?

    func run() throws {
        if geteuid() == 0 {
            printError("bscdesk serve: refusing to run as root: run it as the unprivileged service account that owns the data directory, e.g. runuser -u bscdesk -- bscdesk serve --data DIR --socket PATH")
            throw ExitCode(77)
        }
        // SIGTERM and SIGINT are blocked before any thread starts (every
        // thread inherits the mask) and taken by `sigwait` once serving: a
        // signal that arrives while the socket is being set up stays
        // pending instead of being lost or killing a half-started server.
        TeamServer.blockStopSignals()
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = .info
            return h
        }
        let logger = Logger(label: "bscdesk.server")
        do {
            guard let data = global.data, !data.isEmpty else { throw DeskError.usage("serve needs --data DIR: the data directory the server owns") }
            if global.server != nil { throw DeskError.usage("--server is for clients; the server listens on --socket PATH") }
            let dir = DataDirectory(path: data.hasPrefix("/") ? data : FileManager.default.currentDirectoryPath + "/" + data, source: "--data")
            if initialise {
                guard let supervisor, !supervisor.isEmpty else { throw DeskError.usage("--init needs --supervisor LOGIN: the first supervisor's OS login") }
                guard dir.path.count > 1, !dir.exists else { throw DeskError.refused("\(dir.path) already holds a desk: drop --init") }
                try dir.create(firstSupervisor: supervisor)
                _ = chmod(dir.path, 0o700)
                logger.info("created \(dir.path) with first supervisor \(terminalSafe(supervisor))")
            } else if supervisor != nil {
                throw DeskError.usage("--supervisor goes with --init")
            }
            var upstream: PostgresEventStore? = nil
            var sharedKeys: PostgresKeys? = nil
            if let store {
                let pg = try openPostgresStore(store, prepare: true)
                try Self.agreeOnConfiguration(dir, pg, adoptStored: initialise, logger: logger)
                upstream = pg
                // Every server on the database reads every ticket's key.
                let keys = PostgresKeys(address: pg.address, logger: logger)
                do { try keys.prepare() } catch { throw DeskError(.ioFailure, "cannot prepare the shared key store in \(pg.address): \(error)") }
                sharedKeys = keys
                logger.info("journal and keys kept in \(pg.address); \(dir.path) holds this server's copy of the journal")
            }
            let server = try TeamServer(options: .init(data: dir, socketPath: socket, upstream: upstream, sharedKeys: sharedKeys), logger: logger)
            try server.start()
            server.runUntilSignalled()
        } catch let e as DeskError {
            logger.error("\(terminalSafe(e.message, lineBreaks: .space))")
            throw ExitCode(e.status.rawValue)
        } catch let e as PostgresStoreError {
            logger.error("\(terminalSafe(e.description, lineBreaks: .space))")
            throw ExitCode((e.outcomeUnknown ? ExitStatus.outcomeUnknown : ExitStatus.ioFailure).rawValue)
        }
    }

    /// Every server on one database runs with one configuration: the first
    /// stores its own; a later one must have the same text (a new data
    /// directory made with --init takes the stored one).
    static func agreeOnConfiguration(_ dir: DataDirectory, _ pg: PostgresEventStore, adoptStored: Bool, logger: Logger) throws {
        let mine = try dir.readConfigurationFile().text
        let shared = try pg.sharedConfiguration(offering: mine)
        guard shared != mine else { return }
        if adoptStored {
            try dir.writeAtomically(dir.configPath, shared, mode: 0o600)
            logger.info("took the configuration the other servers on \(pg.address) run with")
            return
        }
        throw DeskError.config("\(dir.configPath) differs from the configuration the other servers on \(pg.address) run with (stored in the database by the first server): servers on one store must share one configuration; copy it with bscdesk export-journal, or start from an empty data directory with --init")
    }
}
