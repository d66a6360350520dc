import BSCCore
import TOMLKit

/// How a source's values become bscdesk's (a TOML file: see
/// docs/import.md). Import never edits the configuration: every id here
/// must already exist in it.
public struct ImportMapping: Sendable, Equatable {
    public var format: String
    public var defaultCategory: String
    public var defaultQueue: String
    public var defaultChannel: Channel
    public var callerType: CallerType
    public var channels: [String: Channel] = [:]
    public var categories: [String: String] = [:]
    public var groups: [String: String] = [:]
    /// Source assignee → login; "" keeps the source's name as text.
    public var assignees: [String: String] = [:]
    public var priorities: [String: Priority] = [:]
    /// For the `csv` format: bscdesk field → the file's column name.
    public var columns: [String: String] = [:]
    /// For the `csv` format: the file's state value → `new`, `active`,
    /// `pending-customer`, `pending-third-party`, `resolved`, `closed`.
    public var states: [String: String] = [:]

    public init(format: String, defaultCategory: String, defaultQueue: String, defaultChannel: Channel = .phone, callerType: CallerType = .employee) {
        self.format = format
        self.defaultCategory = defaultCategory
        self.defaultQueue = defaultQueue
        self.defaultChannel = defaultChannel
        self.callerType = callerType
    }

    /// The defaults for a desk: `cs.general-enquiry` (or the first
    /// category) and the first back-office queue.
    public static func defaults(format: String, taxonomy: Taxonomy) -> ImportMapping {
        let category = taxonomy.category("cs.general-enquiry") != nil ? "cs.general-enquiry" : (taxonomy.categories.first?.id ?? "cs.general-enquiry")
        let queue = taxonomy.queues.first { $0.id != QueueID.customerServices && !$0.restricted }?.id ?? QueueID.customerServices
        return ImportMapping(format: format, defaultCategory: category, defaultQueue: queue)
    }

    public func category(_ source: String) -> String { categories[source] ?? defaultCategory }
    public func queue(_ sourceGroup: String?) -> String { sourceGroup.flatMap { groups[$0] } ?? defaultQueue }
    public func channel(_ source: String) -> Channel { channels[source] ?? Self.guessChannel(source) ?? defaultChannel }
    public func priority(_ source: String) -> Priority? { priorities[source] ?? Self.guessPriority(source) }
    /// A login, or the source's name kept as text.
    public func assignee(_ source: String) -> String {
        if let login = assignees[source], !login.isEmpty { return login }
        return source
    }

    /// Channels as helpdesks name them.
    public static func guessChannel(_ source: String) -> Channel? {
        switch foldCallerName(source) {
        case "phone", "telephone", "ivr", "call", "voice": return .phone
        case "email", "e-mail", "mail": return .email
        case "self service", "self-service", "web", "portal", "web form", "e-form", "eform", "api": return .eForm
        case "walk in", "walk-in", "face to face", "in person", "visit": return .faceToFace
        case "chat", "web chat", "live chat", "webchat": return .webChat
        case "letter", "post": return .letter
        default: return nil
        }
    }

    /// `1 - Critical`, `High`, `urgent`…
    public static func guessPriority(_ source: String) -> Priority? {
        let s = foldCallerName(source)
        if s.hasPrefix("1") || s.contains("critical") || s.contains("urgent") || s.contains("emergency") { return .urgent }
        if s.hasPrefix("2") || s.contains("high") { return .high }
        if s.hasPrefix("3") || s.contains("moderate") || s.contains("normal") || s.contains("medium") { return .normal }
        if s.hasPrefix("4") || s.hasPrefix("5") || s.contains("low") || s.contains("planning") { return .low }
        return nil
    }

    // MARK: TOML

