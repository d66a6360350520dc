import ArgumentParser
import BSCApp
import BSCCore
import BSCJournal
import BSCPostgres
import Foundation
import Logging

/// Opens the PostgreSQL store named by `--store` (docs/postgresql.md).
func openPostgresStore(_ url: String, prepare: Bool) throws -> PostgresEventStore {
    let address: PostgresAddress
    do { address = try PostgresAddress(parsing: url) } catch { throw DeskError.usage(error.description) }
    var logger = Logger(label: "bscdesk.postgres")
    logger.logLevel = .error
    let store = PostgresEventStore(address: address, clock: SystemClock(), logger: logger)
    if prepare { try store.prepare() }
    return store
}

/// Runs a store command, turning its errors into one line and an exit status.
func runStoreCommand(_ name: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as PostgresStoreError {
        printError("bscdesk \(name): " + terminalSafe(e.description, lineBreaks: .space))
        throw ExitCode((e.outcomeUnknown ? ExitStatus.outcomeUnknown : ExitStatus.ioFailure).rawValue)
    } catch {
        let d = DeskError.from(error)
        printError("bscdesk \(name): " + terminalSafe(d.message, lineBreaks: .space))
        throw ExitCode(d.status.rawValue)
    }
}

struct ExportJournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-journal",
        abstract: "Write a PostgreSQL store out as a data directory of plain files.",
        discussion: """
        DIR/journal/YYYY-MM.jsonl holds the store's lines byte for byte, and DIR/config.toml the
        configuration the servers share; `bscdesk --data DIR verify` then prints the same head as
        `bscdesk verify --store URL`. DIR must not exist; on failure nothing is left behind.
        """)
    @Option(help: ArgumentHelp("The PostgreSQL store.", valueName: "postgresql://USER@HOST:PORT/DB")) var store: String
    @Option(help: ArgumentHelp("The data directory to create.", valueName: "DIR")) var out: String

    func run() throws {
        try runStoreCommand("export-journal") {
            let pg = try openPostgresStore(store, prepare: false)
            guard mkdir(out, 0o700) == 0 else {
                throw DeskError.refused("cannot create \(out): \(String(cString: strerror(errno))) (export-journal makes a new directory; give a path that does not exist)")
            }
            do {
                let journal = out + "/journal"
                guard mkdir(journal, 0o700) == 0 else { throw DeskError(.ioFailure, "cannot create \(journal): \(String(cString: strerror(errno)))") }
                var count: Int64 = 0
                var head = (seq: Int64(0), hash: StoreHead.genesisHash)
                var segment = "", buffer: [UInt8] = []
                let decoder = EventDecoder()
                func flush() throws {
                    guard !segment.isEmpty, !buffer.isEmpty else { return }
                    try appendFile(journal + "/" + segment, buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
                try pg.readLines(after: 0) { seq, line in
                    let d = try decoder.decode(line)
                    let name = Journal.segmentName(for: d.event.at)
                    if name != segment || buffer.count > 8 << 20 {
                        try flush()
                        segment = name
                    }
                    buffer += line
                    buffer.append(10)
                    count += 1
                    head = (seq, d.hash ?? "")
                }
                try flush()
                if let config = try pg.storedConfiguration() {
                    try appendFile(out + "/" + DefaultConfiguration.fileName, Array(config.utf8))
                } else {
                    printError("bscdesk export-journal: note: the store holds no configuration (no server has run on it yet); bscdesk will write a default one on first use")
                }
                // The keys, so the files read as the store does (and stay
                // erased where the store's are).
                let shared = PostgresKeys(address: pg.address, logger: Logger(label: "bscdesk.export-journal"))
                try shared.prepare()
                let (keys, erased, _) = try shared.changes(after: 0)
                let local = KeyStore(directory: out + "/keys", login: "export-journal", owner: nil, fileMode: 0o600, directoryMode: 0o700)
                if !keys.isEmpty { try local.addMany(keys.map { ($0.ref, $0.key, $0.queue) }) { _ in nil } }
                if !erased.isEmpty { try local.destroy(erased, restrictedQueues: []) }
                if let index = try shared.storedIndexKey() { try local.adoptIndexKey(index) }
                emit("exported \(count) events from \(pg.address) to \(out)\nhead: \(head.hash) (seq \(head.seq))\n")
            } catch {
                _ = try? FileManager.default.removeItem(atPath: out)
                throw error
            }
        }
    }
}

/// Writes a new file (never through a link or over an existing file), synced.
private func appendFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw DeskError(.ioFailure, "cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw DeskError(.ioFailure, "cannot write \(path): \(String(cString: strerror(errno)))") }
        done += n
    }
    guard fsync(fd) == 0 else { throw DeskError(.ioFailure, "cannot sync \(path): \(String(cString: strerror(errno)))") }
}

