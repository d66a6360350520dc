import BSCApp
import BSCCore
import BSCJournal
import BSCProtocol
import Dispatch
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk serve`: one process that owns the data directory and answers
/// clients on a Unix socket. See docs/protocol.md.
public final class TeamServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var data: DataDirectory
        public var socketPath: String
        /// The shared store (PostgreSQL) the data directory's journal copies.
        public var upstream: (any JournalUpstream)?
        /// Where the data-protection keys live when the journal is shared.
        public var sharedKeys: (any SharedKeys)?
        public init(data: DataDirectory, socketPath: String, upstream: (any JournalUpstream)? = nil, sharedKeys: (any SharedKeys)? = nil) {
            self.sharedKeys = sharedKeys
            self.data = data
            self.socketPath = socketPath
            self.upstream = upstream
        }
    }

    let options: Options
    let logger: Logger
    let executor: RequestExecutor
    private let group: MultiThreadedEventLoopGroup
    private var listener: NIOCore.Channel?
    /// Responses written but not yet flushed to the socket: drained on stop.
    private let writes = DispatchGroup()

    /// Checks the data directory and loads the projection; does not listen yet.
    public init(options: Options, logger: Logger) throws(DeskError) {
        self.options = options
        self.logger = logger
        try Self.checkDataDirectory(options.data)
        let projection = try SharedProjection(data: options.data, upstream: options.upstream, sharedKeys: options.sharedKeys)
        for issue in projection.loadIssues.prefix(5) {
            logger.warning("skipped damaged journal line \(terminalSafe(String(describing: issue)))")
        }
        self.executor = try RequestExecutor(projection: projection, logger: logger)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        logger.info("loaded \(options.data.path): \(projection.ticketCount) tickets")
    }

    /// The service account must own the data directory, and nobody else
    /// may enter it: clients go through the socket.
    static func checkDataDirectory(_ d: DataDirectory) throws(DeskError) {
        var st = stat()
        guard lstat(d.path, &st) == 0 else {
            throw .config("cannot open the data directory \(d.path): \(String(cString: strerror(errno))); create it with: bscdesk serve --init --supervisor LOGIN --data \(d.path) --socket PATH")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw .config("\(d.path) is not a directory") }
        guard st.st_uid == geteuid() else {
            throw .permission("\(d.path) belongs to uid \(st.st_uid), not to the service account running the server (uid \(geteuid())): chown -R it to the service account")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw .permission("\(d.path) has mode \(String(st.st_mode & 0o777, radix: 8)); the server's data directory must be 0700 (clients reach it only through the socket): chmod 700 \(d.path)")
        }
        guard d.exists else { throw .config("\(d.path) has no \(DefaultConfiguration.fileName): create the data directory with bscdesk serve --init --supervisor LOGIN") }
    }

    /// Binds the socket (0660, group of its directory) and starts accepting.
    public func start() throws(DeskError) {
        let path = options.socketPath
        try Self.prepareSocketPath(path)
        let executor = self.executor
        let logger = self.logger
        let writes = self.writes
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                // The kernel's word on who connected, read once at accept.
                guard let provider = channel as? SocketOptionProvider else {
                    return channel.eventLoop.makeFailedFuture(DeskError.permission("cannot tell who the client is"))
                }
                let cred: EventLoopFuture<PeerCredentials.RawCred> = provider.unsafeGetSocketOption(
                    level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(PeerCredentials.peerCredOption))
                return cred.flatMapThrowing { raw in
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(peer: PeerCredentials.from(raw), executor: executor, logger: logger, writes: writes))
                }
            }
        // Created 0660 from the start: no moment when others could connect.
        let old = umask(0o117)
        defer { umask(old) }
        do {
            listener = try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).wait()
        } catch {
            throw DeskError(.ioFailure, "cannot listen on \(path): \(error)")
        }
        var dir = stat()
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        if stat(parent, &dir) == 0, chown(path, uid_t.max, dir.st_gid) != 0 {
            logger.warning("cannot give the socket to the group of \(parent) (gid \(dir.st_gid)): \(String(cString: strerror(errno)))")
        }
        _ = chmod(path, 0o660)
        logger.info("listening on \(path) (mode 0660, gid \(dir.st_gid)), protocol \(protocolVersion), pid \(getpid())")
    }

    /// Refuses a path that holds anything but a stale socket; removes a
    /// stale one (no server answers on it).
    static func prepareSocketPath(_ path: String) throws(DeskError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard st.st_mode & S_IFMT == S_IFSOCK else {
            throw .usage("\(path) exists and is not a socket: give --socket a new path (the server never replaces a file)")
        }
        if SocketProbe.answers(path) {
            throw .refused("a server is already listening on \(path): stop it first, or give another --socket")
        }
        guard unlink(path) == 0 else { throw DeskError(.ioFailure, "cannot remove the stale socket \(path): \(String(cString: strerror(errno)))") }
    }

    /// Blocks until SIGTERM or SIGINT, then drains: no new connections or
    /// requests, every queued request finished (each append synced by the
    /// journal before it is answered), answers flushed, socket removed.
    /// SIGHUP meanwhile re-reads the configuration.
    public func runUntilSignalled() {
        var set = Self.stopSignals
        var received: Int32 = 0
        // Blocked since start-up (`blockStopSignals`), so none was lost.
        pthread_sigmask(SIG_BLOCK, &set, nil)
        while true {
            while sigwait(&set, &received) != 0 {}
            guard received == SIGHUP else { break }
            executor.reloadConfiguration(why: "SIGHUP")
        }
        logger.info("stopping: draining requests (signal \(received))")
        try? listener?.close().wait()
        executor.drain()
        if writes.wait(timeout: .now() + .seconds(5)) == .timedOut {
            logger.warning("some answers were not delivered within 5 s")
        }
        try? group.syncShutdownGracefully()
        unlink(options.socketPath)
        logger.info("stopped")
    }

    static var stopSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }

    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and every thread it
    /// starts afterwards; call before the event loops start.
    public static func blockStopSignals() {
        var set = stopSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}

/// One client connection: the hello exchange, then requests.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let peer: PeerCredentials
    let executor: RequestExecutor
    let logger: Logger
    let writes: DispatchGroup
    private var login: String?
    private var clientVersion = 0
    private var hasScreen = false

    init(peer: PeerCredentials, executor: RequestExecutor, logger: Logger, writes: DispatchGroup) {
        self.peer = peer
        self.executor = executor
        self.logger = logger
        self.writes = writes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let message: Message
        do {
            message = try Message.decode(bytes)
        } catch {
            refuse(context, status: WireStatus.usage, "\(error)")
            return
        }
        guard let login else {
            guard case .hello(let hello) = message else {
                refuse(context, status: WireStatus.usage, "the first message must be a hello")
                return
            }
            greet(context, hello)
            return
        }
        let request: Request
        switch message {
        case .request(let r): request = r
        case .screenOpen, .keys, .resize:
            screen(context, message, login: login)
            return
        default:
            refuse(context, status: WireStatus.usage, "expected a request or a screen message")
            return
        }
        let channel = context.channel
        let writes = self.writes
        writes.enter()
        executor.submit(request, login: login) { response in
            var out = channel.allocator.buffer(capacity: 256)
            out.writeBytes(Message.response(response).framed())
            channel.writeAndFlush(out).whenComplete { _ in writes.leave() }
        }
    }

    /// Protocol version 3: this connection's front desk runs here.
    private func screen(_ context: ChannelHandlerContext, _ message: Message, login: String) {
        guard clientVersion >= 3 else {
            refuse(context, status: WireStatus.usage, "screen messages need protocol version 3; this connection said \(clientVersion)")
            return
        }
        let me = ObjectIdentifier(self)
        switch message {
        case .screenOpen(let m):
            let channel = context.channel
            hasScreen = true
            executor.openScreen(m, connection: me, login: login) { reply in
                var out = channel.allocator.buffer(capacity: 1024)
                out.writeBytes(reply.framed())
                channel.writeAndFlush(out, promise: nil)
            }
        case .keys(let m): executor.screenKeys(m, connection: me)
        case .resize(let m): executor.resizeScreen(m, connection: me)
        default: break
        }
    }

    private func greet(_ context: ChannelHandlerContext, _ hello: Hello) {
        guard Handshake.serverAccepts(hello.protocol) else {
            refuse(context, status: WireStatus.usage, Handshake.versionMismatch(client: hello.protocol, server: protocolVersion))
            return
        }
        guard let name = PeerCredentials.login(of: peer.uid) else {
            refuse(context, status: WireStatus.notPermitted, "uid \(peer.uid) has no login name in the password database; bscdesk knows people by their login")
            return
        }
        guard let profile = executor.profile(name) else {
            refuse(context, status: WireStatus.notPermitted, executor.notSetUp(terminalSafe(name)))
            return
        }
        login = name
        clientVersion = hello.protocol
        logger.info("connected", metadata: ["login": "\(terminalSafe(name))", "uid": "\(peer.uid)", "pid": "\(peer.pid)", "role": "\(profile.role.rawValue)"])
        write(context, .welcome(Welcome(login: name, role: profile.role.rawValue)))
    }

    private func refuse(_ context: ChannelHandlerContext, status: Int, _ message: String) {
        logger.notice("refused", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)", "why": "\(terminalSafe(message))"])
        let channel = context.channel
        var out = channel.allocator.buffer(capacity: 256)
        out.writeBytes(Message.refused(Refusal(status: status, message: message)).framed())
        channel.writeAndFlush(out).whenComplete { _ in channel.close(promise: nil) }
    }

    private func write(_ context: ChannelHandlerContext, _ m: Message) {
        var out = context.channel.allocator.buffer(capacity: 256)
        out.writeBytes(m.framed())
        context.writeAndFlush(NIOAny(out), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let login { logger.info("disconnected", metadata: ["login": "\(terminalSafe(login))", "pid": "\(peer.pid)"]) }
        if hasScreen { executor.closeScreen(connection: ObjectIdentifier(self)) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        refuse(context, status: WireStatus.usage, "\(error)")
    }
}
