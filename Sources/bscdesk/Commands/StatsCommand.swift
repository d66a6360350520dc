import ArgumentParser
import BSCApp
import BSCClient
import BSCCore
import BSCProtocol
import BSCServer

/// Options `stats` and `export` share.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Period: a day (2026-11-24), ISO week (2026-W48), month (2026-11), quarter (2026/27-Q3) or financial year (2026/27). Default: the current month.")
    var period: String?
    @Option(help: "First day of a date range (with --to).") var from: String?
    @Option(help: "Last day of a date range, inclusive (with --from).") var to: String?
    @Option(name: .customLong("by"), help: "Break down by queue, category, channel, agent (supervisors only) or caller-type; repeat for one table per dimension.")
    var by: [String] = []
    @Option(help: "Add a time series over the period: week or month.") var series: String?
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "FCR and KPI figures for a period, with RAG against targets.",
        discussion: "Definitions: docs/metrics.md. Figures that include first-contact resolutions still inside their reopen window are marked provisional.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: MetricsOptions
    @Option(help: "table, csv, json or md.") var format: String = "table"
    @Flag(help: .hidden) var timings = false

    func run() throws {
        let args = StatsArgs(period: options.period, from: options.from, to: options.to, by: options.by, series: options.series, format: format)
        // --timings measures the in-process path's phases; the server's
        // answer is one figure, so it goes through the same function only
        // without it.
        if !timings {
            try runRouted(global, load: true, request: { _ in Request(id: 0, stats: args) }) { desk in
                try DeskCommands.stats(args, desk: desk)
            }
            return
        }
        let started = ContinuousClock.now
        try runDesk(global, load: true) { desk in
            let fmt = try parseEnum(MetricsOutput.Format.self, format, what: "format")
            let q = try desk.metricsQuery(period: options.period, from: options.from, to: options.to, by: options.by, series: options.series)
            try desk.checkMayBreakDownByAgent(q)
            let loaded = ContinuousClock.now
            _ = desk.metricsEngine()
            let indexed = ContinuousClock.now
            // As `export` does: the figures with the journal head they came from.
            let report = try desk.metricsReport(q)
            let queried = ContinuousClock.now
            emit(desk.renderMetrics(report, format: fmt))
            if timings {
                func ms(_ d: Duration) -> String {
                    let tenths = d.components.seconds * 10_000 + d.components.attoseconds / 100_000_000_000_000
                    return String(tenths / 10) + "." + String(tenths % 10) + " ms"
                }
                printError("bscdesk: timings: \(desk.store.count) tickets; load \(ms(loaded - started)), index \(ms(indexed - loaded)), query \(ms(queried - indexed))")
            }
            for issue in desk.issues.prefix(5) { printError("bscdesk: warning: skipped damaged journal line \(issue)") }
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write FCR and KPI figures to a file for council reporting (no personal data).",
        discussion: "CSV exports get their definitions, as-at time and provisional figures in FILE.definitions.md beside them; JSON and Markdown carry them inside. Files are written atomically with mode 0600.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: MetricsOptions
    @Option(help: "csv, json or md.") var format: String = "csv"
    @Option(help: "The file to write (required).") var out: String?
    @Flag(help: "Start a CSV with a UTF-8 byte order mark (for some spreadsheet programs).") var bom = false
    @Flag(help: "Replace FILE (and its definitions file) if it already exists.") var force = false

    func run() throws {
        let out = self.out ?? ""
        let name = out.split(separator: "/").last.map(String.init) ?? out
        let args = ExportArgs(period: options.period, from: options.from, to: options.to, by: options.by, series: options.series,
                              format: format, outName: name, bom: bom)
        let files = OutputFiles(base: out, suffixes: format == "csv" ? ["", Desk.sidecarPath(forCSV: "")] : [""], overwrite: force,
                                existsAdvice: "choose another file, or add --force to replace it", example: "fcr.csv")
        // The server answers with the files' content; this process writes
        // them as its own user.
        try runRouted(global, load: true, before: { () throws(ClientError) in
            guard !out.isEmpty else { throw ClientError(status: 64, "export needs --out FILE: the file to write") }
            try files.check()
        }, request: { _ in Request(id: 0, export: args) }, deliver: { (o: CommandOutput) throws(ClientError) in
            CommandOutput(output: try files.write(o.files).joined(separator: "\n") + "\n", warnings: o.warnings)
        }) { try DeskCommands.export(args, desk: $0) }
    }
}
