import BSCCore

/// Why a complete journal line was rejected.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The envelope fields a writer needs from the journal's last line.
public struct LineTail: Sendable, Equatable {
    public var seq: Int64
    public var tickets: Int
    public var hash: String
}

/// Decodes one journal line straight from bytes into an `Event`.
///
/// A hand-written scanner: `JSONDecoder` is ~8× too slow for replay. It
/// accepts any valid JSON object whose fields fit the format, ignores unknown
/// keys (forward compatibility) and rejects everything else with a reason.
public struct EventDecoder {
    public init() {}

    public struct Decoded: Sendable {
        public var event: Event
        public var tickets: Int
        public var hash: String?
    }

    public func decode(_ line: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> Decoded {
        var f = Fields()
        var s = Scanner(p: line)
        try s.parseObject(into: &f)
        return try f.build()
    }

    public func decode(_ bytes: [UInt8]) throws(DecodeError) -> Decoded {
        do {
            return try bytes.withUnsafeBufferPointer { p in try decode(p) }
        } catch let e as DecodeError {
            throw e
        } catch {
            throw DecodeError("\(error)")
        }
    }
}

/// Field names of the format, resolved from key bytes without allocating.
enum Field: UInt8 {
    case v, seq, id, ts, user, type, ref, tickets
    case caller, callerType, callerRef, phone, email, category, queue, priority
    case channel, summary, received, durationMs, details, note, fcr, assignee
    case reason, text, field, from, to, rating, source, h
    case unknown

    static let byLength: [[(bytes: [UInt8], field: Field)]] = {
        let all: [(String, Field)] = [
            ("v", .v), ("seq", .seq), ("id", .id), ("ts", .ts), ("user", .user), ("type", .type),
            ("ref", .ref), ("tickets", .tickets), ("caller", .caller), ("caller_type", .callerType),
            ("caller_ref", .callerRef), ("phone", .phone), ("email", .email), ("category", .category),
            ("queue", .queue), ("priority", .priority), ("channel", .channel), ("summary", .summary),
            ("received", .received), ("duration_ms", .durationMs), ("details", .details), ("note", .note),
            ("fcr", .fcr), ("assignee", .assignee), ("reason", .reason), ("text", .text),
            ("field", .field), ("from", .from), ("to", .to), ("rating", .rating), ("source", .source),
            ("h", .h),
        ]
        var table = [[(bytes: [UInt8], field: Field)]](repeating: [], count: 16)
        for (name, f) in all { table[name.utf8.count].append((Array(name.utf8), f)) }
        return table
    }()

    static func lookup(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Field {
        let n = end - start
        guard n < 16 else { return .unknown }
        candidates: for c in byLength[n] {
            for k in 0..<n where c.bytes[k] != p[start + k] { continue candidates }
            return c.field
        }
        return .unknown
    }
}

private enum Value {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case map([String: String])
    case timestamp(Instant?)
}

/// Collects the fields of one line, then validates them into an event.
private struct Fields {
    var v: Int64?
    var seq: Int64?
    var tickets: Int64?
    var id: String?
    var ts: Instant??
    var user: String?
    var type: String?
    var ref: String?
    var strings: [String?] = Array(repeating: nil, count: 32)
    var received: Instant??
    var durationMs: Int64?
    var rating: Int64?
    var fcr: Bool?
    var details: [String: String]?
    var h: String?

    func str(_ f: Field) -> String? { strings[Int(f.rawValue)] }

    func need(_ f: Field, _ name: String) throws(DecodeError) -> String {
        guard let s = str(f) else { throw DecodeError("missing \"\(name)\"") }
        return s
    }

