import Foundation

/// The version of the wire protocol this build speaks. Raise it when a
/// message changes meaning; docs/protocol.md lists every version.
public let protocolVersion = 4

/// The oldest client version the server still answers: versions 2 and 3
/// only added commands, messages and response fields, so a version 1
/// client's messages mean the same (a site upgrades the server first, then
/// the clients).
public let oldestClientProtocolVersion = 1

/// Exit statuses, shared with the command line (README, "Exit codes"):
/// a response carries the status the CLI would have exited with.
public enum WireStatus {
    public static let ok = 0
    public static let usage = 64
    public static let refused = 65
    public static let ioFailure = 74
    public static let outcomeUnknown = 75
    public static let notPermitted = 77
    public static let config = 78
}

/// The client's first frame.
public struct Hello: Codable, Sendable, Equatable {
    public var type = "hello"
    public var `protocol`: Int
    /// Free text for the server's log ("bscdesk 1"); never used for identity.
    public var client: String

    public init(protocol: Int = protocolVersion, client: String) {
        self.protocol = `protocol`
        self.client = client
    }
}

/// The server's answer to a hello it accepts: who the kernel says the
/// client is.
public struct Welcome: Codable, Sendable, Equatable {
    public var type = "welcome"
    public var `protocol`: Int
    public var login: String
    public var role: String

    public init(protocol: Int = protocolVersion, login: String, role: String) {
        self.protocol = `protocol`
        self.login = login
        self.role = role
    }
}

/// The server refuses the connection (wrong version, unknown login) and
/// closes it. `message` is one line.
public struct Refusal: Codable, Sendable, Equatable {
    public var type = "refused"
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }
}

/// The commands the server executes in this protocol version.
public enum CommandName: String, Codable, Sendable, CaseIterable {
    // Version 1.
    case log, list, show, note, resolve, stats
    // Version 2: every other ticket command, the printed board, files
    // streamed back (export, sar), data protection and configuration.
    case contact, edit, route, assign, pending, resume, reopen, close, feedback
    case verifyIdentity = "verify-identity"
    case callback
    case `return`
    case merge, link, triage, board, export, sar, erase, retention, config
    // Version 4: the checks and look-ups that ran only in-process
    // (AdminMessages.swift).
    case verify, doctor, categories, migrate
    case `import`
}

public struct LogArgs: Codable, Sendable, Equatable {
    public var caller: String
    public var callerRef: String?
    public var callerType: String
    public var phone: String?
    public var email: String?
    public var channel: String
    public var category: String
    public var summary: String
    public var duration: String?
    public var received: String?
    public var priority: String?
    public var details: [String]
    public var resolved: Bool
    public var route: String?
    public var verified: String?
    public var callback: String?

    public init(caller: String, callerRef: String? = nil, callerType: String = "employee", phone: String? = nil, email: String? = nil,
                channel: String, category: String, summary: String, duration: String? = nil, received: String? = nil,
                priority: String? = nil, details: [String] = [], resolved: Bool = false, route: String? = nil,
                verified: String? = nil, callback: String? = nil) {
        self.caller = caller
        self.callerRef = callerRef
        self.callerType = callerType
        self.phone = phone
        self.email = email
        self.channel = channel
        self.category = category
        self.summary = summary
        self.duration = duration
        self.received = received
        self.priority = priority
        self.details = details
        self.resolved = resolved
        self.route = route
        self.verified = verified
        self.callback = callback
    }
}

public struct ListArgs: Codable, Sendable, Equatable {
    public var queue: String?
    public var status: String?
    public var caller: String?
    public var assignee: String?
    public var format: String
    public var due: Bool

    public init(queue: String? = nil, status: String? = nil, caller: String? = nil, assignee: String? = nil, format: String = "table", due: Bool = false) {
        self.queue = queue
        self.status = status
        self.caller = caller
        self.assignee = assignee
        self.format = format
        self.due = due
    }
}

public struct ShowArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var format: String
    public init(ref: String, format: String = "text") {
        self.ref = ref
        self.format = format
    }
}

public struct NoteArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var text: String
    public init(ref: String, text: String) {
        self.ref = ref
        self.text = text
    }
}

public struct ResolveArgs: Codable, Sendable, Equatable {
    public var ref: String
    public var note: String?
    public init(ref: String, note: String? = nil) {
        self.ref = ref
        self.note = note
    }
}

public struct StatsArgs: Codable, Sendable, Equatable {
    public var period: String?
    public var from: String?
    public var to: String?
    public var by: [String]
    public var series: String?
    public var format: String

    public init(period: String? = nil, from: String? = nil, to: String? = nil, by: [String] = [], series: String? = nil, format: String = "table") {
        self.period = period
        self.from = from
        self.to = to
        self.by = by
        self.series = series
        self.format = format
    }
}

