import BSCProtocol
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The messages a connection has received, handed from the event loop to
/// the thread that reads them (the command line's, or the terminal's run
/// loop), and then the connection's end.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [Message] = []
    private var end: ClientError?
    /// Rung once per batch of arrivals (the terminal's wake-up pipe).
    private var wake: (@Sendable () -> Void)?
    private var rung = false

    func deliver(_ m: Message) {
        condition.lock()
        messages.append(m)
        let ring = takeWake()
        condition.signal()
        condition.unlock()
        ring?()
    }

    /// The first reason given is kept: a bad frame closes the channel,
    /// and the close that follows says less.
    func finish(_ why: ClientError) {
        condition.lock()
        if end == nil { end = why }
        let ring = takeWake()
        condition.broadcast()
        condition.unlock()
        ring?()
    }

    /// The next message, waiting for it; throws at the end.
    func next() throws(ClientError) -> Message {
        condition.lock()
        defer { condition.unlock() }
        while messages.isEmpty && end == nil { condition.wait() }
        if !messages.isEmpty { return messages.removeFirst() }
        throw end!
    }

    /// Every message that has arrived, without waiting. The end is thrown
    /// only once they have all been taken.
    func take() throws(ClientError) -> [Message] {
        condition.lock()
        rung = false
        guard !messages.isEmpty else {
            let end = self.end
            condition.unlock()
            if let end { throw end }
            return []
        }
        let out = messages
        messages = []
        // The end is still to be reported: stay readable for it.
        let ring = end != nil ? takeWake() : nil
        condition.unlock()
        ring?()
        return out
    }

    var ended: ClientError? {
        condition.lock()
        defer { condition.unlock() }
        return end
    }

    /// Rings `wake` whenever something arrives; rings at once if something
    /// already has.
    func onArrival(_ wake: (@Sendable () -> Void)?) {
        condition.lock()
        self.wake = wake
        rung = false
        let ring = !messages.isEmpty || end != nil ? takeWake() : nil
        condition.unlock()
        ring?()
    }

    /// Called with the lock held.
    private func takeWake() -> (@Sendable () -> Void)? {
        guard let wake, !rung else { return nil }
        rung = true
        return wake
    }
}

/// Decodes each frame into a message for the inbox.
final class InboxHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let inbox: Inbox

    init(inbox: Inbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            inbox.deliver(try Message.decode(bytes))
        } catch {
            inbox.finish(ClientError(status: 74, "the team server sent a \(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.finish(ClientError(status: 74, "the connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let why = error is FrameError ? "the team server sent \(error)" : ClientChannel.explain(error)
        inbox.finish(ClientError(status: 74, why))
        context.close(promise: nil)
    }
}

/// One connection to the team server on swift-nio: frames in to an inbox,
/// messages out through the channel.
final class ClientChannel {
    let channel: Channel
    let inbox: Inbox

    /// The clients' event loop: one thread (a command has one connection,
    /// a bench process a few dozen), started on the first connection and
    /// never shut down (it ends with the process, so a command exits as
    /// soon as it is done). It blocks SIGPIPE, inherited from the thread
    /// that starts it: a write to a server that has gone fails with EPIPE
    /// there, whatever the process does with SIGPIPE (see `connect`).
    static let group: MultiThreadedEventLoopGroup = {
        var pipe = sigset_t()
        var mask = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, &mask)
        defer { pthread_sigmask(SIG_SETMASK, &mask, nil) }
        return MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }()

    /// What SIGPIPE did before swift-nio made its first socket, which sets
    /// it to "ignore" for the whole process. The command line wants it
    /// back: `bscdesk list | head` must end as it always has, not trap on
    /// a failed write to its stdout.
    static let sigpipeBefore: sigaction = {
        var old = sigaction()
        sigaction(SIGPIPE, nil, &old)
        return old
    }()

    /// How long to keep retrying while the server's backlog is full (a
    /// blocking connect would have waited in the kernel instead).
    static let busyRetrySeconds: Double = 10

    private init(channel: Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    static func connect(path: String) throws(ClientError) -> ClientChannel {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw ClientError(status: 64, "the server socket path is too long (\(bytes.count) bytes): use a shorter one")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
        }
        let address = SocketAddress(addr)
        var sigpipe = sigpipeBefore
        defer { sigaction(SIGPIPE, &sigpipe, nil) }
        let started = Date()
        var pause: UInt32 = 1_000
        while true {
            let inbox = Inbox()
            let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            do {
                return ClientChannel(channel: try bootstrap.connect(to: address).wait(), inbox: inbox)
            } catch let e as IOError where e.errnoCode == EAGAIN && Date().timeIntervalSince(started) < busyRetrySeconds {
                usleep(pause)
                pause = min(pause * 2, 50_000)
            } catch {
                throw ClientError(status: 74, "cannot reach the team server at \(path): \(explain(error)); nothing was saved")
            }
        }
    }

    /// Queues one message; the returned future says when it has gone to
    /// the kernel, or why it could not.
    func send(_ m: Message) -> EventLoopFuture<Void> {
        let bytes = m.framed()
        var out = channel.allocator.buffer(capacity: bytes.count)
        out.writeBytes(bytes)
        return channel.writeAndFlush(out)
    }

    func close() { channel.close(promise: nil) }

    /// The system's words for a failure, as the blocking client said them.
    static func explain(_ error: Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        if let c = error as? ChannelError, c == .ioOnClosedChannel || c == .alreadyClosed || c == .eof || c == .outputClosed {
            return "the connection closed"
        }
        return "\(error)"
    }
}
