#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix socket, as the kernel says
/// (SO_PEERCRED, taken at connect time). Nothing the client sends is used.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// The layout of Linux's `struct ucred` (pid_t, uid_t, gid_t), which
    /// Glibc's module does not export without _GNU_SOURCE.
    struct RawCred: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    static let peerCredOption: Int32 = 17 // SO_PEERCRED on Linux

    /// Reads the credentials of a connected Unix socket.
    public static func of(fd: Int32) -> PeerCredentials? {
        var raw = RawCred()
        var len = socklen_t(MemoryLayout<RawCred>.size)
        guard getsockopt(fd, SOL_SOCKET, peerCredOption, &raw, &len) == 0, Int(len) == MemoryLayout<RawCred>.size else { return nil }
        return PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
    }

    static func from(_ raw: RawCred) -> PeerCredentials { PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid) }

    /// The login of `uid` in the password database, or nil if it has none.
    public static func login(of uid: UInt32) -> String? {
        var pw = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buf = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &pw, &buf, buf.count, &result) == 0, result != nil, let name = pw.pw_name else { return nil }
        return String(cString: name)
    }
}