    func build() throws(DecodeError) -> EventDecoder.Decoded {
        guard let v else { throw DecodeError("missing \"v\"") }
        guard v == Int64(Event.formatVersion) else { throw DecodeError("unsupported format version \(v)") }
        guard let seq, seq > 0 else { throw DecodeError("missing or invalid \"seq\"") }
        guard let id, !id.isEmpty else { throw DecodeError("missing \"id\"") }
        guard let tsOpt = ts else { throw DecodeError("missing \"ts\"") }
        guard let at = tsOpt else { throw DecodeError("\"ts\" is not a UTC timestamp like 2026-11-24T09:05:00.000Z") }
        guard let user else { throw DecodeError("missing \"user\"") }
        guard let type else { throw DecodeError("missing \"type\"") }
        guard let refText = ref, let ref = TicketRef(parsing: refText) else { throw DecodeError("missing or invalid \"ref\"") }
        guard let tickets, tickets >= 0 else { throw DecodeError("missing or invalid \"tickets\"") }
        guard let eventType = EventType(rawValue: type) else { throw DecodeError("unknown event type \"\(type)\"") }

        let body: EventBody
        switch eventType {
        case .opened:
            let ctText = try need(.callerType, "caller_type")
            guard let ct = CallerType(rawValue: ctText) else { throw DecodeError("unknown caller_type \"\(ctText)\"") }
            let caller = Caller(name: try need(.caller, "caller"), type: ct, reference: str(.callerRef), phone: str(.phone), email: str(.email))
            let pText = try need(.priority, "priority")
            guard let priority = Priority(rawValue: pText) else { throw DecodeError("unknown priority \"\(pText)\"") }
            body = .opened(caller: caller, category: try need(.category, "category"), queue: try need(.queue, "queue"),
                           priority: priority, contact: try contact(), details: details ?? [:])
        case .contactLogged:
            body = .contactLogged(try contact())
        case .routed:
            body = .routed(queue: try need(.queue, "queue"), details: details ?? [:], note: str(.note))
        case .assigned:
            body = .assigned(to: try need(.assignee, "assignee"))
        case .pending:
            let r = try need(.reason, "reason")
            guard let reason = PendingReason(rawValue: r) else { throw DecodeError("unknown pending reason \"\(r)\"") }
            body = .pending(reason: reason)
        case .resumed: body = .resumed
        case .resolved:
            guard let fcr else { throw DecodeError("missing \"fcr\"") }
            body = .resolved(note: str(.note), firstContact: fcr)
        case .reopened: body = .reopened(reason: str(.reason))
        case .closed: body = .closed
        case .noted: body = .noted(text: try need(.text, "text"))
        case .corrected:
            let fText = try need(.field, "field")
            guard let field = CorrectableField(rawValue: fText) else { throw DecodeError("unknown corrected field \"\(fText)\"") }
            body = .corrected(field: field, from: try need(.from, "from"), to: try need(.to, "to"))
        case .feedback:
            guard let rating, (1...5).contains(rating) else { throw DecodeError("missing or invalid \"rating\" (1 to 5)") }
            let sText = try need(.source, "source")
            guard let source = FeedbackSource(rawValue: sText) else { throw DecodeError("unknown feedback source \"\(sText)\"") }
            body = .feedback(rating: Int(rating), source: source)
        }
        let event = Event(version: Int(v), seq: seq, id: id, at: at, user: user, ref: ref, body: body)
        return EventDecoder.Decoded(event: event, tickets: Int(tickets), hash: h)
    }

    func contact() throws(DecodeError) -> ContactRecord {
        let cText = try need(.channel, "channel")
        guard let channel = Channel(rawValue: cText) else { throw DecodeError("unknown channel \"\(cText)\"") }
        guard let rOpt = received else { throw DecodeError("missing \"received\"") }
        guard let received = rOpt else { throw DecodeError("\"received\" is not a UTC timestamp") }
        if let d = durationMs, d < 0 { throw DecodeError("negative duration_ms") }
        return ContactRecord(channel: channel, summary: try need(.summary, "summary"), received: received, durationMillis: durationMs)
    }
}

/// A strict JSON scanner over one line.
private struct Scanner {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0

    init(p: UnsafeBufferPointer<UInt8>) { self.p = p }