struct ImportJournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-journal",
        abstract: "Load a data directory's journal into an empty PostgreSQL store.",
        discussion: """
        The lines go in byte for byte, with the chain checked on the way: `bscdesk verify --store URL`
        then prints the same head as `bscdesk --data DIR verify`. The data directory's configuration
        becomes the one the servers share. Refuses a store that already holds events, and a journal
        with a damaged line (run `bscdesk --data DIR verify` first); nothing is written then.
        """)
    @Argument(help: ArgumentHelp("The data directory to load.", valueName: "DIR")) var directory: String
    @Option(help: ArgumentHelp("The PostgreSQL store.", valueName: "postgresql://USER@HOST:PORT/DB")) var store: String

    func run() throws {
        try runStoreCommand("import-journal") {
            let dir = DataDirectory(path: directory, source: "import-journal")
            guard dir.exists else { throw DeskError.usage("\(directory) is not a bscdesk data directory (no \(DefaultConfiguration.fileName))") }
            let config = try dir.readConfigurationFile().text
            let journal = Journal(directory: dir.journalPath, clock: SystemClock())
            var lines: [[UInt8]] = []
            for segment in try journal.segments() {
                let path = dir.journalPath + "/" + segment
                let bytes = try SafeFile.read(path, limit: Int.max)
                guard bytes.isEmpty || bytes.last == 10 else {
                    throw DeskError.refused("\(path) ends in an unfinished line: run bscdesk --data \(directory) verify (or doctor) first; nothing was imported")
                }
                var start = 0
                for (i, b) in bytes.enumerated() where b == 10 {
                    lines.append(Array(bytes[start..<i]))
                    start = i + 1
                }
            }
            let pg = try openPostgresStore(store, prepare: true)
            if let shared = try pg.storedConfiguration(), shared != config {
                throw DeskError.refused("the store already holds a different configuration; nothing was imported")
            }
            let held = try pg.head().seq
            guard held == 0 else {
                throw DeskError.refused("the store already holds \(held) events: import-journal loads only into an empty store; nothing was imported")
            }
            // The directory's keys go first: no event is in the store
            // before the key that reads it.
            let restricted = try Desk.loadConfiguration(dir).taxonomy.queues.filter(\.restricted).map(\.id)
            let local = KeyStore(directory: dir.path + "/keys", login: "import-journal", owner: nil, fileMode: 0o600, directoryMode: 0o700)
            local.loadAll(restrictedQueues: restricted)
            let (keys, erased) = local.everyKey()
            let shared = PostgresKeys(address: pg.address, logger: Logger(label: "bscdesk.import-journal"))
            try shared.prepare()
            try shared.store(keys)
            try shared.erase(erased)
            if let index = try local.indexKey(create: false), try shared.indexKey(proposing: index) != index {
                throw DeskError.refused("the store already holds another blind-index key; nothing was imported")
            }
            let head = try pg.importLines(lines)
            _ = try pg.sharedConfiguration(offering: config)
            emit("imported \(lines.count) events into \(pg.address)\nhead: \(head.hash) (seq \(head.seq))\n")
        }
    }
}
