import ArgumentParser
import BSCApp
import BSCClient
import BSCCore
import BSCProtocol
import BSCServer
import Foundation

/// Runs a command on the team server when one is configured (`--server`,
/// BSCDESK_SERVER, or the system file), else in-process on the data
/// directory as before. Both paths run the same DeskCommands function.
///
/// `eventIdOption` is `--event-id` of a command that appends: the request
/// carries it (or a new id), so a resent request is written once.
/// `before` runs first on the client's side (checks of files it will
/// write); `deliver` turns the command's output into what is printed, on
/// the client's side in both paths (it writes the files a command streams
/// back, as the client's own user).
func runRouted(_ global: GlobalOptions, load: Bool, eventIdOption: String? = nil,
               before: () throws(ClientError) -> Void = {},
               request: (String) -> Request,
               deliver: (CommandOutput) throws(ClientError) -> CommandOutput = { $0 },
               inProcess: (Desk) throws -> CommandOutput) throws {
    let server = try serverLocation(global)
    guard let server else {
        try runDesk(global, load: load, routed: true) { desk in
            if eventIdOption != nil { throw DeskError.usage("--event-id is for the team server: drop it, or give --server") }
            try onClientSide { () throws(ClientError) in try before() }
            let out = try inProcess(desk)
            let shown = try onClientSide { () throws(ClientError) in try deliver(out) }
            emit(shown.output)
            for w in shown.warnings { printError("bscdesk: " + terminalSafe(w)) }
            // A check's verdict, as the server's status and error line carry it.
            if let finding = out.finding { throw DeskError(ExitStatus(rawValue: finding.status) ?? .damage, finding.message) }
        }
        return
    }
    do throws(ClientError) {
        try before()
        let response = try send(global, server: server, request(try eventId(eventIdOption)))
        let shown = try deliver(CommandOutput(output: response.output, warnings: response.warnings,
                                              files: response.files ?? [], tickets: response.tickets))
        emit(shown.output)
        for w in shown.warnings { printError("bscdesk: " + terminalSafe(w)) }
    } catch {
        printError("bscdesk: " + terminalSafe(error.message))
        throw ExitCode(error.status)
    }
}

/// The configured server's socket, or nil to run in-process.
func serverLocation(_ global: GlobalOptions) throws -> String? {
    do throws(ClientError) {
        return try ServerLocation.resolve(option: global.server, environment: ProcessInfo.processInfo.environment)
    } catch {
        printError("bscdesk: " + terminalSafe(error.message))
        throw ExitCode(error.status)
    }
}

/// One request to the server as the OS login the kernel gives it; a
/// refusal becomes a ClientError with the command line's status, after
/// the warnings that came with it are printed.
func send(_ global: GlobalOptions, server: String, _ request: Request) throws(ClientError) -> Response {
    try DeskClient.checkEnvironment(ProcessInfo.processInfo.environment)
    if global.data != nil {
        throw ClientError(status: 64, "--data is for a desk run in-process; the team server at \(server) has its own data directory: drop --data, or add --server none for a desk of your own")
    }
    let client = try DeskClient(path: server)
    let response = try client.run(request)
    if response.status != 0 {
        emit(response.output)
        for w in response.warnings { printError("bscdesk: " + terminalSafe(w)) }
        throw ClientError(status: Int32(clamping: response.status), response.error ?? "the server gave status \(response.status)")
    }
    return response
}

/// Runs a client-side step inside an in-process desk: its failure prints
/// like any other and exits with its status.
func onClientSide<T>(_ body: () throws(ClientError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw DeskError(ExitStatus(rawValue: error.status) ?? .ioFailure, error.message)
    }
}

/// What runs only in-process (`stats --timings`) must not open the
/// server's directory either: say so instead.
func refuseInProcessWithServer(_ global: GlobalOptions, environment env: [String: String]) throws {
    let server: String?
    do {
        server = try ServerLocation.resolve(option: global.server, environment: env)
    } catch {
        throw DeskError(.configuration, error.message)
    }
    if let server {
        throw DeskError.usage("this runs only in-process (stats --timings measures the in-process path), and the team server \(server) is configured: with --server none it runs in-process, on a data directory you may open yourself")
    }
}

/// The client-made id of an append: `--event-id`, else a new random one.
func eventId(_ option: String?) throws(ClientError) -> String {
    guard let option else { return EventIds.random() }
    guard EventIds.isValid(option) else {
        throw ClientError(status: 64, "bad --event-id \"\(terminalSafe(option))\": use 32 lowercase hex digits (the id a failed command printed)")
    }
    return option
}