    mutating func skipSpace() {
        while i < p.count {
            let c = p[i]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { i += 1 } else { return }
        }
    }

    mutating func expect(_ c: UInt8, _ what: String) throws(DecodeError) {
        skipSpace()
        guard i < p.count, p[i] == c else { throw DecodeError("expected \(what) at byte \(i + 1)") }
        i += 1
    }

    mutating func parseObject(into f: inout Fields) throws(DecodeError) {
        try expect(UInt8(ascii: "{"), "'{'")
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                let (ks, ke) = try rawString()
                let field = Field.lookup(p, ks, ke)
                try expect(UInt8(ascii: ":"), "':'")
                try value(for: field, into: &f)
                skipSpace()
                guard i < p.count else { throw DecodeError("unterminated object") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw DecodeError("expected ',' or '}' at byte \(i + 1)")
            }
        }
        skipSpace()
        guard i == p.count else { throw DecodeError("unexpected bytes after the object at byte \(i + 1)") }
    }

    mutating func value(for field: Field, into f: inout Fields) throws(DecodeError) {
        skipSpace()
        guard i < p.count else { throw DecodeError("missing value") }
        switch field {
        case .ts, .received:
            let (s, e, escaped) = try stringBounds()
            var t: Instant? = nil
            if !escaped {
                t = Timestamp.parse(UnsafeBufferPointer(rebasing: p[s..<e]))
            }
            if field == .ts { f.ts = .some(t) } else { f.received = .some(t) }
        case .v: f.v = try integer("v")
        case .seq: f.seq = try integer("seq")
        case .tickets: f.tickets = try integer("tickets")
        case .durationMs: f.durationMs = try integer("duration_ms")
        case .rating: f.rating = try integer("rating")
        case .fcr: f.fcr = try boolean("fcr")
        case .details: f.details = try stringMap()
        case .id: f.id = try string()
        case .user: f.user = try string()
        case .type: f.type = try string()
        case .ref: f.ref = try string()
        case .h: f.h = try string()
        case .unknown: try skipValue(depth: 0)
        default:
            if p[i] == UInt8(ascii: "n") { try literal("null"); return }
            f.strings[Int(field.rawValue)] = try string()
        }
    }

