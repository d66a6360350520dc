import BSCCore
import TOMLKit

/// `bscdesk config set KEY VALUE` (supervisors): one key of bscdesk.toml
/// changed by editing its line, so the file's comments and layout stay;
/// the result must pass the loader the desk starts with, and must really
/// hold the new value, before it is written.
public enum ConfigurationChange {
    /// The keys `config set` changes: people, the desk's rules and the
    /// targets. Anything else (queues, categories, shared_group) is edited
    /// in the file by an administrator, then reloaded (SIGHUP).
    public static let deskKeys = ["timezone", "working_days", "working_hours", "reopen_window_days", "at_risk_share", "theme",
                                  "retention_years_after_closure"]
    public static let targetKeys = ["fcr", "net_fcr", "flr", "sla", "csat", "reopen_rate", "average_handle_minutes",
                                    "time_to_resolve_hours", "amber_margin"]
    public static let userKeys = ["name", "role", "queues"]

    public struct Change: Sendable, Equatable {
        /// The key as given, e.g. `users.amy.role`.
        public var key: String
        /// The value's TOML text before (nil: not set) and after (nil:
        /// removed, only by `config edit`).
        public var from: String?
        public var to: String?
        /// The whole new file.
        public var text: String
    }

    /// The values a `config.changed` event keeps: a person's name is
    /// not repeated in the journal (the key says whose it was).
    static func recorded(_ c: Change) -> (from: String?, to: String?) {
        c.key.hasPrefix("users.") && c.key.hasSuffix(".name") ? (nil, nil) : (c.from, c.to)
    }

    static var allowed: String {
        "desk." + deskKeys.joined(separator: "|") + ", targets." + targetKeys.joined(separator: "|") + ", users.LOGIN." + userKeys.joined(separator: "|")
    }

    /// The table path and key of `dotted`, if `config set` may change it.
    static func split(_ dotted: String) throws(DeskError) -> (table: [String], key: String) {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let ok: Bool
        switch parts.count {
        case 2: ok = (parts[0] == "desk" && deskKeys.contains(parts[1])) || (parts[0] == "targets" && targetKeys.contains(parts[1]))
        case 3: ok = parts[0] == "users" && userKeys.contains(parts[2]) && isLogin(parts[1])
        default: ok = false
        }
        guard ok else {
            throw .usage("config set cannot change \"\(terminalSafe(dotted))\": use one of \(allowed); edit bscdesk.toml by hand for anything else, then send the server SIGHUP")
        }
        return (Array(parts.dropLast()), parts.last!)
    }

    /// A login as a bare TOML key (letters, digits, - and _).
    static func isLogin(_ s: String) -> Bool {
        !s.isEmpty && s.count <= Limits.login && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// `value` as TOML: as given when it is a TOML value (a number, a
    /// boolean, an array, a quoted string), else as a string.
    static func tomlText(_ value: String) -> String {
        guard !value.contains("\n"), (try? TOMLTable(string: "v = " + value)) != nil else { return DefaultConfiguration.tomlString(value) }
        return value
    }

    /// The new file: `text` with `dotted` set to `value`, checked by the
    /// loader. Nothing is written here.
    public static func set(_ dotted: String, to value: String, in text: String, file: String) throws(DeskError) -> Change {
        let (table, key) = try split(dotted)
        let valueText = tomlText(value)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = "[" + table.joined(separator: ".") + "]"
        var from: String? = nil
        if let h = lines.firstIndex(where: { $0.trimmingCharacters(in: " \t") == header }) {
            var end = h + 1
            while end < lines.count && !lines[end].trimmingCharacters(in: " \t").hasPrefix("[") { end += 1 }
            if let i = (h + 1 ..< end).first(where: { keyOf(lines[$0]) == key }) {
                let old = lines[i][lines[i].firstIndex(of: "=").map { lines[i].index(after: $0) }!...].trimmingCharacters(in: " \t")
                if old.hasPrefix("[") && !old.contains("]") || old.hasPrefix("\"\"\"") || old.hasPrefix("'''") {
                    throw .usage("\(dotted) spans several lines in \(file): edit it there by hand, then send the server SIGHUP")
                }
                from = old
                lines[i] = key + " = " + valueText
            } else {
                lines.insert(key + " = " + valueText, at: h + 1)
            }
        } else {
            if lines.last == "" { lines.removeLast() }
            lines += ["", header, key + " = " + valueText, ""]
        }
        let result = lines.joined(separator: "\n")
        // The loader the desk starts with: every rule it checks holds.
        _ = try ConfigurationLoader.parse(result, file: file)
        // And the key now holds the value (not, say, shadowed elsewhere).
        guard let root = try? TOMLTable(string: result), let want = try? TOMLTable(string: "v = " + valueText)["v"] else {
            throw .usage("cannot set \(dotted): the result is not TOML; nothing was changed")
        }
        var t: TOMLTable? = root
        for part in table { t = t?[part]?.table }
        guard let got = t?[key], got.debugDescription == want.debugDescription else {
            throw .usage("cannot set \(dotted) by editing its line in \(file) (it is written another way there): edit it by hand, then send the server SIGHUP; nothing was changed")
        }
        return Change(key: dotted, from: from, to: valueText, text: result)
    }

    /// `config edit`: the whole file replaced by `new`, checked by the
    /// start-up loader. Returns one change per value that differs, by its
    /// dotted path (`users.amy.role`, `categories.3.resolution_target`;
    /// `to` nil where a key was removed), each holding the whole new text.
    /// Nothing is written here.
    public static func replace(_ old: String, with new: String, file: String) throws(DeskError) -> [Change] {
        _ = try ConfigurationLoader.parse(new, file: file)
        guard let before = try? TOMLTable(string: old), let after = try? TOMLTable(string: new) else {
            throw .usage("the edited configuration is not TOML; nothing was changed")
        }
        var was: [String: String] = [:], now: [String: String] = [:]
        leaves(before, prefix: "", into: &was)
        leaves(after, prefix: "", into: &now)
        var changes: [Change] = []
        for key in Set(was.keys).union(now.keys).sorted() where was[key] != now[key] {
            changes.append(Change(key: key, from: was[key], to: now[key], text: new))
        }
        return changes
    }

    /// Every value of a TOML table by its dotted path: tables walked,
    /// arrays of tables by index (`categories.3.name`), anything else as
    /// its TOML text (`working_days`, a user's `queues`).
    static func leaves(_ table: TOMLTable, prefix: String, into out: inout [String: String]) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = prefix + key
            if let sub = value.table {
                leaves(sub, prefix: path + ".", into: &out)
            } else if let array = value.array, array.count > 0, array.allSatisfy({ $0.table != nil }) {
                for (i, element) in array.enumerated() {
                    if let sub = element.table { leaves(sub, prefix: path + ".\(i).", into: &out) }
                }
            } else {
                out[path] = value.debugDescription
            }
        }
    }

    /// The bare key a `key = value` line sets, if it is one.
    static func keyOf(_ line: String) -> String? {
        let t = line.trimmingCharacters(in: " \t")
        guard !t.hasPrefix("#"), let eq = t.firstIndex(of: "=") else { return nil }
        return t[..<eq].trimmingCharacters(in: " \t")
    }
}

