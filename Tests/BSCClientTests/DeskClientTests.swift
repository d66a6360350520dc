@testable import BSCClient
import BSCProtocol
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The command line's blocking client, on swift-nio, against a scripted
/// server on a real socket: the exit statuses and texts the CLI prints.
@Suite struct DeskClientTests {
    static let eventId = "0123456789abcdef0123456789abcdef"

    static func append() -> Request {
        Request(id: 1, eventId: eventId, log: LogArgs(caller: "Ada Lovelace", channel: "phone", category: "cs.general-enquiry", summary: "bin not collected"))
    }

    /// Answers the request with the first half of its response, then closes.
    static func cutOffAnswer(_ peer: Peer) {
        peer.welcome()
        guard case .request(let r)? = peer.receive() else { return }
        let whole = Message.response(Response(id: r.id, output: String(repeating: "x", count: 4000))).framed()
        peer.send(bytes: Array(whole.prefix(whole.count / 2)))
    }

    @Test func anAppendWhoseAnswerIsCutOffLeavesTheOutcomeUnknown() throws {
        let server = try FakeTeamServer()
        server.serveOne(Self.cutOffAnswer)
        defer { server.waitForScript() }
        let client = try DeskClient(path: server.path)
        #expect(client.welcome == Welcome(login: "amara", role: "agent"))
        do {
            let r = try client.run(Self.append())
            Issue.record("a cut-off answer was taken for a response: \(r)")
        } catch {
            #expect(error.status == 75)
            #expect(error.message.contains("the team server went away before answering"), "\(error.message)")
            #expect(error.message.contains("the outcome is unknown"), "\(error.message)")
            #expect(error.message.contains("--event-id \(Self.eventId)"), "\(error.message)")
        }
    }

    @Test func aReadWhoseAnswerIsCutOffSavedNothing() throws {
        let server = try FakeTeamServer()
        server.serveOne(Self.cutOffAnswer)
        defer { server.waitForScript() }
        let client = try DeskClient(path: server.path)
        do {
            let r = try client.run(Request(id: 1, stats: StatsArgs()))
            Issue.record("a cut-off answer was taken for a response: \(r)")
        } catch {
            #expect(error.status == 74)
            #expect(error.message.contains("nothing was saved"), "\(error.message)")
        }
    }

    /// Several megabytes: many reads on the client's side, one message.
    @Test func anAnswerLargerThanOneReadArrivesWhole() throws {
        let server = try FakeTeamServer()
        let output = (0..<60_000).map { "row \($0) of a long list\n" }.joined()
        server.serveOne { peer in
            peer.welcome()
            guard case .request(let r)? = peer.receive() else { return }
            peer.send(.response(Response(id: r.id, output: output)))
            // A second request on the same connection still works after it.
            guard case .request(let again)? = peer.receive() else { return }
            peer.send(.response(Response(id: again.id, output: "second")))
        }
        defer { server.waitForScript() }
        let client = try DeskClient(path: server.path)
        let first = try client.run(Request(id: 1, list: ListArgs()))
        #expect(first.output.utf8.count > 1 << 20)
        #expect(first.output == output)
        let second = try client.run(Request(id: 1, list: ListArgs()))
        #expect(second.output == "second")
        #expect(second.id == first.id + 1)
    }

    @Test func aRefusedHelloGivesTheServersStatusAndWords() throws {
        let server = try FakeTeamServer()
        server.serveOne { peer in
            guard case .hello? = peer.receive() else { return }
            peer.send(.refused(Refusal(status: WireStatus.notPermitted, message: "amara is not set up on this desk")))
        }
        defer { server.waitForScript() }
        do {
            _ = try DeskClient(path: server.path)
            Issue.record("a refused hello made a client")
        } catch {
            #expect(error.status == 77)
            #expect(error.message == "the team server refused the connection: amara is not set up on this desk")
        }
    }

