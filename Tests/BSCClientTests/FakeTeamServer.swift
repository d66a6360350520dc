import BSCProtocol
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A scripted team server on a real Unix socket, written with plain
/// blocking system calls (not the client's swift-nio), so each test can
/// make the server misbehave exactly: cut an answer short, refuse, close.
final class FakeTeamServer: @unchecked Sendable {
    let directory: String
    let path: String
    let listener: Int32
    private let finished = DispatchSemaphore(value: 0)

    /// `backlog` 0 lets one connection wait and makes the next connect fail
    /// with EAGAIN until the first is accepted.
    init(backlog: Int32 = 16) throws {
        var template = Array((NSTemporaryDirectory() + "bscc-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw FakeServerError("mkdtemp: \(String(cString: strerror(errno)))") }
        directory = String(cString: made)
        path = directory + "/s"
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        guard bound, listen(listener, backlog) == 0 else { throw FakeServerError("bind/listen \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        close(listener)
        unlink(path)
        rmdir(directory)
    }

    /// Accepts one connection on a thread of its own and runs `script` on it.
    func serveOne(_ script: @escaping @Sendable (Peer) -> Void) {
        let listener = self.listener
        let finished = self.finished
        Thread.detachNewThread {
            let fd = accept(listener, nil, nil)
            if fd >= 0 {
                let peer = Peer(fd: fd)
                script(peer)
                peer.close()
            }
            finished.signal()
        }
    }

    /// Waits for the script to end (so a failing test never leaves one
    /// running); a script stuck for a minute fails the test instead of
    /// hanging the run.
    func waitForScript() {
        if finished.wait(timeout: .now() + 60) == .timedOut {
            Issue.record("the scripted server was still running after 60 s")
        }
    }
}

struct FakeServerError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// One accepted connection, seen from the server's side.
final class Peer: @unchecked Sendable {
    private(set) var fd: Int32
    private var reader = FrameReader()

    init(fd: Int32) { self.fd = fd }

    /// The next message from the client; nil at its end.
    func receive() -> Message? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let payload = try? reader.next() { return try? Message.decode(payload) }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            reader.append(chunk.prefix(n))
        }
    }

    func send(_ m: Message) { send(bytes: m.framed()) }

    func send(bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            sent += n
        }
    }

    /// Reads the hello and welcomes the client as `login`.
    func welcome(login: String = "amara", role: String = "agent") {
        guard case .hello? = receive() else { return }
        send(.welcome(Welcome(login: login, role: role)))
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
