import ArgumentParser
import BSCClient
import BSCJournal
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import BSCApp
import BSCCore
import BSCProtocol
import BSCServer

/// `bscdesk config show|set|edit` (supervisors): through the team server when
/// one is configured, which validates, writes and reloads; else on the
/// data directory in-process.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show or change bscdesk.toml (supervisors).",
        subcommands: [ConfigShowCommand.self, ConfigSetCommand.self, ConfigEditCommand.self])
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

/// `bscdesk config edit`: the file as the server (or the data directory)
/// has it, opened in the supervisor's editor in a 0600 file of their own;
/// what they save is checked by the start-up loader and applied whole, one
/// `config.changed` per changed value. Refused if the file changed while
/// they edited. If it is refused, the edit is kept and its path printed:
/// nothing typed is lost.
struct ConfigEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Edit bscdesk.toml in your editor; checked before it is applied.",
        discussion: """
        The editor is $VISUAL, else $EDITOR, else vi. Saving without a change, or
        quitting the editor with an error, changes nothing. Anything may be edited
        (people, queues, categories, targets); the result must pass the checks
        bscdesk starts with, and a team server applies it at once.
        """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: EventIdOption

    func run() throws {
        let show = ConfigArgs(action: "show")
        var base = ""
        var editedPath = ""
        var args = ConfigArgs(action: "replace")
        var unchanged = false
        let prepare = { () throws(ClientError) in
            editedPath = try ConfigEditor.edit(base)
            let text = try ConfigEditor.read(editedPath)
            unchanged = text == base
            args.text = text
            args.base = base
        }
        if let server = try serverLocation(global) {
            do throws(ClientError) {
                base = try send(global, server: server, Request(id: 0, config: show)).output
                try prepare()
            } catch {
                printError("bscdesk: " + terminalSafe(error.message))
                throw ExitCode(error.status)
            }
        } else {
            try runDesk(global, routed: true) { desk in
                base = try desk.configurationText()
                try onClientSide(prepare)
            }
        }
        if unchanged {
            unlink(editedPath)
            emit("no change; nothing was sent\n")
            return
        }
        do {
            try runRouted(global, load: false, eventIdOption: write.eventId, request: { Request(id: 0, eventId: $0, config: args) }) {
                try DeskCommands.config(args, desk: $0)
            }
        } catch {
            printError("bscdesk: your edit is kept in \(terminalSafe(editedPath)); copy what you need from it and run config edit again")
            throw error
        }
        unlink(editedPath)
    }
}

/// The editor round trip of `config edit`, on the client's side as the
/// client's own user.
enum ConfigEditor {
    /// Writes `text` to a new 0600 file, runs the editor on it and returns
    /// its path. The editor's failure keeps the file and says where.
    static func edit(_ text: String) throws(ClientError) -> String {
        let env = ProcessInfo.processInfo.environment
        let dir = (env["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array((dir + "/bscdesk-config-XXXXXX.toml").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
        guard fd >= 0 else { throw ClientError(status: 74, "cannot make a file for the edit in \(dir): \(String(cString: strerror(errno)))") }
        let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            guard n > 0 else {
                close(fd)
                throw ClientError(status: 74, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        close(fd)
        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        // Through the shell, as git runs it: an editor setting may carry
        // arguments ("code --wait").
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "sh", path]
        do {
            try process.run()
        } catch {
            throw ClientError(status: 74, "cannot start the editor (\(editor)): \(error.localizedDescription); the file is \(path)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ClientError(status: 65, "the editor (\(editor)) exited with status \(process.terminationStatus): nothing was changed; your edit is in \(path)")
        }
        return path
    }

    /// The edited file, read back as a regular file of this user's of at
    /// most 4 MiB (never cut short: a config cut in two is refused).
    static func read(_ path: String) throws(ClientError) -> String {
        let limit = 4 << 20
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: limit + 1, owner: geteuid())
        } catch {
            throw ClientError(status: 65, "cannot read the edit back: \(error.description); nothing was changed")
        }
        guard bytes.count <= limit else { throw ClientError(status: 65, "the edit in \(path) is over 4 MiB: nothing was changed") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ClientError(status: 65, "the edit in \(path) is not UTF-8 text: nothing was changed")
        }
        return text
    }
}
