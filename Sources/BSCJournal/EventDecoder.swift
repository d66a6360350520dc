import BSCCore
#if canImport(Glibc)
import Glibc
#endif

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
    /// Replay does not need event ids or chain hashes as strings; `verify`
    /// and the writer's tail do.
    public var keepIdsAndHashes: Bool
    /// Leave a valid `enc` blob in the line (`Decoded.encBytes`) instead
    /// of copying it into `event.enc`: set by a parallel replay whose
    /// prepare step decrypts it while the line is still in memory.
    var blobsInPlace = false
    let interner: StringInterner

    public init(keepIdsAndHashes: Bool = true) {
        self.keepIdsAndHashes = keepIdsAndHashes
        self.interner = StringInterner()
    }

    public struct Decoded: Sendable {
        public var event: Event
        public var tickets: Int
        public var hash: String?
        /// Set by a replay's `prepare` step (run on the decoding threads)
        /// once it has dealt with the event's encrypted content.
        public var prepared = false
        /// The body as written, kept by `prepare` when it decrypted it, so
        /// the fold can still withhold it (a ticket it knows is restricted).
        public var sealedBody: EventBody?
        /// The `enc` blob where it lies in the line, in place of
        /// `event.enc`, while a parallel replay's `prepare` runs; nil
        /// otherwise. The line's buffer is reused afterwards: `prepare`
        /// must not keep it. Left unprepared, the event gets its `enc`
        /// string back; prepared, it has none (the fold keeps no ciphertext).
        public var encBytes: EncBytes?
    }

    /// An `enc` blob's bytes in the line being decoded (checked ASCII and
    /// unescaped, as `event.enc` would have been).
    public struct EncBytes: @unchecked Sendable {
        let base: UnsafePointer<UInt8>
        let count: Int
        public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
        public var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    public func decode(_ line: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> Decoded {
        var f = Fields()
        var s = Scanner(p: line, interner: interner, keepIds: keepIdsAndHashes)
        try s.parseObject(into: &f)
        guard blobsInPlace, let sp = f.enc, !sp.escaped, let base = line.baseAddress else { return try s.build(f) }
        let blob = UnsafeBufferPointer(rebasing: line[Int(sp.start)..<Int(sp.end)])
        // Anything but ASCII goes the usual way, to be validated (or rejected) as text.
        guard isASCII(blob) else { return try s.build(f) }
        f.enc = nil
        var d = try s.build(f)
        d.encBytes = EncBytes(base: base + Int(sp.start), count: blob.count)
        return d
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
    case sealed, how, callback, into, of
    case sourceAt, batch, sourceSystem, sourceFile, sourceRow, sourceRef, sourceCategory
    case enc, xn, xr, xt, refs, basis
    case head, headSeq, segments, archive, migrated
    case unknown

    /// Resolves a key by its length and first byte, then confirms it with
    /// memcmp: no allocation, no hashing.
    static func lookup(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Field {
        let n = end - start
        guard n > 0, let base = p.baseAddress else { return .unknown }
        let k = base + start
        func is_(_ name: StaticString, _ f: Field) -> Field {
            memcmp(k, name.utf8Start, n) == 0 ? f : .unknown
        }
        switch (n, k[0]) {
        case (1, 118): return .v
        case (1, 104): return .h
        case (2, 105): return is_("id", .id)
        case (2, 111): return is_("of", .of)
        case (2, 120): return k[1] == 110 ? .xn : k[1] == 114 ? .xr : k[1] == 116 ? .xt : .unknown
        case (3, 101): return is_("enc", .enc)
        case (4, 114): return is_("refs", .refs)
        case (5, 98): return k[2] == 115 ? is_("basis", .basis) : is_("batch", .batch)
        case (3, 104): return is_("how", .how)
        case (4, 104): return is_("head", .head)
        case (8, 104): return is_("head_seq", .headSeq)
        case (8, 115): return is_("segments", .segments)
        case (8, 109): return is_("migrated", .migrated)
        case (7, 97): return is_("archive", .archive)
        case (4, 105): return is_("into", .into)
        case (2, 116): return k[1] == 115 ? .ts : is_("to", .to)
        case (3, 115): return is_("seq", .seq)
        case (3, 114): return is_("ref", .ref)
        case (3, 102): return is_("fcr", .fcr)
        case (4, 117): return is_("user", .user)
        case (4, 116): return k[1] == 121 ? is_("type", .type) : is_("text", .text)
        case (4, 110): return is_("note", .note)
        case (4, 102): return is_("from", .from)
        case (5, 112): return is_("phone", .phone)
        case (5, 101): return is_("email", .email)
        case (5, 113): return is_("queue", .queue)
        case (5, 102): return is_("field", .field)
        case (6, 99): return is_("caller", .caller)
        case (6, 114): return k[2] == 97 ? is_("reason", .reason) : is_("rating", .rating)
        case (6, 115): return k[1] == 111 ? is_("source", .source) : is_("sealed", .sealed)
        case (7, 116): return is_("tickets", .tickets)
        case (7, 99): return is_("channel", .channel)
        case (7, 115): return is_("summary", .summary)
        case (7, 100): return is_("details", .details)
        case (8, 99): return k[2] == 116 ? is_("category", .category) : is_("callback", .callback)
        case (8, 112): return is_("priority", .priority)
        case (8, 114): return is_("received", .received)
        case (8, 97): return is_("assignee", .assignee)
        case (10, 99): return is_("caller_ref", .callerRef)
        case (11, 99): return is_("caller_type", .callerType)
        case (11, 100): return is_("duration_ms", .durationMs)
        case (9, 115): return is_("source_at", .sourceAt)
        case (10, 115): return k[8] == 111 ? is_("source_row", .sourceRow) : is_("source_ref", .sourceRef)
        case (11, 115): return is_("source_file", .sourceFile)
        case (13, 115): return is_("source_system", .sourceSystem)
        case (15, 115): return is_("source_category", .sourceCategory)
        default: return .unknown
        }
    }
}

/// Where a string value sits in the line: the byte bounds of its contents
/// (without the quotes) and whether it holds escapes. Plain integers, so
/// the per-line field table holds nothing to retain or release: strings
/// are made in `build()` only for the fields the event type uses.
struct Span {
    var start: Int32
    var end: Int32
    var escaped: Bool
}

/// Collects the fields of one line; `Scanner.build` validates them into an
/// event. Trivially copyable apart from `details`.
private struct Fields {
    var v: Int64?
    var seq: Int64?
    var tickets: Int64?
    var ts: Instant??
    var type: EventType?
    var typeSpan: Span?
    var refNumber: Int?
    var received: Instant??
    var durationMs: Int64?
    var rating: Int64?
    var fcr: Bool?
    /// `"fcr": null`: an imported resolution that does not know.
    var fcrNull = false
    var sourceAt: Instant??
    var migrated: Instant??
    var headSeq: Int64?
    var sourceRow: Int64?
    var batch: Span?, sourceSystem: Span?, sourceFile: Span?, sourceRef: Span?, sourceCategory: Span?
    var details: [String: String]?
    var id: Span?, h: Span?, user: Span?
    var caller: Span?, callerType: Span?, callerRef: Span?, phone: Span?, email: Span?
    var category: Span?, queue: Span?, priority: Span?, channel: Span?, summary: Span?
    var note: Span?, assignee: Span?, reason: Span?, text: Span?, field: Span?
    var from: Span?, to: Span?, source: Span?
    var sealed: Span?, how: Span?, callback: Span?, into: Span?, of: Span?
    var enc: Span?, xn: Span?, xr: Span?, xt: Span?, refs: Span?, basis: Span?
    var head: Span?, segments: Span?, archive: Span?

    mutating func set(_ f: Field, _ value: Span) {
        switch f {
        case .caller: caller = value
        case .callerType: callerType = value
        case .callerRef: callerRef = value
        case .phone: phone = value
        case .email: email = value
        case .category: category = value
        case .queue: queue = value
        case .priority: priority = value
        case .channel: channel = value
        case .summary: summary = value
        case .note: note = value
        case .assignee: assignee = value
        case .reason: reason = value
        case .text: text = value
        case .field: field = value
        case .from: from = value
        case .to: to = value
        case .source: source = value
        case .sealed: sealed = value
        case .how: how = value
        case .callback: callback = value
        case .into: into = value
        case .of: of = value
        case .batch: batch = value
        case .sourceSystem: sourceSystem = value
        case .sourceFile: sourceFile = value
        case .sourceRef: sourceRef = value
        case .sourceCategory: sourceCategory = value
        case .enc: enc = value
        case .xn: xn = value
        case .xr: xr = value
        case .xt: xt = value
        case .refs: refs = value
        case .basis: basis = value
        case .head: head = value
        case .segments: segments = value
        case .archive: archive = value
        case .id: id = value
        case .h: h = value
        case .user: user = value
        default: break
        }
    }

    func span(_ f: Field) -> Span? {
        switch f {
        case .caller: return caller
        case .callerType: return callerType
        case .callerRef: return callerRef
        case .phone: return phone
        case .email: return email
        case .category: return category
        case .queue: return queue
        case .priority: return priority
        case .channel: return channel
        case .summary: return summary
        case .note: return note
        case .assignee: return assignee
        case .reason: return reason
        case .text: return text
        case .field: return field
        case .from: return from
        case .to: return to
        case .source: return source
        case .sealed: return sealed
        case .how: return how
        case .callback: return callback
        case .into: return into
        case .of: return of
        case .batch: return batch
        case .sourceSystem: return sourceSystem
        case .sourceFile: return sourceFile
        case .sourceRef: return sourceRef
        case .sourceCategory: return sourceCategory
        case .enc: return enc
        case .xn: return xn
        case .xr: return xr
        case .xt: return xt
        case .refs: return refs
        case .basis: return basis
        case .head: return head
        case .segments: return segments
        case .archive: return archive
        case .id: return id
        case .h: return h
        case .user: return user
        default: return nil
        }
    }
}

/// Turning a line's fields into an event: strings are made here, from the
/// spans, and only for the fields the event type uses.
extension Scanner {
    func text(_ sp: Span) throws(DecodeError) -> String {
        let s = Int(sp.start), e = Int(sp.end)
        if sp.escaped { return try unescape(s, e) }
        let bytes = UnsafeBufferPointer(rebasing: p[s..<e])
        // ASCII needs no validation, and most fields are ASCII.
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        guard let str = String(validating: bytes, as: UTF8.self) else {
            throw DecodeError("invalid UTF-8 in a string at byte \(s + 1)")
        }
        return str
    }

    /// A value that repeats across lines (logins, queue and category ids):
    /// one shared copy, no allocation per line.
    func repeated(_ sp: Span) throws(DecodeError) -> String {
        if sp.escaped { return try text(sp) }
        return try interner.string(UnsafeBufferPointer(rebasing: p[Int(sp.start)..<Int(sp.end)]))
    }

    func str(_ f: Fields, _ field: Field) throws(DecodeError) -> String? {
        guard let sp = f.span(field) else { return nil }
        return try text(sp)
    }

    func need(_ f: Fields, _ field: Field, _ name: String) throws(DecodeError) -> Span {
        guard let sp = f.span(field) else { throw DecodeError("missing \"\(name)\"") }
        return sp
    }

    func needText(_ f: Fields, _ field: Field, _ name: String) throws(DecodeError) -> String {
        try text(try need(f, field, name))
    }

    func needRepeated(_ f: Fields, _ field: Field, _ name: String) throws(DecodeError) -> String {
        try repeated(try need(f, field, name))
    }

    /// An enum value matched on its bytes (a string switch per line is
    /// measurable in replay).
    func need<E: WireEnum>(_ f: Fields, _ field: Field, _ name: String, as _: E.Type, kind: String? = nil) throws(DecodeError) -> E {
        let sp = try need(f, field, name)
        if !sp.escaped, let e = E.lookup(UnsafeBufferPointer(rebasing: p[Int(sp.start)..<Int(sp.end)])) { return e }
        throw DecodeError("unknown \(kind ?? name) \"\(try text(sp))\"")
    }

    func build(_ f: Fields) throws(DecodeError) -> EventDecoder.Decoded {
        guard let v = f.v else { throw DecodeError("missing \"v\"") }
        guard v == Int64(Event.formatVersion) else { throw DecodeError("unsupported format version \(v)") }
        guard let seq = f.seq, seq > 0 else { throw DecodeError("missing or invalid \"seq\"") }
        guard let idSpan = f.id else { throw DecodeError("missing \"id\"") }
        guard let tsOpt = f.ts else { throw DecodeError("missing \"ts\"") }
        guard let at = tsOpt else { throw DecodeError("\"ts\" is not a UTC timestamp like 2026-11-24T09:05:00.000Z") }
        guard let userSpan = f.user else { throw DecodeError("missing \"user\"") }
        guard let typeSpan = f.typeSpan else { throw DecodeError("missing \"type\"") }
        guard let eventType = f.type else { throw DecodeError("unknown event type \"\(try text(typeSpan))\"") }
        let ref: TicketRef
        if eventType.namesNoTicket {
            guard f.refNumber == nil else { throw DecodeError("a \(eventType.rawValue) event names no ticket: unexpected \"ref\"") }
            ref = .none
        } else {
            guard let refNumber = f.refNumber else { throw DecodeError("missing or invalid \"ref\"") }
            ref = TicketRef(refNumber)
        }
        guard let tickets = f.tickets, tickets >= 0 else { throw DecodeError("missing or invalid \"tickets\"") }

        let body: EventBody
        switch eventType {
        case .opened:
            let ct = try need(f, .callerType, "caller_type", as: CallerType.self)
            var caller = Caller(name: try needText(f, .caller, "caller"), type: ct, reference: try str(f, .callerRef),
                                phone: try str(f, .phone), email: try str(f, .email))
            caller.nameIndex = try str(f, .xn)
            caller.referenceIndex = try str(f, .xr)
            let priority = try need(f, .priority, "priority", as: Priority.self)
            body = .opened(caller: caller, category: try needRepeated(f, .category, "category"), queue: try needRepeated(f, .queue, "queue"),
                           priority: priority, contact: try contact(f), details: f.details ?? [:])
        case .contactLogged:
            body = .contactLogged(try contact(f))
        case .routed:
            body = .routed(queue: try needRepeated(f, .queue, "queue"), details: f.details ?? [:], note: try str(f, .note))
        case .assigned:
            body = .assigned(to: try needRepeated(f, .assignee, "assignee"))
        case .pending:
            body = .pending(reason: try need(f, .reason, "reason", as: PendingReason.self, kind: "pending reason"))
        case .resumed: body = .resumed
        case .resolved:
            if f.fcrNull {
                guard f.batch != nil else { throw DecodeError("\"fcr\": null is only for imported events (with \"batch\")") }
                body = .resolved(note: try str(f, .note), firstContact: false)
            } else {
                guard let fcr = f.fcr else { throw DecodeError("missing \"fcr\"") }
                body = .resolved(note: try str(f, .note), firstContact: fcr)
            }
        case .reopened: body = .reopened(reason: try str(f, .reason))
        case .closed: body = .closed
        case .noted: body = .noted(text: try needText(f, .text, "text"))
        case .corrected:
            let field = try need(f, .field, "field", as: CorrectableField.self, kind: "corrected field")
            body = .corrected(field: field, from: try needText(f, .from, "from"), to: try needText(f, .to, "to"))
        case .feedback:
            guard let rating = f.rating, (1...5).contains(rating) else { throw DecodeError("missing or invalid \"rating\" (1 to 5)") }
            body = .feedback(rating: Int(rating), source: try need(f, .source, "source", as: FeedbackSource.self, kind: "feedback source"))
        case .identityVerified:
            body = .identityVerified(how: try needText(f, .how, "how"))
        case .callbackSet:
            let c = try needText(f, .callback, "callback")
            if c.isEmpty {
                body = .callbackSet(at: nil)
            } else {
                guard let when = Timestamp.parse(c) else { throw DecodeError("\"callback\" is not a UTC timestamp like 2026-11-24T09:05:00.000Z") }
                body = .callbackSet(at: when)
            }
        case .merged:
            body = .merged(into: try refField(f, .into, "into"))
        case .absorbed:
            body = .absorbed(from: try refField(f, .from, "from"))
        case .linked:
            body = .linked(to: try refField(f, .to, "to"))
        case .viewed:
            body = .viewed
        case .sealedContent:
            body = .sealedContent(of: try needText(f, .of, "of"), content: f.details ?? [:])
        case .erased:
            body = .erased(tickets: try refList(f), reason: try needText(f, .reason, "reason"), basis: try needText(f, .basis, "basis"))
        case .accessed:
            body = .accessed(tickets: try refList(f))
        case .configChanged:
            body = .configChanged(key: try needText(f, .field, "field"), from: try str(f, .from), to: try str(f, .to))
        case .importVoided:
            body = .importVoided(batch: try needText(f, .batch, "batch"))
        case .journalMigrated:
            body = .journalMigrated(try migration(f))
        }
        var source: ImportSource? = nil
        if eventType != .importVoided, let batchSpan = f.batch {
            guard let atOpt = f.sourceAt else { throw DecodeError("missing \"source_at\" on an imported event") }
            guard let sourceAt = atOpt else { throw DecodeError("\"source_at\" is not a UTC timestamp like 2026-11-24T09:05:00.000Z") }
            guard let row = f.sourceRow, row >= 0, row <= Int64(Int32.max) else { throw DecodeError("missing or invalid \"source_row\"") }
            source = ImportSource(batch: try repeated(batchSpan), system: try needRepeated(f, .sourceSystem, "source_system"),
                                  file: try needRepeated(f, .sourceFile, "source_file"), row: Int(row), at: sourceAt)
            if eventType == .opened {
                guard let sourceRef = try str(f, .sourceRef) else { throw DecodeError("missing \"source_ref\" on an imported ticket.opened") }
                source?.sourceRef = sourceRef
                source?.sourceCategory = try f.sourceCategory.map { sp throws(DecodeError) in try repeated(sp) }
            }
        }
        let id = keepIds ? try text(idSpan) : ""
        let hash = keepIds ? try f.h.map { sp throws(DecodeError) in try text(sp) } : nil
        let sealed = try f.sealed.map { sp throws(DecodeError) in try repeated(sp) }
        let enc = try f.enc.map { sp throws(DecodeError) in try text(sp) }
        let toIndex = try f.xt.map { sp throws(DecodeError) in try text(sp) }
        // Built in place: a `var event` set field by field was copied whole
        // into the result (~600 instructions an event).
        return EventDecoder.Decoded(
            event: Event(version: Int(v), seq: seq, id: id, at: at, user: try repeated(userSpan), ref: ref, body: body, sealed: sealed,
                         source: source, enc: enc, toIndex: toIndex),
            tickets: Int(tickets), hash: hash)
    }

    /// The payload of `journal.migrated`.
    func migration(_ f: Fields) throws(DecodeError) -> JournalMigration {
        let head = try needText(f, .head, "head")
        guard head.utf8.count == 64, head.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw DecodeError("\"head\" is not a chain hash (64 lower-case hex digits)")
        }
        guard let seq = f.headSeq, seq >= 0 else { throw DecodeError("missing or invalid \"head_seq\"") }
        guard let atOpt = f.migrated else { throw DecodeError("missing \"migrated\"") }
        guard let at = atOpt else { throw DecodeError("\"migrated\" is not a UTC timestamp like 2026-11-24T09:05:00.000Z") }
        let segments = try needText(f, .segments, "segments").split(separator: " ").map(String.init)
        return JournalMigration(head: head, headSeq: seq, segments: segments, archive: try needText(f, .archive, "archive"), migratedAt: at)
    }

    /// `refs`: ticket references separated by single spaces, at least one.
    func refList(_ f: Fields) throws(DecodeError) -> [TicketRef] {
        let text = try needText(f, .refs, "refs")
        var out: [TicketRef] = []
        for part in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let r = TicketRef(parsing: String(part)) else { throw DecodeError("\"refs\" holds \"\(part.prefix(20))\", not a ticket reference like BSC-000123") }
            out.append(r)
        }
        return out
    }

    func refField(_ f: Fields, _ field: Field, _ name: String) throws(DecodeError) -> TicketRef {
        let text = try needText(f, field, name)
        guard let r = TicketRef(parsing: text) else { throw DecodeError("\"\(name)\" is not a ticket reference like BSC-000123") }
        return r
    }

    func contact(_ f: Fields) throws(DecodeError) -> ContactRecord {
        let channel = try need(f, .channel, "channel", as: Channel.self)
        guard let rOpt = f.received else { throw DecodeError("missing \"received\"") }
        guard let received = rOpt else { throw DecodeError("\"received\" is not a UTC timestamp") }
        if let d = f.durationMs, d < 0 || d > ContactRecord.longestDurationMillis {
            throw DecodeError("duration_ms \(d) is out of range: 0 to \(ContactRecord.longestDurationMillis) (a year)")
        }
        return ContactRecord(channel: channel, summary: try needText(f, .summary, "summary"), received: received, durationMillis: f.durationMs)
    }
}

/// A strict JSON scanner over one line.
private struct Scanner {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    let interner: StringInterner
    let keepIds: Bool

    init(p: UnsafeBufferPointer<UInt8>, interner: StringInterner, keepIds: Bool) {
        self.p = p
        self.interner = interner
        self.keepIds = keepIds
    }

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
        case .ts, .received, .sourceAt, .migrated:
            let (s, e, escaped) = try stringBounds()
            var t: Instant? = nil
            if !escaped {
                t = Timestamp.parse(UnsafeBufferPointer(rebasing: p[s..<e]))
            }
            switch field {
            case .ts: f.ts = .some(t)
            case .received: f.received = .some(t)
            case .migrated: f.migrated = .some(t)
            default: f.sourceAt = .some(t)
            }
        case .sourceRow: f.sourceRow = try integer("source_row")
        case .headSeq: f.headSeq = try integer("head_seq")
        case .v: f.v = try integer("v")
        case .seq: f.seq = try integer("seq")
        case .tickets: f.tickets = try integer("tickets")
        case .durationMs: f.durationMs = try integer("duration_ms")
        case .rating: f.rating = try integer("rating")
        case .fcr:
            if p[i] == UInt8(ascii: "n") { try literal("null"); f.fcrNull = true } else { f.fcr = try boolean("fcr") }
        case .details: f.details = try stringMap()
        case .type:
            let (s0, e0, escaped) = try stringBounds()
            f.typeSpan = Span(start: Int32(s0), end: Int32(e0), escaped: escaped)
            f.type = escaped ? nil : EventType.lookup(UnsafeBufferPointer(rebasing: p[s0..<e0]))
        case .ref:
            let (s0, e0, escaped) = try stringBounds()
            f.refNumber = escaped ? nil : parseRef(UnsafeBufferPointer(rebasing: p[s0..<e0]))
        case .unknown: try skipValue(depth: 0)
        default:
            // Envelope strings must be strings; optional body strings may be null.
            if p[i] == UInt8(ascii: "n"), field != .id, field != .user, field != .h { try literal("null"); return }
            let (s0, e0, escaped) = try stringBounds()
            f.set(field, Span(start: Int32(s0), end: Int32(e0), escaped: escaped))
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
    /// memchr finds the closing quote; only strings with a backslash before
    /// it take the byte-by-byte path.
    mutating func stringBounds() throws(DecodeError) -> (Int, Int, Bool) {
        guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw DecodeError("expected a string at byte \(i + 1)") }
        i += 1
        let start = i
        // Two memchr calls beat a byte loop even on short strings (a loop
        // over the first 24 bytes cost 12% more instructions in replay).
        guard let base = p.baseAddress, let q = memchr(base + start, 34, p.count - start) else {
            throw DecodeError("unterminated string")
        }
        let quote = UnsafePointer(q.assumingMemoryBound(to: UInt8.self)) - base
        if memchr(base + start, 92, quote - start) == nil {
            i = quote + 1
            return (start, quote, false)
        }
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; return (start, i - 1, true) }
            if c == UInt8(ascii: "\\") { i += 2; continue }
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
            let bytes = UnsafeBufferPointer(rebasing: p[s..<e])
            // ASCII needs no validation, and most fields are ASCII.
            if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            guard let str = String(validating: bytes, as: UTF8.self) else {
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


/// `BSC-000123` from bytes: the prefix, then 1–12 digits, not zero.
func parseRef(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    guard b.count > 4, b.count <= 16, b[0] == 66, b[1] == 83, b[2] == 67, b[3] == 45 else { return nil }
    var n = 0
    for i in 4..<b.count {
        let d = b[i] &- 48
        guard d <= 9 else { return nil }
        n = n * 10 + Int(d)
    }
    return n > 0 ? n : nil
}

/// Enums read from the journal, matched on their raw values' bytes: a
/// string switch (`init(rawValue:)`) per line is measurable in replay.
protocol WireEnum: RawRepresentable, CaseIterable where RawValue == String {
    static var wireTable: [(bytes: [UInt8], value: Self)] { get }
}

extension WireEnum {
    static func makeWireTable() -> [(bytes: [UInt8], value: Self)] { allCases.map { (Array($0.rawValue.utf8), $0) } }

    static func lookup(_ b: UnsafeBufferPointer<UInt8>) -> Self? {
        wireTable.withUnsafeBufferPointer { table in
            for e in table where e.bytes.count == b.count {
                if b.isEmpty || e.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }) { return e.value }
            }
            return nil
        }
    }
}