extension Desk {
    func requireSupervisorForConfiguration() throws(DeskError) {
        guard profile.role == .supervisor else {
            throw .permission("the configuration is for supervisors; you are \(profile.role.rawValue). Ask a supervisor; nothing was done")
        }
    }

    /// bscdesk.toml as it is on disk, read the way the desk reads it.
    public func configurationText() throws(DeskError) -> String {
        try requireSupervisorForConfiguration()
        return try data.readConfigurationFile().text
    }

    /// `config edit`: bscdesk.toml replaced by `text`, which the supervisor
    /// edited from `base`. Refused when the file changed since `base` was
    /// read (someone else's edit would be lost), and when the loader
    /// refuses `text`. Written atomically with one `config.changed` per
    /// changed value; an edit that changes nothing writes nothing.
    public func replaceConfiguration(with text: String, editedFrom base: String) throws(DeskError) -> [ConfigurationChange.Change] {
        try requireSupervisorForConfiguration()
        let (current, mode, _) = try data.readConfigurationFile()
        guard current == base else {
            throw DeskError(.refused, "bscdesk.toml changed while you were editing it (another supervisor, or a hand edit): nothing was changed; run config edit again")
        }
        let changes = try ConfigurationChange.replace(current, with: text, file: data.configPath)
        guard !changes.isEmpty else { return [] }
        try data.writeAtomically(data.configPath, text, mode: mode & 0o740)
        let now = clock.now()
        let user = login
        do {
            try append { _, ids in
                changes.map { change in
                    let recorded = ConfigurationChange.recorded(change)
                    return Event(id: ids.next(), at: now, user: user, ref: .none,
                                 body: .configChanged(key: change.key, from: recorded.from, to: recorded.to))
                }
            }
        } catch {
            try? data.writeAtomically(data.configPath, current, mode: mode & 0o740)
            throw error
        }
        return changes
    }

    /// Sets one key of bscdesk.toml: validated with the start-up loader,
    /// then written atomically with the file's mode. The running desk keeps
    /// the configuration it loaded (a team server reloads; see
    /// Server/SharedProjection.swift).
    public func changeConfiguration(_ key: String, to value: String) throws(DeskError) -> ConfigurationChange.Change {
        try requireSupervisorForConfiguration()
        let (text, mode, _) = try data.readConfigurationFile()
        let change = try ConfigurationChange.set(key, to: value, in: text, file: data.configPath)
        // Whatever it was, it ends owner-writable only: never group or
        // other writable (the loader refuses those).
        try data.writeAtomically(data.configPath, change.text, mode: mode & 0o740)
        // Recorded after the write, and the file put back if it cannot be:
        // no change without its event.
        let now = clock.now()
        let user = login
        let recorded = ConfigurationChange.recorded(change)
        do {
            try append { _, ids in
                [Event(id: ids.next(), at: now, user: user, ref: .none,
                       body: .configChanged(key: change.key, from: recorded.from, to: recorded.to))]
            }
        } catch {
            try? data.writeAtomically(data.configPath, text, mode: mode & 0o740)
            throw error
        }
        return change
    }
}
