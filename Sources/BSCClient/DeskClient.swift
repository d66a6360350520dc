import BSCProtocol
import Foundation

/// A failure on the client's side, with the exit status the CLI uses.
public struct ClientError: Error, Equatable, CustomStringConvertible {
    public var status: Int32
    public var message: String
    public init(status: Int32, _ message: String) {
        self.status = status
        self.message = message
    }
    public var description: String { message }
}

/// A connection to the team server: blocking, one request at a time (the
/// command line's needs). The channel runs on swift-nio's event loops;
/// the caller's thread waits for the answer (never call it from an event
/// loop). The server knows us by the kernel's peer credentials; nothing we
/// send says who we are.
public final class DeskClient {
    public let path: String
    /// Who the server says we are (set by the hello exchange).
    public private(set) var welcome = Welcome(login: "", role: "")
    let connection: ClientChannel
    private var nextId = 1

    /// Refuses to start when BSCDESK_USER is set: the server would ignore
    /// it, and acting as someone else silently is worse than refusing.
    public static func checkEnvironment(_ env: [String: String]) throws(ClientError) {
        if let u = env["BSCDESK_USER"], !u.isEmpty {
            throw ClientError(status: 77, "BSCDESK_USER is set, but the team server knows you by your OS login only: unset BSCDESK_USER (it is for in-process desks without a server)")
        }
    }

    /// Connects and exchanges hellos.
    public init(path: String, client: String = "bscdesk", protocolVersion version: Int = protocolVersion) throws(ClientError) {
        self.path = path
        connection = try ClientChannel.connect(path: path)
        do throws(ClientError) {
            switch try exchange(.hello(Hello(protocol: version, client: client))).get() {
            case .welcome(let m): welcome = m
            case .refused(let r): throw ClientError(status: Int32(clamping: r.status), "the team server refused the connection: " + r.message)
            default: throw ClientError(status: 74, "the team server at \(path) answered the hello with something else")
            }
        } catch {
            connection.close()
            throw error
        }
    }

    deinit { connection.close() }

    /// Sends one request and waits for its response. A connection lost
    /// after the request went out leaves the outcome unknown (exit 75).
    public func run(_ request: Request) throws(ClientError) -> Response {
        var r = request
        r.id = nextId
        nextId += 1
        let answer: Message
        switch try exchange(.request(r)) {
        case .success(let m): answer = m
        case .failure(let error):
            let retry = r.eventId.map { " run the same command again with --event-id \($0): it is written once whatever happened" } ?? ""
            throw ClientError(status: r.appends ? 75 : 74, "the team server went away before answering (\(error.message)); " + (r.appends ? "the outcome is unknown:" + retry : "nothing was saved"))
        }
        switch answer {
        case .response(let resp) where resp.id == r.id: return resp
        case .refused(let f): throw ClientError(status: Int32(clamping: f.status), "the team server refused the request: " + f.message)
        default: throw ClientError(status: 74, "the team server answered out of turn")
        }
    }

    /// Sends a request and closes without reading the answer: what a
    /// client that dies mid-append does (for the fault campaign).
    public func abandon(_ request: Request) throws(ClientError) {
        try transmit(.request(request))
        connection.close()
    }

    /// Sends `m` and waits for the next message, without a wait of its own
    /// for the write (one hop to the event loop, one back). A message that
    /// could not be sent throws: the server never had it. A connection
    /// lost after it was sent is the caller's to judge.
    private func exchange(_ m: Message) throws(ClientError) -> Result<Message, ClientError> {
        let written = connection.send(m)
        do throws(ClientError) {
            return .success(try connection.inbox.next())
        } catch {
            do {
                try written.wait()
            } catch let unsent {
                throw ClientError(status: 74, "lost the team server at \(path): \(ClientChannel.explain(unsent))")
            }
            return .failure(error)
        }
    }

    /// Sends one message whole, waiting until it has gone to the kernel.
    private func transmit(_ m: Message) throws(ClientError) {
        do {
            try connection.send(m).wait()
        } catch {
            throw ClientError(status: 74, "lost the team server at \(path): \(ClientChannel.explain(error))")
        }
    }
}
