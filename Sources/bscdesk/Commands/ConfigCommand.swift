import ArgumentParser
import BSCApp
import BSCProtocol
import BSCServer

/// `bscdesk config show|set` (supervisors): through the team server when
/// one is configured, which validates, writes and reloads; else on the
/// data directory in-process.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show or change bscdesk.toml (supervisors).",
        subcommands: [ConfigShowCommand.self, ConfigSetCommand.self])
}

struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print bscdesk.toml as it is.")
    @OptionGroup var global: GlobalOptions
    func run() throws {
        let args = ConfigArgs(action: "show")
        try runRouted(global, load: false, request: { _ in Request(id: 0, config: args) }) { try DeskCommands.config(args, desk: $0) }
    }
}

struct ConfigSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set one key: people, the desk's rules, targets.",
        discussion: """
        KEY is one of desk.KEY, targets.KEY or users.LOGIN.name|role|queues, e.g.
        bscdesk config set users.jsmith.role team-leader, or
        bscdesk config set users.jsmith.queues '["payroll"]'. VALUE is TOML (a number,
        an array, a quoted string) or else taken as a string. The new file must pass
        the checks bscdesk starts with; it is written atomically, and a team server
        applies it at once.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key, e.g. users.jsmith.role.") var key: String
    @Argument(help: "The value.") var value: String
    @OptionGroup var write: EventIdOption
    func run() throws {
        let args = ConfigArgs(action: "set", key: key, value: value)
        try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, config: args) }) {
            try DeskCommands.config(args, desk: $0)
        }
    }
}
