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
func runRouted(_ global: GlobalOptions, load: Bool, eventIdOption: String? = nil, request: (String) -> Request,
               inProcess: (Desk) throws -> CommandOutput) throws {
    let env = ProcessInfo.processInfo.environment
    let server: String?
    do {
        server = try ServerLocation.resolve(option: global.server, environment: env)
    } catch {
        printError("bscdesk: " + terminalSafe(error.message))
        throw ExitCode(error.status)
    }
    guard let server else {
        try runDesk(global, load: load, routed: true) { desk in
            if eventIdOption != nil { throw DeskError.usage("--event-id is for the team server: drop it, or give --server") }
            let out = try inProcess(desk)
            emit(out.output)
            for w in out.warnings { printError("bscdesk: " + terminalSafe(w)) }
        }
        return
    }
    do {
        try DeskClient.checkEnvironment(env)
        if global.data != nil {
            throw ClientError(status: 64, "--data is for a desk run in-process; the team server at \(server) has its own data directory: drop --data (or --server)")
        }
        let id = try eventId(eventIdOption)
        let client = try DeskClient(path: server)
        let response = try client.run(request(id))
        emit(response.output)
        for w in response.warnings { printError("bscdesk: " + terminalSafe(w)) }
        if response.status != 0 {
            printError("bscdesk: " + terminalSafe(response.error ?? "the server gave status \(response.status)"))
            throw ExitCode(Int32(clamping: response.status))
        }
    } catch let e as ClientError {
        printError("bscdesk: " + terminalSafe(e.message))
        throw ExitCode(e.status)
    }
}

/// Commands the team server does not run yet must not run in-process
/// against its directory either: say so instead.
func refuseInProcessWithServer(_ global: GlobalOptions, environment env: [String: String]) throws {
    let server: String?
    do {
        server = try ServerLocation.resolve(option: global.server, environment: env)
    } catch {
        throw DeskError(.configuration, error.message)
    }
    if let server {
        throw DeskError.usage("this command is not yet available through the team server (\(server)); the server runs the ticket commands, list, show, stats, triage, board --print, export, sar, erase, retention and config. Without a server configured it runs in-process")
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
