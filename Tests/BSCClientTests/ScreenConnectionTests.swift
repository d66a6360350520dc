@testable import BSCClient
import BSCProtocol
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The terminal's connection: messages arrive on swift-nio's event loop
/// and wake the terminal's poll through `descriptor`.
@Suite struct ScreenConnectionTests {
    static let frame = ScreenFrame(full: true, width: 80, height: 24,
                                   runs: [WireRun(x: 0, y: 0, text: "Front desk", role: "title")], cursor: nil)

    /// Waits (bounded, so a lost wake-up fails instead of hanging) for the
    /// descriptor to become readable.
    static func readable(_ fd: Int32, millis: Int32 = 10_000) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, millis) > 0 && p.revents & Int16(POLLIN) != 0
    }

    @Test func theServersGoingAwayWakesThePollAfterTheLastFrame() throws {
        let server = try FakeTeamServer()
        let go = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var opened: Message?
        server.serveOne { peer in
            peer.welcome()
            opened = peer.receive()
            go.wait()
            peer.send(.frame(Self.frame))
            peer.send(.draft(ScreenDraft(draftId: "d1", draft: "half a call")))
        }
        let c = try ScreenConnection(path: server.path)
        #expect(c.welcome.login == "amara")
        try c.send(.screenOpen(ScreenOpen(width: 80, height: 24)))
        // Nothing has arrived since the welcome: the poll must not wake.
        #expect(!Self.readable(c.descriptor, millis: 0))
        #expect(try c.receiveAvailable().isEmpty)
        go.signal()

        var got: [Message] = []
        var end: ClientError?
        while end == nil {
            guard Self.readable(c.descriptor) else {
                Issue.record("the poll never woke; had \(got)")
                break
            }
            do throws(ClientError) {
                got += try c.receiveAvailable()
            } catch {
                end = error
            }
        }
        server.waitForScript()
        #expect(opened == .screenOpen(ScreenOpen(width: 80, height: 24)))
        #expect(got == [.frame(Self.frame), .draft(ScreenDraft(draftId: "d1", draft: "half a call"))])
        #expect(end?.status == 74)
        // Ended for good: readable still, and sending says the server has gone.
        #expect(Self.readable(c.descriptor, millis: 0))
        #expect(throws: ClientError.self) { try c.receiveAvailable() }
        #expect(throws: ClientError.self) { try c.send(.keys(ScreenKeys(keys: [WireKey(key: "f10")]))) }
    }

    /// A frame bigger than any one read (a wide screen of long runs).
    @Test func aFrameLargerThanOneReadArrivesWhole() throws {
        let server = try FakeTeamServer()
        let runs = (0..<4000).map { WireRun(x: 0, y: $0, text: String(repeating: "é", count: 300), role: "normal") }
        let big = ScreenFrame(full: true, width: 300, height: 4000, runs: runs, cursor: WirePoint(x: 1, y: 2))
        try #require(Message.frame(big).framed().count > 1 << 20)
        server.serveOne { peer in
            peer.welcome()
            peer.send(.frame(big))
            // Stay until the client has had it and hangs up.
            _ = peer.receive()
        }
        let c = try ScreenConnection(path: server.path)
        var got: [Message] = []
        while got.isEmpty, Self.readable(c.descriptor) { got = try c.receiveAvailable() }
        #expect(got == [.frame(big)])
        withExtendedLifetime(c) {}
    }

    /// A server that stops reading: keys pile up in the socket and then in
    /// swift-nio's queue; past its high-water mark `send` says so (the run
    /// loop then keeps the draft and reconnects) instead of queueing keys
    /// without end.
    @Test func aServerThatStopsReadingIsGivenUpOn() throws {
        let server = try FakeTeamServer()
        let release = DispatchSemaphore(value: 0)
        server.serveOne { peer in
            peer.welcome()
            release.wait()
        }
        defer {
            release.signal()
            server.waitForScript()
        }
        let c = try ScreenConnection(path: server.path)
        let keys = Message.keys(ScreenKeys(keys: Array(repeating: WireKey(key: "char", text: "x"), count: 50)))
        var refusal: ClientError?
        // Far more than a socket buffer and the high-water mark together.
        for _ in 0..<200_000 where refusal == nil {
            do throws(ClientError) {
                try c.send(keys)
            } catch {
                refusal = error
            }
        }
        #expect(refusal == ClientError(status: 74, "the team server stopped reading"))
    }

    /// The order the run loop relies on, without the network: messages
    /// that came with the end are handed over first, the wake-up is rung
    /// again for the end, and the end is reported on the next call.
    @Test func theEndIsReportedOnTheCallAfterTheLastMessages() throws {
        let inbox = Inbox()
        let rings = Counter()
        inbox.onArrival { rings.add() }
        inbox.deliver(.frame(Self.frame))
        inbox.deliver(.screenClosed(ScreenClosed(message: nil)))
        inbox.finish(ClientError(status: 74, "the connection closed"))
        #expect(rings.value == 1)
        #expect(try inbox.take() == [.frame(Self.frame), .screenClosed(ScreenClosed(message: nil))])
        #expect(rings.value == 2)
        #expect(throws: ClientError(status: 74, "the connection closed")) { try inbox.take() }
    }

    @Test func theFirstReasonForTheEndIsKept() {
        let inbox = Inbox()
        inbox.finish(ClientError(status: 74, "the team server sent a frame of 99999999999 bytes"))
        inbox.finish(ClientError(status: 74, "the connection closed"))
        #expect(inbox.ended?.message == "the team server sent a frame of 99999999999 bytes")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
