import ArgumentParser
import BSCApp
import BSCCore
import Foundation

@main
struct BSCDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bscdesk",
        abstract: "A keyboard-first front desk for a council Business Service Centre.",
        discussion: """
        With no subcommand, opens the front desk in the terminal.
        Exit codes: 0 ok; 1 damage found (doctor, verify); 64 bad usage; 65 refused by
        the rules (unknown reference, illegal transition, missing details); 74 I/O
        failure, nothing saved; 75 outcome unknown (sync failed); 77 not permitted;
        78 configuration error.
        """,
        // One per line, so that commands added in parallel merge cleanly.
        subcommands: [
            LogCommand.self,
            ContactCommand.self,
            EditCommand.self,
            ListCommand.self,
            ShowCommand.self,
            ImportCommand.self,
            NoteCommand.self,
            RouteCommand.self,
            AssignCommand.self,
            PendingCommand.self,
            ResumeCommand.self,
            ResolveCommand.self,
            ReopenCommand.self,
            CloseCommand.self,
            FeedbackCommand.self,
            CategoriesCommand.self,
            TriageCommand.self,
            VerifyIdentityCommand.self,
            CallbackCommand.self,
            ReturnCommand.self,
            MergeCommand.self,
            LinkCommand.self,
            StatsCommand.self,
            BoardCommand.self,
            ExportCommand.self,
            DoctorCommand.self,
            VerifyCommand.self,
            DemoCommand.self,
            ServeCommand.self,
            ExportJournalCommand.self,
            ImportJournalCommand.self,
            SubjectAccessCommand.self,
            EraseCommand.self,
            RetentionCommand.self,
            ConfigCommand.self,
            MigrateCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Colour theme: default, high-contrast, monochrome, light, or one in the data directory's themes/ (else BSCDESK_THEME, else the configuration).")
    var theme: String?

    func run() throws {
        // With a team server, the server runs the desk's screens and this
        // process is the terminal (RemoteFrontDesk).
        if let server = try serverLocation(global) {
            do {
                if global.data != nil {
                    throw DeskError.usage("--data is for a desk run in-process; the team server at \(server) has its own data directory: drop --data, or add --server none for a desk of your own")
                }
                try MainActor.assumeIsolated {
                    try RemoteFrontDesk.launch(server: server, theme: theme, environment: ProcessInfo.processInfo.environment)
                }
            } catch let e as DeskError {
                printError("bscdesk: " + terminalSafe(e.message, lineBreaks: .space))
                throw ExitCode(e.status.rawValue)
            }
            return
        }
        try runDesk(global) { desk in
            try FrontDesk.launch(desk: desk, theme: theme)
        }
    }
}

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data directory (else BSCDESK_DATA, the system setting, or ~/.local/share/bscdesk).", valueName: "DIR"))
    var data: String?
    @Option(name: .long, help: ArgumentHelp("The team server's socket (else BSCDESK_SERVER, else server = \"PATH\" in the system file); with none, or 'none', the desk runs in-process.", valueName: "PATH"))
    var server: String?
}

/// Opens the desk, runs `body`, and turns errors into one line on stderr and
/// the documented exit status. Nothing is written unless `body` succeeds.
/// `routed`: the command goes to the team server when one is configured
/// (ServerRouting.swift) and runs here only without one; any other
/// command refuses to run in-process while a server is configured.
func runDesk(_ global: GlobalOptions, load: Bool = false, routed: Bool = false, _ body: (Desk) throws -> Void) throws {
    // A file-size limit (ulimit -f) must give a clean EFBIG, not kill us
    // mid-write.
    signal(SIGXFSZ, SIG_IGN)
    do {
        let env = ProcessInfo.processInfo.environment
        if !routed { try refuseInProcessWithServer(global, environment: env) }
        let desk = try Desk.open(dataOption: global.data, environment: env)
        if let group = desk.config.sharedGroup { try StorageCheck.applySharedMode(desk.data, group: group) }
        for warning in try StorageCheck.check(desk.data, sharedGroup: desk.config.sharedGroup, environment: env) {
            printError("bscdesk: " + terminalSafe(warning))
        }
        if load { try desk.load() }
        try body(desk)
        for notice in desk.notices { printError("bscdesk: note: " + notice) }
    } catch let e as DeskError {
        printError("bscdesk: " + terminalSafe(e.message, lineBreaks: .space))
        throw ExitCode(e.status.rawValue)
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        let d = DeskError.from(error)
        printError("bscdesk: " + terminalSafe(d.message, lineBreaks: .space))
        throw ExitCode(d.status.rawValue)
    }
}

/// Every message to stderr passes the output guard: it can quote journal
/// or configuration text.
func printError(_ s: String) {
    FileHandle.standardError.write((terminalSafeOutput(s) + "\n").data(using: .utf8)!)
}

/// Writes to stdout without buffering surprises at exit.
/// Everything printed passes the output guard (`terminalSafeOutput`), so
/// no command can put an escape sequence, C1 or bidi control from the
/// journal or the configuration on the terminal; JSON arrives already
/// escaped and passes unchanged.
func emit(_ s: String) {
    FileHandle.standardOutput.write(terminalSafeOutput(s).data(using: .utf8)!)
}

func parseRef(_ text: String) throws -> TicketRef {
    guard let ref = TicketRef(parsing: text) else {
        throw DeskError.usage("bad reference \"\(terminalSafe(text))\": use a ticket reference like BSC-000123")
    }
    return ref
}

func parseEnum<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, what: String) throws -> T where T.RawValue == String {
    guard let v = T(rawValue: text) else {
        throw DeskError.usage("unknown \(what) \"\(terminalSafe(text))\": use one of \(allowedValues(T.self))")
    }
    return v
}
