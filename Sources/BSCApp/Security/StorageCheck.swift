import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks on where the data lives, run at start-up. The append protocol
/// relies on local-filesystem semantics: O_APPEND writes that land whole and
/// flock. NFS guarantees neither, and inotify does not see remote changes.
public enum StorageCheck {
    /// Filesystem types (as in /proc/mounts) that are remote or FUSE.
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre", "sshfs", "davfs"]

    /// The filesystem type if `path` is on a network (or FUSE) filesystem,
    /// judged from the mount table: the longest mount point above the path.
    public static func networkFilesystem(at path: String, mounts: String? = nil) -> String? {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real = realpath(path, &resolved) != nil ? resolved.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : path
        guard let table = mounts ?? readSmallFile("/proc/mounts", system: true) else { return nil }
        var best: (point: String, type: String)? = nil
        for line in table.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 3 else { continue }
            // Mount points escape spaces as \040.
            let point = f[1].replacingOccurrences(of: "\\040", with: " ")
            let isAbove = real == point || point == "/" || real.hasPrefix(point + "/")
            if isAbove && point.count >= (best?.point.count ?? -1) { best = (point, String(f[2])) }
        }
        guard let type = best?.type else { return nil }
        if networkTypes.contains(type) || type.hasPrefix("fuse") { return type }
        return nil
    }

    /// Refuses network filesystems unless `BSCDESK_ALLOW_NETWORK_FS=1`, and
    /// returns warnings about permissions (world-readable files, a data
    /// directory others can enter).
    public static func check(_ data: DataDirectory, sharedGroup: String?, environment: [String: String]) throws(DeskError) -> [String] {
        var warnings: [String] = []
        if let fs = networkFilesystem(at: data.path) {
            let why = "\(data.path) is on \(fs): bscdesk needs a local filesystem (whole O_APPEND writes and flock locks; network filesystems give neither, so concurrent agents could corrupt the journal)"
            if environment["BSCDESK_ALLOW_NETWORK_FS"] == "1" {
                warnings.append("warning: " + why + "; continuing because BSCDESK_ALLOW_NETWORK_FS=1")
            } else {
                throw DeskError(.ioFailure, why + ". Move the data directory to a local disk (or set BSCDESK_ALLOW_NETWORK_FS=1 to accept the risk for a single user)")
            }
        }
        var st = stat()
        if stat(data.path, &st) == 0 && st.st_mode & 0o007 != 0 {
            warnings.append("warning: \(data.path) can be entered by anyone (mode \(octal(st.st_mode & 0o7777))); fix with: chmod o-rwx \(data.path)")
        }
        for dir in [data.path, data.journalPath, data.draftsPath] {
            for name in listNames(dir) {
                let p = dir + "/" + name
                if lstat(p, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o004 != 0 {
                    warnings.append("warning: \(p) is readable by everyone (mode \(octal(st.st_mode & 0o7777))); it may hold personal data; fix with: chmod o-r \(p)")
                }
            }
        }
        if let g = sharedGroup, getgrnam(g) == nil {
            warnings.append("warning: shared_group \"\(g)\" in \(data.configPath) is not a group on this system")
        }
        return warnings
    }

    static func octal(_ m: mode_t) -> String { "0" + String(m, radix: 8) }

    static func listNames(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Group-shared mode for a team server: the data directory and its
    /// folders setgid to the shared group, so new files inherit it, and
    /// readable and writable by that group only.
    public static func applySharedMode(_ data: DataDirectory, group: String) throws(DeskError) {
        guard let gr = getgrnam(group) else {
            throw .config("shared_group \"\(group)\" is not a group on this system; create it (groupadd \(group)) or clear shared_group")
        }
        let gid = gr.pointee.gr_gid
        for dir in [data.path, data.journalPath, data.draftsPath, data.knowledgePath] {
            var st = stat()
            guard stat(dir, &st) == 0, st.st_uid == geteuid() else { continue }
            if st.st_gid != gid { _ = chown(dir, uid_t.max, gid) }
            _ = chmod(dir, 0o2770)
        }
        // Everyone on the team reads the configuration; only its owner (a
        // supervisor) writes it.
        var st = stat()
        if stat(data.configPath, &st) == 0, st.st_uid == geteuid() {
            if st.st_gid != gid { _ = chown(data.configPath, uid_t.max, gid) }
            if st.st_mode & 0o777 != 0o640 { _ = chmod(data.configPath, 0o640) }
        }
    }
}
