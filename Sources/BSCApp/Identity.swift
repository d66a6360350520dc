#if canImport(Glibc)
import Glibc
#endif

/// Who is acting. The OS login of the effective user, from the password
/// database, never `$USER` (which anyone can set). `BSCDESK_USER` overrides
/// it for scripts and tests: see README.md, "Security", for what that means.
public enum Identity {
    public static func osLogin() -> String? {
        guard let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    public static func actingLogin(environment: [String: String]) -> String? {
        if let override = environment["BSCDESK_USER"], !override.isEmpty { return override }
        return osLogin()
    }

    /// Names of the OS groups the process is in.
    public static func groupNames() -> Set<String> {
        var names: Set<String> = []
        let count = getgroups(0, nil)
        var gids = [gid_t](repeating: 0, count: Int(max(count, 0)) + 1)
        let n = getgroups(Int32(gids.count), &gids)
        for gid in gids.prefix(Int(max(n, 0))) + [getegid()] {
            if let gr = getgrgid(gid), let name = gr.pointee.gr_name { names.insert(String(cString: name)) }
        }
        return names
    }
}
