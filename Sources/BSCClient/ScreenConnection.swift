import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The terminal front desk's connection to the team server (protocol
/// version 3): connects and exchanges hellos like every client. Messages
/// then arrive on swift-nio's event loop; a byte in a pipe wakes the
/// terminal's run loop, which waits on keys and that pipe at once
/// (`descriptor` for poll).
public final class ScreenConnection {
    private let client: DeskClient
    private let wake: WakePipe
    public var welcome: Welcome { client.welcome }

    public init(path: String) throws(ClientError) {
        client = try DeskClient(path: path, client: "bscdesk terminal")
        wake = try WakePipe()
        client.connection.inbox.onArrival { [wake] in wake.ring() }
    }

    deinit {
        client.connection.inbox.onArrival(nil)
        wake.close()
    }

    /// For poll(2): readable when a message (or the end) has arrived, and
    /// for good once the connection has ended, like a socket at its end.
    public var descriptor: Int32 { wake.readEnd }

    /// Queues one message for the server (the event loop sends it whole).
    /// Throws when the server has gone.
    public func send(_ m: Message) throws(ClientError) {
        if let end = client.connection.inbox.ended {
            throw ClientError(status: 74, "lost the team server: \(end.message)")
        }
        // Past swift-nio's high-water mark (64 KB queued on top of a full
        // socket) the server is not reading: give up on it, as the
        // blocking client did when the socket stayed full.
        guard client.connection.channel.isWritable else {
            client.connection.close()
            throw ClientError(status: 74, "the team server stopped reading")
        }
        // A write that fails closes the channel, which ends the inbox: the
        // run loop hears of it from `receiveAvailable`.
        _ = client.connection.send(m)
    }

    /// Every whole message that has arrived, without waiting. Throws when
    /// the connection has closed or sent something that is not a message,
    /// after the messages that came before that (a last frame,
    /// `screen.closed`) have been returned.
    public func receiveAvailable() throws(ClientError) -> [Message] {
        let inbox = client.connection.inbox
        // Emptied before taking, so an arrival after the take rings anew.
        if inbox.ended == nil { wake.empty() }
        return try inbox.take()
    }
}

/// A non-blocking pipe: the event loop writes a byte, poll sees the read
/// end readable. Closed under its lock, so a late ring never writes to a
/// descriptor number that has been reused.
final class WakePipe: @unchecked Sendable {
    private let lock = NSLock()
    private var readFd: Int32
    private var writeFd: Int32
    let readEnd: Int32

    init() throws(ClientError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw ClientError(status: 74, "cannot make a pipe to wait on the team server: \(String(cString: strerror(errno)))")
        }
        // Glibc's module has no pipe2: the same flags, set one by one.
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFd = fds[0]
        writeFd = fds[1]
        readEnd = fds[0]
    }

    func ring() {
        lock.lock()
        defer { lock.unlock() }
        guard writeFd >= 0 else { return }
        var one: UInt8 = 1
        // A full pipe is already readable: nothing more to say.
        _ = Glibc.write(writeFd, &one, 1)
    }

    func empty() {
        lock.lock()
        defer { lock.unlock() }
        guard readFd >= 0 else { return }
        var sink = [UInt8](repeating: 0, count: 256)
        while sink.withUnsafeMutableBytes({ Glibc.read(readFd, $0.baseAddress!, $0.count) }) > 0 {}
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if readFd >= 0 { Glibc.close(readFd) }
        if writeFd >= 0 { Glibc.close(writeFd) }
        readFd = -1
        writeFd = -1
    }
}
