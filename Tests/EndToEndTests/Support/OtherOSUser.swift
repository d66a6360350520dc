import Foundation

/// A real OS user made for one test, to own a file that must be refused
/// as "not yours"; `remove()` deletes it again. Needs root (useradd,
/// chown): without it the test fails and says why, it never skips.
final class OtherOSUser {
    let name: String
    let uid: uid_t

    init() throws {
        guard geteuid() == 0 else {
            throw TestFailure("this test gives a file to another real OS user (useradd, chown): it needs root (CI runs .ci/run as root); it does not skip")
        }
        name = "bsctest-own-" + String(UInt32.random(in: 0...0xFFFFF), radix: 16)
        let made = try TeamServerFixture.command("/usr/sbin/useradd", ["-M", "-N", "-s", "/usr/sbin/nologin", name])
        guard made.status == 0, let pw = getpwnam(name) else { throw TestFailure("useradd \(name) failed: \(made.stderr)") }
        uid = pw.pointee.pw_uid
    }

    /// Gives `path` (not what a link points to) to this user.
    func own(_ path: String) throws {
        guard lchown(path, uid, gid_t.max) == 0 else { throw TestFailure("chown \(path): \(String(cString: strerror(errno)))") }
    }

    func remove() { _ = try? TeamServerFixture.command("/usr/sbin/userdel", [name]) }
}
