import Foundation

/// Where the team server listens, if one is configured: `--server PATH`,
/// else `BSCDESK_SERVER`, else `server = "PATH"` in the system file
/// (/etc/bscdesk/bscdesk.conf, or the file `BSCDESK_SYSTEM_CONFIG` names).
/// nil: no server; the CLI runs the desk in-process.
public enum ServerLocation {
    public static let defaultSystemFile = "/etc/bscdesk/bscdesk.conf"

    public static func resolve(option: String?, environment env: [String: String]) throws(ClientError) -> String? {
        if let option, !option.isEmpty { return option }
        if let s = env["BSCDESK_SERVER"], !s.isEmpty { return s }
        let file = env["BSCDESK_SYSTEM_CONFIG"] ?? defaultSystemFile
        guard let text = readSmallFile(file) else { return nil }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("server"), let eq = line.firstIndex(of: "=") else { continue }
            guard line[..<eq].trimmingCharacters(in: .whitespaces) == "server" else { continue }
            let value = line[line.index(after: eq)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t\""))
            guard value.hasPrefix("/") else {
                throw ClientError(status: 78, "\(file): server must be an absolute path, e.g. server = \"/run/bscdesk/bscdesk.sock\"")
            }
            return value
        }
        return nil
    }

    /// A small regular file's text; nil if missing, not a regular file, or
    /// over 64 kB (never follows a symlink into something else).
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size <= 65536 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n <= 0 { break }
            got += n
        }
        return String(decoding: bytes.prefix(got), as: UTF8.self)
    }
}