    mutating func integer(_ name: String) throws(DecodeError) -> Int64 {
        skipSpace()
        var neg = false
        if i < p.count, p[i] == UInt8(ascii: "-") { neg = true; i += 1 }
        var v: Int64 = 0
        let start = i
        while i < p.count, p[i] >= 48, p[i] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(p[i] - 48))
            guard !o1, !o2 else { throw DecodeError("\"\(name)\" is too large") }
            v = a
            i += 1
        }
        guard i > start else { throw DecodeError("\"\(name)\" must be an integer") }
        if i < p.count, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            throw DecodeError("\"\(name)\" must be an integer")
        }
        return neg ? -v : v
    }

    mutating func boolean(_ name: String) throws(DecodeError) -> Bool {
        if i < p.count, p[i] == UInt8(ascii: "t") { try literal("true"); return true }
        if i < p.count, p[i] == UInt8(ascii: "f") { try literal("false"); return false }
        throw DecodeError("\"\(name)\" must be true or false")
    }

    mutating func literal(_ word: StaticString) throws(DecodeError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= p.count else { throw DecodeError("truncated literal") }
        let ok = word.withUTF8Buffer { w in (0..<n).allSatisfy { p[i + $0] == w[$0] } }
        guard ok else { throw DecodeError("invalid literal at byte \(i + 1)") }
        i += n
    }

    /// Bounds of a string's raw contents; `escaped` if it holds backslashes.
    mutating func stringBounds() throws(DecodeError) -> (Int, Int, Bool) {
        guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw DecodeError("expected a string at byte \(i + 1)") }
        i += 1
        let start = i
        var escaped = false
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; return (start, i - 1, escaped) }
            if c == UInt8(ascii: "\\") { escaped = true; i += 2; continue }
            if c < 0x20 { throw DecodeError("raw control character in a string at byte \(i + 1)") }
            i += 1
        }
        throw DecodeError("unterminated string")
    }

    mutating func rawString() throws(DecodeError) -> (Int, Int) {
        let (s, e, escaped) = try stringBounds()
        // Escaped keys are legal JSON but never written by bscdesk; treat
        // them as unknown rather than decode them.
        return escaped ? (s, s) : (s, e)
    }

    mutating func string() throws(DecodeError) -> String {
        skipSpace()
        let (s, e, escaped) = try stringBounds()
        if !escaped {
            guard let str = String(validating: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self) else {
                throw DecodeError("invalid UTF-8 in a string at byte \(s + 1)")
            }
            return str
        }
        return try unescape(s, e)
    }

    func unescape(_ s: Int, _ e: Int) throws(DecodeError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        var j = s
        func hex4(_ at: Int) throws(DecodeError) -> UInt32 {
            guard at + 4 <= e else { throw DecodeError("truncated \\u escape") }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = p[k]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 65...70: d = UInt32(c - 55)
                case 97...102: d = UInt32(c - 87)
                default: throw DecodeError("bad \\u escape")
                }
                v = v << 4 | d
            }
            return v
        }
        while j < e {
            let c = p[j]
            if c != UInt8(ascii: "\\") { out.append(c); j += 1; continue }
            guard j + 1 < e else { throw DecodeError("bad escape") }
            let n = p[j + 1]
            j += 2
            switch n {
            case UInt8(ascii: "\""): out.append(34)
            case UInt8(ascii: "\\"): out.append(92)
            case UInt8(ascii: "/"): out.append(47)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var scalar = try hex4(j)
                j += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard j + 6 <= e, p[j] == 92, p[j + 1] == UInt8(ascii: "u") else { throw DecodeError("unpaired surrogate") }
                    let low = try hex4(j + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw DecodeError("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    j += 6
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw DecodeError("unpaired surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw DecodeError("bad \\u escape") }
                out.append(contentsOf: String(Character(u)).utf8)
            default: throw DecodeError("bad escape \\\(Character(Unicode.Scalar(n)))")
            }
        }
        guard let str = String(validating: out, as: UTF8.self) else { throw DecodeError("invalid UTF-8 in a string") }
        return str
    }

    mutating func stringMap() throws(DecodeError) -> [String: String] {
        try expect(UInt8(ascii: "{"), "'{'")
        var map: [String: String] = [:]
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return map }
        while true {
            skipSpace()
            let k = try string()
            try expect(UInt8(ascii: ":"), "':'")
            map[k] = try string()
            skipSpace()
            guard i < p.count else { throw DecodeError("unterminated details") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return map }
            throw DecodeError("expected ',' or '}' in details at byte \(i + 1)")
        }
    }

    mutating func skipValue(depth: Int) throws(DecodeError) {
        guard depth < 32 else { throw DecodeError("nesting too deep") }
        skipSpace()
        guard i < p.count else { throw DecodeError("missing value") }
        switch p[i] {
        case UInt8(ascii: "\""): _ = try stringBounds()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = p[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipSpace()
            if i < p.count, p[i] == close { i += 1; return }
            while true {
                if isObject {
                    skipSpace()
                    _ = try stringBounds()
                    try expect(UInt8(ascii: ":"), "':'")
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                guard i < p.count else { throw DecodeError("unterminated value") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == close { i += 1; return }
                throw DecodeError("malformed value at byte \(i + 1)")
            }
        default:
            let start = i
            while i < p.count, (p[i] >= 48 && p[i] <= 57) || p[i] == 45 || p[i] == 43 || p[i] == 46 || p[i] == 101 || p[i] == 69 {
                i += 1
            }
            guard i > start else { throw DecodeError("unexpected byte at \(i + 1)") }
        }
    }
}