/// One command to run as the connection's login. Exactly the field named
/// by `command` is set.
public struct Request: Codable, Sendable, Equatable {
    public var type = "request"
    /// Chosen by the client; the response carries it back.
    public var id: Int
    public var command: CommandName
    /// For commands that append: the id of the first event written,
    /// made by the client (32 lowercase hex digits). A request resent
    /// with an id the server has already written is answered from that
    /// first write and appends nothing.
    public var eventId: String?
    public var log: LogArgs?
    public var list: ListArgs?
    public var show: ShowArgs?
    public var note: NoteArgs?
    public var resolve: ResolveArgs?
    public var stats: StatsArgs?
    // Version 2 (TicketMessages.swift, DeskMessages.swift).
    public var contact: ContactArgs?
    public var edit: EditArgs?
    public var route: RouteArgs?
    public var assign: AssignArgs?
    public var pending: PendingArgs?
    public var resume: RefArgs?
    public var reopen: ReopenArgs?
    public var close: RefArgs?
    public var feedback: FeedbackArgs?
    public var verifyIdentity: VerifyIdentityArgs?
    public var callback: CallbackArgs?
    public var `return`: ReturnArgs?
    public var merge: MergeArgs?
    public var link: LinkArgs?
    public var triage: TriageArgs?
    public var board: BoardArgs?
    public var export: ExportArgs?
    public var sar: SarArgs?
    public var erase: EraseArgs?
    public var retention: RetentionArgs?
    public var config: ConfigArgs?
    // Version 4 (AdminMessages.swift).
    public var verify: VerifyArgs?
    public var doctor: DoctorArgs?
    public var categories: CategoriesArgs?
    public var migrate: MigrateArgs?
    public var `import`: ImportArgs?

    public init(id: Int, eventId: String? = nil, log: LogArgs) { self.init(id, .log, eventId); self.log = log }
    public init(id: Int, list: ListArgs) { self.init(id, .list, nil); self.list = list }
    public init(id: Int, show: ShowArgs) { self.init(id, .show, nil); self.show = show }
    public init(id: Int, eventId: String? = nil, note: NoteArgs) { self.init(id, .note, eventId); self.note = note }
    public init(id: Int, eventId: String? = nil, resolve: ResolveArgs) { self.init(id, .resolve, eventId); self.resolve = resolve }
    public init(id: Int, stats: StatsArgs) { self.init(id, .stats, nil); self.stats = stats }

    init(_ id: Int, _ command: CommandName, _ eventId: String?) {
        self.id = id
        self.command = command
        self.eventId = eventId
    }

    /// Whether the request appends (and so takes an event id).
    public var appends: Bool {
        switch command {
        case .list, .show, .stats, .triage, .board, .export, .verify, .doctor, .categories: return false
        // A migration writes a whole new journal, not events with ids; a
        // second run says it is done.
        case .migrate: return false
        // Imported events have ids of their own, made from the source
        // (a second import of the same file adds nothing).
        case .import: return self.import?.step == .write || self.import?.step == .void
        case .erase: return erase?.preview == false
        case .retention: return retention?.apply == true
        case .config: return config?.action == "set" || config?.action == "replace"
        default: return true
        }
    }
}

/// The outcome of one request: what the CLI would have printed and the
/// status it would have exited with.
public struct Response: Codable, Sendable, Equatable {
    public var type = "response"
    public var id: Int
    public var status: Int
    /// Standard output, as the CLI prints it.
    public var output: String
    /// Lines for standard error (warnings, notices), without "bscdesk: ".
    public var warnings: [String]
    /// One line when status is not 0.
    public var error: String?
    /// Version 2: files for the client to write as its own user (`export`,
    /// `sar`); the server never opens a path a client names.
    public var files: [OutputFile]?
    /// Version 2: the tickets a request selected (an erasure's preview),
    /// so the client can confirm exactly those.
    public var tickets: [String]?
    /// Version 4: counts the client needs to ask its question (an
    /// import's plan: `tickets`, `events`).
    public var figures: [String: Int]?

    public init(id: Int, status: Int = WireStatus.ok, output: String = "", warnings: [String] = [], error: String? = nil,
                files: [OutputFile]? = nil, tickets: [String]? = nil, figures: [String: Int]? = nil) {
        self.id = id
        self.figures = figures
        self.status = status
        self.output = output
        self.warnings = warnings
        self.error = error
        self.files = files
        self.tickets = tickets
    }
}

/// A file's content for the client to write: at the `--out` path plus
/// `suffix` ("" for the file itself, ".md" or ".definitions.md" beside it).
public struct OutputFile: Codable, Sendable, Equatable {
    public var suffix: String
    public var content: String
    public init(suffix: String, content: String) {
        self.suffix = suffix
        self.content = content
    }
}