    @Test func aRefusedRequestGivesTheServersStatus() throws {
        let server = try FakeTeamServer()
        server.serveOne { peer in
            peer.welcome()
            guard case .request? = peer.receive() else { return }
            peer.send(.refused(Refusal(status: WireStatus.usage, message: "expected a request")))
        }
        defer { server.waitForScript() }
        let client = try DeskClient(path: server.path)
        #expect(throws: ClientError(status: 64, "the team server refused the request: expected a request")) {
            try client.run(Request(id: 1, stats: StatsArgs()))
        }
    }

    @Test func noServerAtThePathIsUnreachable() throws {
        let server = try FakeTeamServer()
        let missing = server.directory + "/nobody"
        do {
            _ = try DeskClient(path: missing)
            Issue.record("connected to a path with no socket")
        } catch {
            #expect(error.status == 74)
            #expect(error.message == "cannot reach the team server at \(missing): No such file or directory; nothing was saved")
        }
    }

    /// The kernel's limit (107 bytes), not swift-nio's smaller portable one.
    @Test func aSocketPathTooLongForTheKernelIsAUsageError() throws {
        let long = "/" + String(repeating: "p", count: 107)
        #expect(throws: ClientError(status: 64, "the server socket path is too long (108 bytes): use a shorter one")) {
            try DeskClient(path: long)
        }
        // 107 bytes fits the kernel's sun_path: it is tried (and not found).
        do {
            _ = try DeskClient(path: "/" + String(repeating: "p", count: 106))
            Issue.record("connected to a path with no socket")
        } catch {
            #expect(error.status == 74, "\(error.message)")
        }
    }

    /// A full backlog makes a non-blocking connect fail with EAGAIN where
    /// the blocking one waited: the client keeps trying, so a busy server
    /// is not reported as unreachable.
    @Test func aFullBacklogIsWaitedForNotReportedUnreachable() throws {
        let server = try FakeTeamServer(backlog: 0)
        // Fills the backlog: the next connect is refused with EAGAIN.
        let first = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(first) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in server.path.utf8.enumerated() { p[i] = b }
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(first, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        try #require(ok, "the first connection could not be made: \(String(cString: strerror(errno)))")
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        let busy = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let why = errno
        close(probe)
        try #require(busy != 0 && why == EAGAIN, "the backlog did not fill (connect gave \(busy), errno \(why)): this test cannot run its fault")

        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Welcome, ClientError>?
        Thread.detachNewThread {
            do throws(ClientError) {
                outcome = .success(try DeskClient(path: server.path).welcome)
            } catch {
                outcome = .failure(error)
            }
            done.signal()
        }
        // Let the client meet the full backlog, then make room: accept the
        // first connection, and then the client's.
        usleep(300_000)
        let accepted = accept(server.listener, nil, nil)
        close(accepted)
        server.serveOne { peer in peer.welcome(login: "ben") }
        done.wait()
        server.waitForScript()
        switch outcome {
        case .success(let w)?: #expect(w.login == "ben")
        case .failure(let e)?: Issue.record("a busy server was reported as: \(e.message)")
        case nil: Issue.record("no outcome")
        }
    }

    @Test func anAbandonedAppendReachesTheServerWhole() throws {
        let server = try FakeTeamServer()
        nonisolated(unsafe) var seen: [Message?] = []
        server.serveOne { peer in
            peer.welcome()
            seen.append(peer.receive())
            // Then the client's end, with nothing more.
            seen.append(peer.receive())
        }
        let client = try DeskClient(path: server.path)
        try client.abandon(Self.append())
        server.waitForScript()
        #expect(seen == [.request(Self.append()), nil])
    }

    /// The server reads the request and closes without answering, then a
    /// second request is written to the closed socket: the event loop's
    /// write fails with EPIPE (its thread blocks SIGPIPE) instead of the
    /// signal ending this process, and the client says the server is lost.
    @Test func writingToAServerThatHasGoneFailsWithoutKillingTheProcess() throws {
        let server = try FakeTeamServer()
        server.serveOne { peer in
            peer.welcome()
            _ = peer.receive()
        }
        let client = try DeskClient(path: server.path)
        #expect(throws: ClientError.self) { try client.run(Request(id: 1, stats: StatsArgs())) }
        server.waitForScript()
        do {
            _ = try client.run(Request(id: 1, stats: StatsArgs()))
            Issue.record("a request to a closed connection was answered")
        } catch {
            #expect(error.status == 74, "\(error.message)")
        }
        // swift-nio ignores SIGPIPE process-wide when it makes its first
        // socket; the client puts back what was there before.
        var before = ClientChannel.sigpipeBefore
        var now = sigaction()
        sigaction(SIGPIPE, nil, &now)
        let handler = { (a: inout sigaction) in withUnsafeBytes(of: &a.__sigaction_handler) { $0.load(as: UInt.self) } }
        #expect(handler(&now) == handler(&before))
    }

    /// An append that never left this side (the server had already gone)
    /// saved nothing: 74, not "outcome unknown".
    @Test func anAppendThatCouldNotBeSentIsNotUnknown() throws {
        let server = try FakeTeamServer()
        server.serveOne { peer in peer.welcome() }
        let client = try DeskClient(path: server.path)
        server.waitForScript()
        // Until this side has seen the end (bounded, in case it never does).
        for _ in 0..<1000 where client.connection.inbox.ended == nil { usleep(10_000) }
        try #require(client.connection.inbox.ended != nil, "the client never saw the server close")
        do {
            _ = try client.run(Self.append())
            Issue.record("an append to a closed connection was answered")
        } catch {
            #expect(error.status == 74, "\(error.message)")
            #expect(error.message.hasPrefix("lost the team server at \(server.path): "), "\(error.message)")
        }
    }
}
