import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The terminal front desk's connection to the team server (protocol
/// version 3): connects and exchanges hellos like every client, then
/// switches the socket to non-blocking so the terminal's run loop can wait
/// on keys and frames at once (`descriptor` for poll).
public final class ScreenConnection {
    private let client: DeskClient
    private var reader = FrameReader()
    public var welcome: Welcome { client.welcome }

    public init(path: String) throws(ClientError) {
        client = try DeskClient(path: path, client: "bscdesk terminal")
        let flags = fcntl(client.fd, F_GETFL)
        _ = fcntl(client.fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// For poll(2): readable when a message (or the end) has arrived.
    public var descriptor: Int32 { client.fd }

    /// Sends one message whole (waiting while the socket is full). Throws
    /// when the server has gone.
    public func send(_ m: Message) throws(ClientError) {
        let bytes = m.framed()
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(client.fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var p = pollfd(fd: client.fd, events: Int16(POLLOUT), revents: 0)
                guard poll(&p, 1, 5_000) > 0 else { throw ClientError(status: 74, "the team server stopped reading") }
                continue
            }
            guard n > 0 else { throw ClientError(status: 74, "lost the team server: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    /// Every whole message that has arrived, without waiting. Throws when
    /// the connection has closed or sent something that is not a message.
    public func receiveAvailable() throws(ClientError) -> [Message] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var closed: String? = nil
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                reader.append(chunk.prefix(n))
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            closed = n == 0 ? "the connection closed" : String(cString: strerror(errno))
            break
        }
        var out: [Message] = []
        do {
            while let payload = try reader.next() { out.append(try Message.decode(payload)) }
        } catch {
            throw ClientError(status: 74, "the team server sent \(error)")
        }
        // Messages that arrived before the end still count (a last frame,
        // `screen.closed`); the end is reported on the next call.
        if let closed, out.isEmpty { throw ClientError(status: 74, closed) }
        return out
    }
}