/// A message on the wire, told apart by its `type` field.
public enum Message: Sendable, Equatable {
    case hello(Hello)
    case welcome(Welcome)
    case refused(Refusal)
    case request(Request)
    case response(Response)
    // Version 3: the front desk's screens run on the server
    // (ScreenMessages.swift).
    case screenOpen(ScreenOpen)
    case keys(ScreenKeys)
    case resize(ScreenResize)
    case frame(ScreenFrame)
    case draft(ScreenDraft)
    case file(ScreenFile)
    case screenClosed(ScreenClosed)

    public func encoded() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let data: Data?
        switch self {
        case .hello(let m): data = try? e.encode(m)
        case .welcome(let m): data = try? e.encode(m)
        case .refused(let m): data = try? e.encode(m)
        case .request(let m): data = try? e.encode(m)
        case .response(let m): data = try? e.encode(m)
        case .screenOpen(let m): data = try? e.encode(m)
        case .keys(let m): data = try? e.encode(m)
        case .resize(let m): data = try? e.encode(m)
        case .frame(let m): data = try? e.encode(m)
        case .draft(let m): data = try? e.encode(m)
        case .file(let m): data = try? e.encode(m)
        case .screenClosed(let m): data = try? e.encode(m)
        }
        // These types hold only strings, numbers and booleans: encoding
        // cannot fail.
        return Array(data ?? Data())
    }

    public func framed() -> [UInt8] { Frame.encode(encoded()) }

    private struct Envelope: Decodable { var type: String }

    public static func decode(_ payload: [UInt8]) throws(ProtocolError) -> Message {
        let d = JSONDecoder()
        let data = Data(payload)
        do {
            let type = try d.decode(Envelope.self, from: data).type
            switch type {
            case "hello": return .hello(try d.decode(Hello.self, from: data))
            case "welcome": return .welcome(try d.decode(Welcome.self, from: data))
            case "refused": return .refused(try d.decode(Refusal.self, from: data))
            case "request": return .request(try d.decode(Request.self, from: data))
            case "response": return .response(try d.decode(Response.self, from: data))
            case ScreenOpen.typeName: return .screenOpen(try d.decode(ScreenOpen.self, from: data))
            case ScreenKeys.typeName: return .keys(try d.decode(ScreenKeys.self, from: data))
            case ScreenResize.typeName: return .resize(try d.decode(ScreenResize.self, from: data))
            case ScreenFrame.typeName: return .frame(try d.decode(ScreenFrame.self, from: data))
            case ScreenDraft.typeName: return .draft(try d.decode(ScreenDraft.self, from: data))
            case ScreenFile.typeName: return .file(try d.decode(ScreenFile.self, from: data))
            case ScreenClosed.typeName: return .screenClosed(try d.decode(ScreenClosed.self, from: data))
            default: throw ProtocolError.malformed("unknown message type \"\(type.prefix(40))\": expected hello, welcome, refused, request, response or a screen message (screen.open, keys, resize, frame, draft, file, screen.closed)")
            }
        } catch let e as ProtocolError {
            throw e
        } catch let e as DecodingError {
            throw .malformed(describe(e))
        } catch {
            throw .malformed("not a JSON object")
        }
    }

    private static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let k, _): return "missing field \"\(k.stringValue)\""
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "wrong type for \"\(c.codingPath.map(\.stringValue).joined(separator: "."))\""
        case .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not a JSON object" : "bad value for \"\(path)\""
        @unknown default: return "not a JSON object"
        }
    }
}

public enum ProtocolError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self { case .malformed(let m): return "malformed message: " + m }
    }
}

/// Client-made event ids: 32 lowercase hex digits, as the desk makes them.
public enum EventIds {
    public static func isValid(_ s: String) -> Bool {
        s.utf8.count == 32 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public static func random() -> String {
        var g = SystemRandomNumberGenerator()
        func hex16(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex16(g.next()) + hex16(g.next())
    }
}

public enum Handshake {
    /// The message a version mismatch gives, naming both versions.
    public static func versionMismatch(client: Int, server: Int) -> String {
        if client < server {
            return "protocol version mismatch: this client speaks version \(client), the server speaks version \(server) and no longer answers it; upgrade the client"
        }
        return "protocol version mismatch: this client speaks version \(client), the server speaks version \(server); upgrade the server first, then the clients"
    }

    /// Whether a server of this build answers a client speaking `version`.
    public static func serverAccepts(_ version: Int) -> Bool {
        (oldestClientProtocolVersion...protocolVersion).contains(version)
    }
}
