import BSCApp
import BSCCore
import BSCProtocol
import Dispatch
import Logging

/// Runs requests one at a time against the shared projection, as the
/// login the kernel gave for the connection. One queue: the projection is
/// not thread-safe, and the journal serialises appends anyway.
public final class RequestExecutor: @unchecked Sendable {
    let projection: SharedProjection
    let logger: Logger
    private let queue = DispatchQueue(label: "bscdesk.server.requests")
    /// Answers to appends already written, by the client's event id: a
    /// resent request gets the first answer and appends nothing. Oldest
    /// forgotten first past `rememberedIds`.
    private var written: [String: (login: String, response: Response)] = [:]
    private var writtenOrder: [String] = []
    private let rememberedIds = 200_000
    private var draining = false

    public init(projection: SharedProjection, logger: Logger) {
        self.projection = projection
        self.logger = logger
    }

    /// Runs `request` for `login` on the executor's queue and hands the
    /// response to `reply` (on that queue).
    public func submit(_ request: Request, login: String, reply: @escaping @Sendable (Response) -> Void) {
        queue.async { [self] in reply(execute(request, login: login)) }
    }

    /// Refuses new requests, then waits for those already queued.
    public func drain() {
        queue.sync { draining = true }
    }

    /// Whether `login` may connect, and as what. The configuration is fixed
    /// for the server's life, so this does not wait for the queue (it runs
    /// on the event loop, which a long request must not stall).
    public func profile(_ login: String) -> UserProfile? { projection.profile(login) }

    public var dataDirectory: DataDirectory { projection.data }

    func execute(_ request: Request, login: String) -> Response {
        if draining {
            return Response(id: request.id, status: WireStatus.ioFailure, error: "the server is stopping; nothing was saved: run the command again once it is back")
        }
        if let id = request.eventId {
            guard request.appends else {
                return Response(id: request.id, status: WireStatus.usage, error: "\(request.command.rawValue) writes nothing: drop the event id")
            }
            guard EventIds.isValid(id) else {
                return Response(id: request.id, status: WireStatus.usage, error: "bad event id: use 32 lowercase hex digits")
            }
            if let prior = written[id] {
                guard prior.login == login else {
                    return Response(id: request.id, status: WireStatus.refused, error: "event id \(id) was already used by another request: make a new one")
                }
                logger.info("resent request answered from its first write", metadata: ["login": "\(login)", "event": "\(id)"])
                var r = prior.response
                r.id = request.id
                return r
            }
        }
        if projection.hasUpstream {
            // Another server may have appended: catch up first. A resent
            // append whose first answer was lost with a server or a
            // database (failover) is answered from the store.
            do {
                if request.appends, let id = request.eventId, let stored = try projection.storedEvent(id: id) {
                    logger.info("resent request found in the shared store", metadata: ["login": "\(login)", "event": "\(id)", "seq": "\(stored.seq)"])
                    return Response(id: request.id, output: request.command == .log ? stored.ref.description + "\n" : "", warnings: [])
                }
                try projection.catchUpWithUpstream()
            } catch {
                let e = DeskError.from(error)
                return Response(id: request.id, status: Int(e.status.rawValue), error: terminalSafe(e.message, lineBreaks: .space))
            }
        }
        var response: Response
        do {
            let out = try projection.acting(as: login, firstEventId: request.appends ? request.eventId : nil) { desk -> CommandOutput in
                var out = try Self.run(request, desk: desk)
                out.warnings += desk.notices.map { "note: " + $0 }
                return out
            }
            response = Response(id: request.id, output: out.output, warnings: out.warnings)
        } catch {
            let e = DeskError.from(error)
            response = Response(id: request.id, status: Int(e.status.rawValue), error: terminalSafe(e.message, lineBreaks: .space))
        }
        if response.status == WireStatus.ok, request.appends, let id = request.eventId {
            written[id] = (login, response)
            writtenOrder.append(id)
            if writtenOrder.count > rememberedIds {
                let drop = writtenOrder.count - rememberedIds
                for old in writtenOrder.prefix(drop) { written[old] = nil }
                writtenOrder.removeFirst(drop)
            }
        }
        return response
    }

    static func run(_ r: Request, desk: Desk) throws -> CommandOutput {
        func missing() -> DeskError { .usage("a \(r.command.rawValue) request without its \(r.command.rawValue) arguments") }
        switch r.command {
        case .log: guard let a = r.log else { throw missing() }; return try DeskCommands.log(a, desk: desk)
        case .list: guard let a = r.list else { throw missing() }; return try DeskCommands.list(a, desk: desk)
        case .show: guard let a = r.show else { throw missing() }; return try DeskCommands.show(a, desk: desk)
        case .note: guard let a = r.note else { throw missing() }; return try DeskCommands.note(a, desk: desk)
        case .resolve: guard let a = r.resolve else { throw missing() }; return try DeskCommands.resolve(a, desk: desk)
        case .stats: guard let a = r.stats else { throw missing() }; return try DeskCommands.stats(a, desk: desk)
        }
    }
}
