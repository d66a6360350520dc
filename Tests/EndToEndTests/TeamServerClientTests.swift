import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The command line's client on swift-nio, with a real server and users.
extension TeamServerTests {
    /// swift-nio ignores SIGPIPE for the whole process when it makes its
    /// first socket. A command whose reader has gone (`bscdesk list | head`)
    /// must still end by SIGPIPE, quietly, as it did before the client used
    /// swift-nio: not trap on the failed write with a backtrace.
    @Test func aCommandWhoseReaderHasGoneEndsBySIGPIPEQuietly() throws {
        let f = try runningDesk()
        defer { f.cleanUp() }
        _ = try log(f, as: f.amy)
        // stdout is a FIFO whose only reader is closed: the first write fails.
        let script = #"d=$(mktemp -d) && mkfifo "$d/p" && exec 3<>"$d/p" 4>"$d/p" 3<&- && "$0" list >&4; s=$?; rm -r "$d"; echo "status $s""#
        let r = try f.runAs(f.amy, ["/bin/sh", "-c", script, Bscdesk.binary], env: ["BSCDESK_SERVER": f.socket])
        #expect(r.stdout == "status 141\n", "\(r.stdout) \(r.stderr)")
        #expect(r.stderr == "")
    }
}
