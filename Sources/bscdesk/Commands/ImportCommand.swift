import ArgumentParser
import BSCApp
import BSCCore
import BSCImport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk import`: another helpdesk's history into the journal
/// (docs/import.md). Supervisors only.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import another helpdesk's tickets (supervisors): servicenow, osticket, zendesk or csv.",
        discussion: "Shows what it will write and asks first (--yes for scripts, --dry-run to stop there). Rejected rows go to FILE.rejects.csv with their line and reason. Importing the same file again adds nothing; an interrupted import carries on. --void BATCH takes a batch out of every view and figure. See docs/import.md.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The export's format: servicenow, osticket, zendesk, or csv (with a mapping naming the columns).") var format: String?
    @Argument(help: "The export file(s).") var files: [String] = []
    @Option(help: "A mapping file (TOML) of source values to bscdesk's.") var mapping: String?
    @Option(name: .customLong("write-mapping"), help: "Write a mapping with the defaults for the file's values to this path, and stop.") var writeMapping: String?
    @Flag(name: .customLong("dry-run"), help: "Show the summary and write nothing.") var dryRun = false
    @Flag(help: "Write without asking.") var yes = false
    @Option(help: "Time zone of dates without one (else the configuration's).") var zone: String?
    @Option(help: "Where rejected rows go (default: FILE.rejects.csv beside the file).") var rejects: String?
    @Option(name: .customLong("void"), help: "Void an import batch: its tickets leave every view and figure.") var voidBatch: String?

    func run() throws {
        if let server = try serverLocation(global) {
            try importThroughServer(server)
            return
        }
        try runDesk(global) { desk in
            guard desk.profile.role == .supervisor else {
                throw DeskError.permission("import is for supervisors; you are \(desk.profile.role.rawValue)")
            }
            if let batch = voidBatch {
                guard format == nil && files.isEmpty else { throw DeskError.usage("--void BATCH takes no format or file") }
                let n = try desk.voidImport(batch: batch)
                emit("Voided import batch \(terminalSafe(batch)): \(n) tickets left out of every view and figure (the journal keeps them).\n")
                return
            }
            guard let formatText = format else { throw DeskError.usage("import needs a format and a file: bscdesk import servicenow FILE") }
            guard let fmt = ImportFormat(rawValue: formatText) else {
                throw DeskError.usage("unknown import format \"\(terminalSafe(formatText))\": use \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !files.isEmpty else { throw DeskError.usage("import needs the export file: bscdesk import \(fmt.rawValue) FILE") }
            let zoneId = zone ?? desk.config.timeZone
            guard let zoneRules = ZoneRules(identifier: zoneId) else {
                throw DeskError.usage("unknown time zone \"\(terminalSafe(zoneId))\": use an IANA name such as Europe/London")
            }
            do {
                try desk.load()
                var map = ImportMapping.defaults(format: fmt.rawValue, taxonomy: desk.taxonomy)
                if let m = mapping {
                    let text = try readSmallText(m)
                    map = try ImportMapping.parse(text, file: terminalSafe(m), taxonomy: desk.taxonomy, logins: Set(desk.config.users.keys))
                    guard map.format == fmt.rawValue else {
                        throw ImportError("\(terminalSafe(m)): format: it maps \"\(terminalSafe(map.format))\" exports, not \(fmt.rawValue)")
                    }
                }
                for file in files {
                    let input = try CSVInput(path: file, ticketColumn: fmt.ticketColumn)
                    if let out = writeMapping {
                        try writeDefaultMapping(fmt, input: input, zone: zoneRules, base: map, to: out, desk: desk)
                        continue
                    }
                    try importFile(fmt, file: file, input: input, mapping: map, zone: zoneRules, desk: desk)
                }
            } catch let e as ImportError {
                throw DeskError.usage(e.message)
            }
        }
    }

    func importFile(_ fmt: ImportFormat, file: String, input: CSVInput, mapping: ImportMapping, zone: ZoneRules, desk: Desk) throws {
        let rejectsPath = rejects ?? file + ".rejects.csv"
        // --yes: nothing to ask, so no plan first: one reading counts the
        // summary as it writes, and the summary follows.
        if yes && !dryRun {
            var out: RejectsFile? = nil
            var progress = ImportProgress(total: nil, tty: isatty(STDERR_FILENO) == 1)
            let (plan, written) = try Importer.importAtOnce(fmt, input: input, mapping: mapping, zone: zone, target: try Importer.Target(desk: desk), reject: { r in
                if out == nil {
                    out = try RejectsFile(path: rejectsPath)
                    try out?.write(Importer.rejectsHeader(try input.header()))
                }
                try out?.write(Importer.rejectLine(r))
            }, progress: { progress.update($0) })
            progress.finish()
            emit(Importer.summary(plan))
            if let out {
                try out.commit()
                emit("  rejected rows written to \(terminalSafe(rejectsPath))\n")
            }
            emit(written == 0 ? "Nothing to write.\n" : "Imported \(plan.tickets) tickets (\(written) events) as batch \(plan.batch).\n")
            return
        }
        let plan = try Importer.plan(fmt, input: input, mapping: mapping, zone: zone, desk: desk)
        emit(Importer.summary(plan))
        if plan.rejectedCount > 0 {
            if dryRun {
                emit("  (dry run: rejects not written; they would go to \(terminalSafe(rejectsPath)))\n")
            } else {
                let out = try RejectsFile(path: rejectsPath)
                try Importer.writeRejects(plan) { line throws(ImportError) in try out.write(line) }
                try out.commit()
                emit("  rejected rows written to \(terminalSafe(rejectsPath))\n")
            }
        }
        if dryRun { emit("Dry run: nothing written.\n"); return }
        if plan.events == 0 { emit("Nothing to write.\n"); return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw DeskError.usage("import asks before writing and no terminal is there to answer: add --yes to write, or --dry-run to only see the summary")
        }
        FileHandle.standardError.write("Write \(plan.tickets) tickets (\(plan.events) events) to the journal? [y/N] ".data(using: .utf8)!)
        let answer = readLine() ?? ""
        guard answer.lowercased().hasPrefix("y") else { emit("Nothing written.\n"); return }
        var progress = ImportProgress(total: plan.events, tty: isatty(STDERR_FILENO) == 1)
        let written = try Importer.write(plan, desk: desk) { progress.update($0) }
        progress.finish()
        emit("Imported \(plan.tickets) tickets (\(written) events) as batch \(plan.batch).\n")
    }

    func writeDefaultMapping(_ fmt: ImportFormat, input: CSVInput, zone: ZoneRules, base: ImportMapping, to path: String, desk: Desk) throws {
        let made = try DefaultMapping.make(fmt, input: input, zone: zone, base: base, mappingName: Self.fileName(path), desk: desk)
        let snippetPath = path + DefaultMapping.snippetSuffix
        try desk.data.writeAtomically(path, made.toml, mode: 0o600)
        try desk.data.writeAtomically(snippetPath, made.snippet, mode: 0o600)
        emit("Wrote the mapping to \(terminalSafe(path)) \(made.counts) and category suggestions to \(terminalSafe(snippetPath)).\n")
    }

    static func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// A mapping file: checked like any hostile file, at most 4 MiB.
    func readSmallText(_ path: String) throws -> String {
        try CSVInput.smallText(path: path, limit: 4 << 20, what: "a mapping file")
    }
}

/// Progress on stderr: a bar with rate and time left on a terminal, a
/// plain line every few seconds otherwise. With a plan, against its
/// events; without one (`--yes`), against the part of the file read.
struct ImportProgress {
    let total: Int?
    let tty: Bool
    let started = ContinuousClock.now
    var lastShown = ContinuousClock.now
    var drawn = false

    init(total: Int?, tty: Bool) {
        self.total = total
        self.tty = tty
    }

    mutating func update(_ p: Importer.WriteProgress) {
        let done = p.events
        let now = ContinuousClock.now
        let elapsed = seconds(now - started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let fraction: Double
        let count: String
        if let total {
            fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
            count = "\(done)/\(total) events"
        } else {
            fraction = min(1, max(0, p.fileRead))
            count = "\(done) events, \(Int((fraction * 100).rounded(.down)))% read"
        }
        let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let finished = fraction >= 1
        drawn = true
        if tty {
            // Narrower than the terminal: a line that wraps cannot be
            // redrawn with a carriage return and leaves pieces behind.
            let text = "\(count), \(Int(rate))/s, \(Int(left.rounded())) s left"
            let columns = terminalColumns()
            let width = min(30, columns - 1 - text.count - 3)
            var line = text
            if width >= 5 {
                let filled = Int((Double(width) * fraction).rounded(.down))
                line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + text
            }
            line = String(line.prefix(max(1, columns - 1)))
            // Back to the line's start, the bar, then clear what a longer
            // earlier drawing left to its right.
            FileHandle.standardError.write(("\r" + line + "\u{1B}[K").data(using: .utf8)!)
        } else if seconds(now - lastShown) >= 2 || finished {
            lastShown = now
            FileHandle.standardError.write("bscdesk: import: \(count), \(Int(rate))/s, about \(Int(left.rounded())) s left\n".data(using: .utf8)!)
        }
    }

    func finish() {
        if tty && drawn { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }

    /// The terminal's width (80 if it does not say).
    func terminalColumns() -> Int {
        var ws = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return 80 }
        return Int(ws.ws_col)
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
