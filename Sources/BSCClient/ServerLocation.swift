import BSCJournal
import Foundation

/// Where the team server listens, if one is configured: `--server PATH`,
/// else `BSCDESK_SERVER`, else `server = "PATH"` in the system file
/// (/etc/bscdesk/bscdesk.conf, or the file `BSCDESK_SYSTEM_CONFIG` names).
/// nil: no server; the CLI runs the desk in-process. `none` (option or
/// variable) says so even when the system file names a server: a desk of
/// one's own for practice, a demo, or an administrator's in-process run.
public enum ServerLocation {
    public static let defaultSystemFile = "/etc/bscdesk/bscdesk.conf"
    public static let noServer = "none"

    public static func resolve(option: String?, environment env: [String: String]) throws(ClientError) -> String? {
        if let option, !option.isEmpty { return option == noServer ? nil : option }
        if let s = env["BSCDESK_SERVER"], !s.isEmpty { return s == noServer ? nil : s }
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
        guard let bytes = try? SafeFile.read(path, limit: 65536) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
