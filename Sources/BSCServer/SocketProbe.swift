#if canImport(Glibc)
import Glibc
#endif

/// Whether something accepts connections on a Unix socket path: `serve`
/// asks once, before it listens, whether a socket file left at its path is
/// stale. A plain blocking connect, not swift-nio: no byte is exchanged,
/// only connect's answer counts, and a blocking connect also waits out a
/// live server's full backlog (a non-blocking one would say EAGAIN, which
/// is not "stale").
enum SocketProbe {
    static func answers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }
}