    /// Reads a mapping file's text, checking every id against the taxonomy
    /// and users. `file` names it in messages.
    public static func parse(_ text: String, file: String, taxonomy: Taxonomy, logins: Set<String>) throws(ImportError) -> ImportMapping {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ImportError("\(file):\(e.source.begin.line): \(terminalSafe(e.description))")
        } catch {
            throw ImportError("\(file): \(terminalSafe(String(describing: error)))")
        }
        func fail(_ key: String, _ why: String) -> ImportError { ImportError("\(file): \(terminalSafe(key)): \(terminalSafe(why))") }
        func string(_ key: String) throws(ImportError) -> String? {
            guard let v = root[key] else { return nil }
            guard let s = v.string else { throw fail(key, "must be a string") }
            return s
        }
        func map(_ key: String) throws(ImportError) -> [(String, String)] {
            guard let v = root[key] else { return [] }
            guard let t = v.table else { throw fail(key, "must be a table ([\(key)])") }
            var out: [(String, String)] = []
            for (k, v) in t {
                guard let s = v.string else { throw fail("\(key).\"\(k)\"", "must be a string") }
                out.append((k, s))
            }
            return out
        }
        let known: Set<String> = ["format", "default_category", "default_queue", "default_channel", "caller_type",
                                  "channels", "categories", "groups", "assignees", "priorities", "columns", "states"]
        for (k, _) in root where !known.contains(k) {
            throw fail(k, "unknown key; a mapping has \(known.sorted().joined(separator: ", "))")
        }
        guard let format = try string("format") else { throw fail("format", "missing: say which export this maps (servicenow, osticket, zendesk or csv)") }
        func checkCategory(_ key: String, _ id: String) throws(ImportError) {
            guard taxonomy.category(id) != nil else {
                throw fail(key, "unknown category \"\(id)\": use a category id from 'bscdesk categories' (import never adds categories; add them to bscdesk.toml first)")
            }
        }
        func checkQueue(_ key: String, _ id: String) throws(ImportError) {
            guard taxonomy.queue(id) != nil else { throw fail(key, "unknown queue \"\(id)\": use one of \(taxonomy.queueIds)") }
        }
        var m = defaults(format: format, taxonomy: taxonomy)
        if let c = try string("default_category") { try checkCategory("default_category", c); m.defaultCategory = c }
        if let q = try string("default_queue") { try checkQueue("default_queue", q); m.defaultQueue = q }
        if let c = try string("default_channel") {
            guard let ch = Channel(rawValue: c) else { throw fail("default_channel", "unknown channel \"\(c)\": use one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))") }
            m.defaultChannel = ch
        }
        if let t = try string("caller_type") {
            guard let ct = CallerType(rawValue: t) else { throw fail("caller_type", "unknown caller type \"\(t)\": use one of \(CallerType.allCases.map(\.rawValue).joined(separator: ", "))") }
            m.callerType = ct
        }
        for (k, v) in try map("channels") {
            guard let ch = Channel(rawValue: v) else { throw fail("channels.\"\(k)\"", "unknown channel \"\(v)\": use one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))") }
            m.channels[k] = ch
        }
        for (k, v) in try map("categories") { try checkCategory("categories.\"\(k)\"", v); m.categories[k] = v }
        for (k, v) in try map("groups") { try checkQueue("groups.\"\(k)\"", v); m.groups[k] = v }
        for (k, v) in try map("assignees") {
            guard v.isEmpty || logins.contains(v) else {
                throw fail("assignees.\"\(k)\"", "unknown login \"\(v)\": use a user of bscdesk.toml, or \"\" to keep the name as text")
            }
            m.assignees[k] = v
        }
        for (k, v) in try map("priorities") {
            guard let p = Priority(rawValue: v) else { throw fail("priorities.\"\(k)\"", "unknown priority \"\(v)\": use one of \(Priority.allCases.map(\.rawValue).joined(separator: ", "))") }
            m.priorities[k] = p
        }
        for (k, v) in try map("columns") { m.columns[k] = v }
        for (k, v) in try map("states") {
            guard Self.stateNames.contains(v) else { throw fail("states.\"\(k)\"", "unknown state \"\(v)\": use one of \(Self.stateNames.joined(separator: ", "))") }
            m.states[k] = v
        }
        return m
    }

    public static let stateNames = ["new", "active", "pending-customer", "pending-third-party", "resolved", "closed"]

    /// The mapping as TOML, keys sorted: written by `--write-mapping`, and
    /// hashed into the batch id (so a changed mapping is another batch).
    public func toml(header: String = "") -> String {
        var out = header
        out += "format = \(Self.quote(format))\n"
        out += "# Source values with no line below go to these.\n"
        out += "default_category = \(Self.quote(defaultCategory))\n"
        out += "default_queue = \(Self.quote(defaultQueue))\n"
        out += "default_channel = \(Self.quote(defaultChannel.rawValue))\n"
        out += "caller_type = \(Self.quote(callerType.rawValue))\n"
        func section(_ name: String, _ comment: String, _ pairs: [String: String]) {
            out += "\n# \(comment)\n[\(name)]\n"
            for k in pairs.keys.sorted() { out += "\(Self.quote(k)) = \(Self.quote(pairs[k]!))\n" }
        }
        if !columns.isEmpty { section("columns", "bscdesk field = the file's column.", columns) }
        if !states.isEmpty { section("states", "The file's state = \(Self.stateNames.joined(separator: ", ")).", states) }
        section("channels", "Source channel = bscdesk channel (\(Channel.allCases.map(\.rawValue).joined(separator: ", "))).", channels.mapValues(\.rawValue))
        section("categories", "Source category = bscdesk category id ('bscdesk categories' lists them).", categories)
        section("groups", "Source group or department = bscdesk queue. The first group of a ticket is the front desk.", groups)
        section("assignees", "Source assignee = bscdesk login, or \"\" to keep the name as text.", assignees)
        section("priorities", "Source priority = \(Priority.allCases.map(\.rawValue).joined(separator: ", ")).", priorities.mapValues(\.rawValue))
        return out
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) {
                    let h = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