extension EventType: WireEnum { static let wireTable = makeWireTable() }
extension CallerType: WireEnum { static let wireTable = makeWireTable() }
extension Priority: WireEnum { static let wireTable = makeWireTable() }
extension Channel: WireEnum { static let wireTable = makeWireTable() }
extension PendingReason: WireEnum { static let wireTable = makeWireTable() }
extension CorrectableField: WireEnum { static let wireTable = makeWireTable() }
extension FeedbackSource: WireEnum { static let wireTable = makeWireTable() }


/// Interns short strings by their bytes: a small open-addressing table
/// keyed by an FNV-1a hash. Used for fields whose values repeat on almost
/// every line, so decoding them allocates nothing.
final class StringInterner: @unchecked Sendable {
    // Flat storage: 64 key bytes per slot, a length byte (0 = empty) and
    // the String. Unsafe pointers, so lookups make no array copies,
    // retains or exclusivity checks.
    private static let slots = 4096
    private let keyBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: StringInterner.slots * 64)
    private let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: StringInterner.slots)
    private let values = UnsafeMutablePointer<String>.allocate(capacity: StringInterner.slots)
    private var used = 0

    init() {
        lengths.initialize(repeating: 0, count: Self.slots)
        values.initialize(repeating: "", count: Self.slots)
    }

    deinit {
        values.deinitialize(count: Self.slots)
        values.deallocate()
        lengths.deallocate()
        keyBytes.deallocate()
    }

    func string(_ b: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> String {
        let n = b.count
        guard n > 0, n <= 64, let src = b.baseAddress else { return try Self.make(b) }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01b3 }
        var slot = Int(h & 4095)
        while lengths[slot] != 0 {
            if Int(lengths[slot]) == n, memcmp(keyBytes + slot * 64, src, n) == 0 { return values[slot] }
            slot = (slot + 1) & 4095
        }
        let s = try Self.make(b)
        // Keep the table at most half full; past that, stop adding.
        if used < 2048 {
            (keyBytes + slot * 64).update(from: src, count: n)
            lengths[slot] = UInt8(n)
            values[slot] = s
            used += 1
        }
        return s
    }

    static func make(_ b: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> String {
        guard let s = String(validating: b, as: UTF8.self) else { throw DecodeError("invalid UTF-8 in a string") }
        return s
    }
}

/// Whether every byte is below 0x80, eight bytes at a time: an encrypted
/// event's blob is a few hundred bytes, and a byte loop over it cost more
/// than making its string.
@inline(__always)
func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let n = bytes.count
    var i = 0
    var high: UInt64 = 0
    while i + 8 <= n {
        high |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        i += 8
    }
    while i < n {
        high |= UInt64(base[i])
        i += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
}
