import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
/// command line's needs). The server knows us by the kernel's peer
/// credentials; nothing we send says who we are.
public final class DeskClient {
    public let path: String
    /// Who the server says we are (set by the hello exchange).
    public private(set) var welcome = Welcome(login: "", role: "")
    let fd: Int32
    private var reader = FrameReader()
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
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError(status: 74, "cannot make a socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw ClientError(status: 64, "the server socket path is too long (\(bytes.count) bytes): use a shorter one")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        guard ok else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw ClientError(status: 74, "cannot reach the team server at \(path): \(why); nothing was saved")
        }
        self.fd = fd
        var w: Welcome? = nil
        do throws(ClientError) {
            try transmit(.hello(Hello(protocol: version, client: client)))
            switch try receive() {
            case .welcome(let m): w = m
            case .refused(let r): throw ClientError(status: Int32(clamping: r.status), "the team server refused the connection: " + r.message)
            default: throw ClientError(status: 74, "the team server at \(path) answered the hello with something else")
            }
        } catch {
            close(fd)
            throw error
        }
        welcome = w!
    }

    deinit { close(fd) }

    /// Sends one request and waits for its response. A connection lost
    /// after the request went out leaves the outcome unknown (exit 75).
    public func run(_ request: Request) throws(ClientError) -> Response {
        var r = request
        r.id = nextId
        nextId += 1
        try transmit(.request(r))
        let answer: Message
        do {
            answer = try receive()
        } catch {
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
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func transmit(_ m: Message) throws(ClientError) {
        let bytes = m.framed()
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ClientError(status: 74, "lost the team server at \(path): \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    private func receive() throws(ClientError) -> Message {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let payload: [UInt8]?
            do { payload = try reader.next() } catch { throw ClientError(status: 74, "the team server sent \(error)") }
            if let payload {
                do { return try Message.decode(payload) } catch { throw ClientError(status: 74, "the team server sent a \(error)") }
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw ClientError(status: 74, n == 0 ? "the connection closed" : String(cString: strerror(errno)))
            }
            reader.append(chunk.prefix(n))
        }
    }
}
