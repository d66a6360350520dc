import BSCCore
import TOMLKit

/// Reads `bscdesk.toml` into a validated `DeskConfiguration`. Every problem
/// is reported as `FILE[:LINE]: key: what is wrong; what is allowed`.
public enum ConfigurationLoader {
    public static func parse(_ text: String, file: String) throws(DeskError) -> DeskConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw .config("\(file):\(e.source.begin.line): \(e.description)")
        } catch {
            throw .config("\(file): \(error)")
        }
        var r = Reader(file: file, text: text)
        return try r.configuration(root)
    }

    struct Reader {
        let file: String
        let text: String

        func fail(_ key: String, _ message: String, near needle: String? = nil) -> DeskError {
            var location = file
            if let needle, let line = lineNumber(of: needle) { location += ":\(line)" }
            return .config("\(location): \(key): \(message)")
        }

        func lineNumber(of needle: String) -> Int? {
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(needle) && !line.trimmingPrefix(" ").hasPrefix("#") {
                return i + 1
            }
            return nil
        }

        func string(_ t: TOMLTable, _ key: String, _ path: String) throws(DeskError) -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string else { throw fail(path + key, "must be a string", near: key) }
            return s
        }

        func number(_ t: TOMLTable, _ key: String, _ path: String) throws(DeskError) -> Double? {
            guard let v = t[key] else { return nil }
            if let d = v.double { return d }
            if let i = v.int { return Double(i) }
            throw fail(path + key, "must be a number", near: key)
        }

        func bool(_ t: TOMLTable, _ key: String, _ path: String) throws(DeskError) -> Bool? {
            guard let v = t[key] else { return nil }
            guard let b = v.bool else { throw fail(path + key, "must be true or false", near: key) }
            return b
        }

        func strings(_ t: TOMLTable, _ key: String, _ path: String) throws(DeskError) -> [String]? {
            guard let v = t[key] else { return nil }
            guard let a = v.array else { throw fail(path + key, "must be a list of strings", near: key) }
            var out: [String] = []
            for item in a {
                guard let s = item.string else { throw fail(path + key, "must be a list of strings", near: key) }
                out.append(s)
            }
            return out
        }

        func tables(_ t: TOMLTable, _ key: String) throws(DeskError) -> [TOMLTable] {
            guard let v = t[key] else { return [] }
            guard let a = v.array else { throw fail(key, "must be an array of tables ([[\(key)]])", near: key) }
            var out: [TOMLTable] = []
            for item in a {
                guard let tt = item.table else { throw fail(key, "must be an array of tables ([[\(key)]])", near: key) }
                out.append(tt)
            }
            return out
        }

        /// Length of a working day in hours, for `"3d"`-style targets.
        var dayHours: Double = 8

        /// An SLA target: a number of working hours, or a string like
        /// `"36h"` (working hours) or `"3d"` (working days).
        func target(_ t: TOMLTable, _ key: String, _ path: String) throws(DeskError) -> Double? {
            guard let v = t[key] else { return nil }
            let hours: Double?
            if let d = v.double { hours = d } else if let i = v.int { hours = Double(i) } else if let s = v.string {
                let body = s.trimmingCharacters(in: " ").lowercased()
                if body.hasSuffix("d"), let n = Double(body.dropLast()) { hours = n * dayHours }
                else if body.hasSuffix("h"), let n = Double(body.dropLast()) { hours = n }
                else { hours = nil }
            } else { hours = nil }
            guard let hours, hours > 0, hours.isFinite else {
                throw fail(path + key, "must be a positive number of working hours, or a string like \"36h\" or \"3d\" (working days)", near: key)
            }
            return hours
        }

        func target(_ t: TOMLTable, _ key: String, _ alias: String, _ path: String) throws(DeskError) -> Double? {
            if let v = try target(t, key, path) { return v }
            return try target(t, alias, path)
        }

        mutating func configuration(_ root: TOMLTable) throws(DeskError) -> DeskConfiguration {
            if let h = root["desk"]?.table?["working_hours"]?.string, let (a, b) = Self.parseHours(h), a < b {
                dayHours = Double(b - a) / 60
            }
            let queues = try readQueues(root)
            let queueIds = Set(queues.map(\.id))
            guard queueIds.contains(QueueID.customerServices) else {
                throw fail("queues", "the queue \"\(QueueID.customerServices)\" (the front desk) must be defined")
            }
            let categories = try readCategories(root, queueIds: queueIds)
            var config = DeskConfiguration(taxonomy: Taxonomy(queues: queues, categories: categories))

            if let desk = root["desk"]?.table {
                if let tz = try string(desk, "timezone", "desk.") {
                    guard ZoneRules(identifier: tz) != nil else {
                        throw fail("desk.timezone", "unknown time zone \"\(tz)\"; use an IANA name such as Europe/London", near: "timezone")
                    }
                    config.timeZone = tz
                }
                if let days = try strings(desk, "working_days", "desk.") {
                    let names = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]
                    var set: Set<Int> = []
                    for d in days {
                        guard let n = names[d.lowercased()] else {
                            throw fail("desk.working_days", "unknown day \"\(d)\"; use mon, tue, wed, thu, fri, sat, sun", near: "working_days")
                        }
                        set.insert(n)
                    }
                    guard !set.isEmpty else { throw fail("desk.working_days", "needs at least one day", near: "working_days") }
                    config.workingWeekdays = set
                }
                if let hours = try string(desk, "working_hours", "desk.") {
                    guard let (a, b) = Self.parseHours(hours), a < b else {
                        throw fail("desk.working_hours", "\"\(hours)\" is not a range like 09:00-17:00", near: "working_hours")
                    }
                    config.workingStartMinute = a
                    config.workingEndMinute = b
                }
                if let w = try number(desk, "reopen_window_days", "desk.") {
                    guard w > 0, w <= 60 else { throw fail("desk.reopen_window_days", "must be between 0 and 60 working days", near: "reopen_window_days") }
                    config.reopenWindowDays = w
                }
                if let s = try number(desk, "at_risk_share", "desk.") {
                    guard s > 0, s < 1 else { throw fail("desk.at_risk_share", "must be between 0 and 1, e.g. 0.75", near: "at_risk_share") }
                    config.atRiskShare = s
                }
                if let y = try number(desk, "retention_years_after_closure", "desk.") {
                    guard y >= 1, y <= 100, y == y.rounded() else {
                        throw fail("desk.retention_years_after_closure", "must be a whole number of years from 1 to 100, e.g. 6", near: "retention_years_after_closure")
                    }
                    config.retentionYears = Int(y)
                }
                if let g = try string(desk, "shared_group", "desk."), !g.isEmpty { config.sharedGroup = g }
                if let t = try string(desk, "theme", "desk."), !t.isEmpty { config.theme = t }
            }
            for (n, c) in try tables(root, "categories").enumerated() {
                let path = "categories[\(n + 1)]."
                if let y = try number(c, "retention_years_after_closure", path), let id = try string(c, "id", path) {
                    guard y >= 1, y <= 100, y == y.rounded() else {
                        throw fail(path + "retention_years_after_closure", "must be a whole number of years from 1 to 100", near: "retention_years_after_closure")
                    }
                    config.retentionYearsByCategory[id] = Int(y)
                }
            }
            if let t = root["targets"]?.table {
                func pct(_ key: String, _ assign: (Double) -> Void) throws(DeskError) {
                    if let v = try number(t, key, "targets.") {
                        guard v >= 0, v <= 100 else { throw fail("targets." + key, "must be a percentage from 0 to 100", near: key) }
                        assign(v)
                    }
                }
                try pct("fcr") { config.targets.fcr = $0 }
                try pct("net_fcr") { config.targets.netFCR = $0 }
                try pct("flr") { config.targets.flr = $0 }
                try pct("sla") { config.targets.sla = $0 }
                try pct("csat") { config.targets.csat = $0 }
                try pct("reopen_rate") { config.targets.reopenRate = $0 }
                try pct("amber_margin") { config.targets.amberMargin = $0 }
                if let v = try number(t, "average_handle_minutes", "targets.") { config.targets.averageHandleMinutes = v }
                if let v = try number(t, "time_to_resolve_hours", "targets.") { config.targets.timeToResolveHours = v }
            }
            if let h = root["holidays"]?.table {
                for d in try strings(h, "removed", "holidays.") ?? [] {
                    guard let date = CivilDate.parse(d) else { throw fail("holidays.removed", "\"\(d)\" is not a date like 2020-05-04", near: d) }
                    config.cancelledHolidays.insert(date)
                }
                if let added = h["added"] {
                    guard let table = added.table else { throw fail("holidays.added", "must be a table of date = \"name\"", near: "added") }
                    for key in table.keys {
                        guard let date = CivilDate.parse(key) else { throw fail("holidays.added", "\"\(key)\" is not a date like 2020-05-08", near: key) }
                        config.extraHolidays[date] = table[key]?.string ?? "Closure"
                    }
                }
            }
            if let users = root["users"] {
                guard let table = users.table else { throw fail("users", "must be tables like [users.LOGIN]", near: "users") }
                for login in table.keys {
                    guard let u = table[login]?.table else { throw fail("users." + login, "must be a table", near: login) }
                    let path = "users.\(login)."
                    let roleText = try string(u, "role", path) ?? "agent"
                    guard let role = Role(rawValue: roleText) else {
                        throw fail(path + "role", "\"\(roleText)\" is not a role; use agent, team-leader or supervisor", near: roleText)
                    }
                    let qs = try strings(u, "queues", path) ?? [QueueID.customerServices]
                    for q in qs where !queueIds.contains(q) {
                        throw fail(path + "queues", "unknown queue \"\(q)\"; queues: \(queues.map(\.id).joined(separator: ", "))", near: q)
                    }
                    config.users[login] = UserProfile(login: login, name: try string(u, "name", path) ?? login, role: role, queues: qs)
                }
            }
            return config
        }

        static func parseHours(_ s: String) -> (Int, Int)? {
            let parts = s.split(separator: "-")
            guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]) else { return nil }
            return (a, b)
        }

        static func minutes(_ s: Substring) -> Int? {
            let hm = s.trimmingPrefix(" ").split(separator: ":")
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1].prefix(2)), (0...24).contains(h), (0..<60).contains(m) else { return nil }
            return h * 60 + m
        }

        func readQueues(_ root: TOMLTable) throws(DeskError) -> [QueueDefinition] {
            var out: [QueueDefinition] = []
            for (n, q) in try tables(root, "queues").enumerated() {
                let path = "queues[\(n + 1)]."
                guard let id = try string(q, "id", path), Self.isIdentifier(id) else {
                    throw fail(path + "id", "every queue needs an id of lower-case letters, digits and dashes", near: "[[queues]]")
                }
                guard !out.contains(where: { $0.id == id }) else { throw fail(path + "id", "queue \"\(id)\" is defined twice", near: "\"\(id)\"") }
                var def = QueueDefinition(id: id, name: try string(q, "name", path) ?? id)
                def.restricted = try bool(q, "restricted", path) ?? false
                def.group = try string(q, "group", path)
                def.resolutionTargetHours = try target(q, "resolution_target_hours", "resolution_target", path)
                def.firstResponseTargetHours = try target(q, "first_response_target_hours", "first_response_target", path)
                if let a = try string(q, "assignment", path) {
                    guard let mode = AssignmentMode(rawValue: a) else {
                        throw fail(path + "assignment", "\"\(a)\" is not an assignment mode; use manual, round-robin or least-loaded", near: a)
                    }
                    def.assignment = mode
                }
                def.handoff = try handoff(q, path)
                out.append(def)
            }
            return out
        }

        /// A queue's or category's `handoff = [{ key, label, required }]`.
        func handoff(_ t: TOMLTable, _ path: String) throws(DeskError) -> [HandoffField] {
            var out: [HandoffField] = []
            for h in try tables(t, "handoff") {
                guard let key = try string(h, "key", path + "handoff."), Self.isIdentifier(key) else {
                    throw fail(path + "handoff", "each hand-off detail needs a key of lower-case letters, digits and dashes", near: "handoff")
                }
                out.append(HandoffField(key: key, label: try string(h, "label", path) ?? key, required: try bool(h, "required", path) ?? true))
            }
            return out
        }

        func readCategories(_ root: TOMLTable, queueIds: Set<String>) throws(DeskError) -> [Category] {
            var out: [Category] = []
            var seen: Set<String> = []
            for (n, c) in try tables(root, "categories").enumerated() {
                let path = "categories[\(n + 1)]."
                guard let id = try string(c, "id", path), !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                    throw fail(path + "id", "every category needs an id of lower-case letters, digits, dots and dashes", near: "[[categories]]")
                }
                guard seen.insert(id).inserted else { throw fail(path + "id", "category \"\(id)\" is defined twice", near: "\"\(id)\"") }
                guard let queue = try string(c, "queue", path), queueIds.contains(queue) else {
                    throw fail(path + "queue", "category \"\(id)\" needs a queue, one of: \(queueIds.sorted().joined(separator: ", "))", near: "\"\(id)\"")
                }
                let pText = try string(c, "priority", path) ?? "normal"
                guard let priority = Priority(rawValue: pText) else {
                    throw fail(path + "priority", "\"\(pText)\" is not a priority; use \(allowedValues(Priority.self))", near: pText)
                }
                out.append(Category(
                    id: id, name: try string(c, "name", path) ?? id, queue: queue,
                    frontDeskResolvable: try bool(c, "resolvable", path) ?? false,
                    defaultPriority: priority,
                    keywords: (try strings(c, "keywords", path) ?? []).map { $0.lowercased() },
                    requiresIdentityCheck: try bool(c, "identity_check", path) ?? false,
                    article: try string(c, "article", path),
                    resolutionTargetHours: try target(c, "resolution_target_hours", "resolution_target", path),
                    firstResponseTargetHours: try target(c, "first_response_target_hours", "first_response_target", path)))
            }
            guard !out.isEmpty else { throw fail("categories", "at least one [[categories]] entry is needed") }
            // A category's own hand-off list, when it has one.
            for (n, c) in try tables(root, "categories").enumerated() where c["handoff"] != nil {
                out[n].handoff = try handoff(c, "categories[\(n + 1)].")
            }
            return out
        }

        static func isIdentifier(_ s: String) -> Bool {
            !s.isEmpty && s.count <= 40 && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }
}
