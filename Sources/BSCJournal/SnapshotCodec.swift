import BSCCore

/// The binary encoding of a `TicketStore` inside a projection snapshot.
///
/// THIS FILE IS THE ONE TO EDIT WHEN `Ticket` (or `Caller`, `ContactRecord`,
/// `Ticket.LoggedContact`, `Ticket.Pause`) gains, loses or renames a field:
///   1. add the field name to the matching list in `Schema` below, in
///      declaration order;
///   2. write it in `writeTicket` and read it in `readTicket`.
/// Until the lists match the real types (checked at run time by
/// reflection), snapshots are neither read nor written: bscdesk replays the
/// journal instead, which is slower but never wrong. The lists also feed the
/// schema hash stored in every snapshot, so a snapshot written by a build with
/// a different ticket shape is ignored and rebuilt.
///
/// Enums are stored by raw value, so a new case is harmless and a removed one
/// invalidates the snapshot. Repeated strings (queues, categories, logins,
/// enum values) go through a symbol table and come back shared.
public enum SnapshotCodec {
    public enum Schema {
        public static let ticket = [
            "ref", "queue", "category", "firstCategory", "caller", "summary", "openedAt", "openedBy", "receivedAt", "assignee",
            "contacts", "details", "restrictedQueue", "resolvedBy",
            "identityVerifiedHow", "mergedFrom", "links", "reopenedAt",
            "pauses", "rating", "noteCount", "lastChangedAt", "lastSeq", "importedOutOfLine",
            // Stored as integers; read and written through `resolvedAt` etc.
            "resolvedAtMillis", "firstResolvedAtMillis", "firstResponseAtMillis", "callbackAtMillis", "closedAtMillis",
            "pendingSinceMillis", "mergedIntoNumber",
            "priority", "channel", "status",
            "everRouted", "restricted", "firstContactResolution", "pendingReason", "statusBeforePending", "ratingSource",
        ]
        public static let caller = ["name", "reference", "phone", "email", "nameIndex", "referenceIndex", "type"]
        public static let contactRecord = ["summary", "received", "durationMillis", "channel"]
        public static let loggedContact = ["record", "by", "loggedAt"]
        public static let pause = ["start", "end", "reason"]

        static var text: String {
            "Ticket:" + ticket.joined(separator: ",") + "|Caller:" + caller.joined(separator: ",")
                + "|ContactRecord:" + contactRecord.joined(separator: ",") + "|LoggedContact:" + loggedContact.joined(separator: ",")
                + "|Pause:" + pause.joined(separator: ",")
        }

        /// The field names the compiled types really have, by reflection.
        public static var actualText: String {
            func labels(_ v: Any) -> String { Mirror(reflecting: v).children.compactMap(\.label).joined(separator: ",") }
            let record = ContactRecord(channel: .phone, summary: "", received: Instant(millis: 0))
            return "Ticket:" + labels(Ticket.blank(TicketRef(1))) + "|Caller:" + labels(Caller(name: "", type: .employee))
                + "|ContactRecord:" + labels(record)
                + "|LoggedContact:" + labels(Ticket.LoggedContact.make(record: record, by: "", loggedAt: Instant(millis: 0)))
                + "|Pause:" + labels(Ticket.Pause.make(start: Instant(millis: 0), end: Instant(millis: 0), reason: .customer))
        }

        /// Whether this codec covers every field of the ticket types.
        public static let matchesTypes: Bool = text == actualText

        /// Stored in each snapshot: a change of fields gives a different hash.
        public static let hash: UInt64 = {
            var t = text + "|Fold:\(TicketStore.foldRulesVersion)"
            return t.withUTF8 { SnapshotHash.bytes(UnsafeRawBufferPointer($0)) }
        }()
    }

    // MARK: Tickets

    static func writeTicket(_ t: Ticket, _ w: inout SnapshotWriter) {
        w.int(t.ref.number)
        w.sym(t.status.rawValue)
        w.sym(t.queue)
        w.sym(t.category)
        w.sym(t.firstCategory)
        w.sym(t.priority.rawValue)
        w.str(t.caller.name)
        w.sym(t.caller.type.rawValue)
        w.optStr(t.caller.reference)
        w.optStr(t.caller.phone)
        w.optStr(t.caller.email)
        w.optStr(t.caller.nameIndex)
        w.optStr(t.caller.referenceIndex)
        w.str(t.summary)
        w.sym(t.channel.rawValue)
        w.int64(t.openedAt.millis)
        w.sym(t.openedBy)
        w.int64(t.receivedAt.millis)
        w.optSym(t.assignee)
        w.int(t.contacts.count)
        for c in t.contacts {
            w.sym(c.record.channel.rawValue)
            w.str(c.record.summary)
            w.int64(c.record.received.millis)
            w.optInt64(c.record.durationMillis)
            w.sym(c.by)
            w.int64(c.loggedAt.millis)
        }
        w.int(t.details.count)
        for k in t.details.keys.sorted() {
            w.sym(k)
            w.str(t.details[k]!)
        }
        w.bool(t.everRouted)
        w.bool(t.restricted)
        w.optSym(t.restrictedQueue)
        w.optInt64(t.resolvedAt?.millis)
        w.optSym(t.resolvedBy)
        w.optInt64(t.firstResolvedAt?.millis)
        w.optInt64(t.firstResponseAt?.millis)
        w.optStr(t.identityVerifiedHow)
        w.optInt64(t.callbackAt?.millis)
        w.optInt64(t.mergedInto.map { Int64($0.number) })
        w.int(t.mergedFrom.count)
        for m in t.mergedFrom { w.int(m.number) }
        w.int(t.links.count)
        for l in t.links { w.int(l.number) }
        w.bool(t.firstContactResolution)
        w.int(t.reopenedAt.count)
        for r in t.reopenedAt { w.int64(r.millis) }
        w.optInt64(t.closedAt?.millis)
        w.optInt64(t.pendingSince?.millis)
        w.optSym(t.pendingReason?.rawValue)
        w.optSym(t.statusBeforePending?.rawValue)
        w.int(t.pauses.count)
        for p in t.pauses {
            w.int64(p.start.millis)
            w.int64(p.end.millis)
            w.sym(p.reason.rawValue)
        }
        w.optInt64(t.rating.map(Int64.init))
        w.optSym(t.ratingSource?.rawValue)
        w.int(t.noteCount)
        w.int64(t.lastChangedAt.millis)
        w.int64(t.lastSeq)
        w.bool(t.imported != nil)
        if let i = t.imported {
            w.sym(i.batch)
            w.sym(i.system)
            w.str(i.sourceRef)
            w.optSym(i.sourceCategory)
            w.bool(i.fcrUnknown)
            w.int(i.events)
        }
    }

    static func readTicket(_ r: inout SnapshotReader) throws(SnapshotError) -> Ticket {
        var t = Ticket.blank(TicketRef(try r.int()))
        t.status = try r.enumSym(TicketStatus.self)
        t.queue = try r.sym()
        t.category = try r.sym()
        t.firstCategory = try r.sym()
        t.priority = try r.enumSym(Priority.self)
        t.caller.name = try r.str()
        t.caller.type = try r.enumSym(CallerType.self)
        t.caller.reference = try r.optStr()
        t.caller.phone = try r.optStr()
        t.caller.email = try r.optStr()
        t.caller.nameIndex = try r.optStr()
        t.caller.referenceIndex = try r.optStr()
        t.summary = try r.str()
        t.channel = try r.enumSym(Channel.self)
        t.openedAt = Instant(millis: try r.int64())
        t.openedBy = try r.sym()
        t.receivedAt = Instant(millis: try r.int64())
        t.assignee = try r.optSym()
        let nContacts = try r.count()
        t.contacts.reserveCapacity(nContacts)
        for _ in 0..<nContacts {
            let channel = try r.enumSym(Channel.self)
            let summary = try r.str()
            let received = Instant(millis: try r.int64())
            let duration = try r.optInt64()
            let by = try r.sym()
            let at = Instant(millis: try r.int64())
            t.contacts.append(.make(record: ContactRecord(channel: channel, summary: summary, received: received, durationMillis: duration),
                                    by: by, loggedAt: at))
        }
        let nDetails = try r.count()
        if nDetails > 0 {
            t.details.reserveCapacity(nDetails)
            for _ in 0..<nDetails {
                let k = try r.sym()
                t.details[k] = try r.str()
            }
        }
        t.everRouted = try r.bool()
        t.restricted = try r.bool()
        t.restrictedQueue = try r.optSym()
        t.resolvedAt = try r.optInt64().map(Instant.init(millis:))
        t.resolvedBy = try r.optSym()
        t.firstResolvedAt = try r.optInt64().map(Instant.init(millis:))
        t.firstResponseAt = try r.optInt64().map(Instant.init(millis:))
        t.identityVerifiedHow = try r.optStr()
        t.callbackAt = try r.optInt64().map(Instant.init(millis:))
        t.mergedInto = try r.optInt64().map { TicketRef(Int($0)) }
        let nMerged = try r.count()
        for _ in 0..<nMerged { t.mergedFrom.append(TicketRef(try r.int())) }
        let nLinks = try r.count()
        for _ in 0..<nLinks { t.links.append(TicketRef(try r.int())) }
        t.firstContactResolution = try r.bool()
        let nReopened = try r.count()
        for _ in 0..<nReopened { t.reopenedAt.append(Instant(millis: try r.int64())) }
        t.closedAt = try r.optInt64().map(Instant.init(millis:))
        t.pendingSince = try r.optInt64().map(Instant.init(millis:))
        t.pendingReason = try r.optEnumSym(PendingReason.self)
        t.statusBeforePending = try r.optEnumSym(TicketStatus.self)
        let nPauses = try r.count()
        for _ in 0..<nPauses {
            let s = Instant(millis: try r.int64())
            let e = Instant(millis: try r.int64())
            t.pauses.append(.make(start: s, end: e, reason: try r.enumSym(PendingReason.self)))
        }
        t.rating = try r.optInt64().map { Int($0) }
        t.ratingSource = try r.optEnumSym(FeedbackSource.self)
        t.noteCount = try r.int()
        t.lastChangedAt = Instant(millis: try r.int64())
        t.lastSeq = try r.int64()
        if try r.bool() {
            t.imported = ImportedFrom(batch: try r.sym(), system: try r.sym(), sourceRef: try r.str(),
                                      sourceCategory: try r.optSym(), fcrUnknown: try r.bool(), events: try r.int())
        }
        return t
    }
}

public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A fast non-cryptographic 64-bit hash (corruption detection, not
/// security: the snapshot is a cache the user's own processes write).
public enum SnapshotHash {
    public static func bytes(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
        let n = p.count
        guard let base = p.baseAddress else { return h }
        var i = 0
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(base.load(fromByteOffset: i, as: UInt8.self))) &* 0x100_0000_01B3
            i += 1
        }
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }
}

/// Appends LEB128 integers, strings and symbol references to a byte buffer.
struct SnapshotWriter {
    var out: [UInt8] = []
    var symbols: [String: Int] = [:]
    var symbolList: [String] = []

    mutating func uvar(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
    mutating func int64(_ v: Int64) { uvar(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    mutating func int(_ v: Int) { int64(Int64(v)) }
    mutating func bool(_ v: Bool) { out.append(v ? 1 : 0) }
    mutating func fixed64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func str(_ s: String) {
        var s = s
        s.withUTF8 { b in
            uvar(UInt64(b.count))
            out.append(contentsOf: b)
        }
    }
    mutating func optStr(_ s: String?) {
        if let s { out.append(1); str(s) } else { out.append(0) }
    }
    mutating func sym(_ s: String) {
        if let i = symbols[s] { uvar(UInt64(i)); return }
        let i = symbolList.count
        symbols[s] = i
        symbolList.append(s)
        uvar(UInt64(i))
    }
    /// 0 for nil, index + 1 otherwise.
    mutating func optSym(_ s: String?) {
        guard let s else { uvar(0); return }
        if let i = symbols[s] { uvar(UInt64(i + 1)); return }
        let i = symbolList.count
        symbols[s] = i
        symbolList.append(s)
        uvar(UInt64(i + 1))
    }
    mutating func optInt64(_ v: Int64?) {
        if let v { out.append(1); int64(v) } else { out.append(0) }
    }
}

/// Bounds-checked reading of what `SnapshotWriter` wrote: a truncated or
/// corrupt snapshot throws, it never traps.
struct SnapshotReader {
    let p: UnsafeRawBufferPointer
    var i: Int
    var symbols: [String] = []

    init(_ p: UnsafeRawBufferPointer, at start: Int = 0) {
        self.p = p
        self.i = start
    }

    var atEnd: Bool { i == p.count }

    @inline(__always)
    mutating func byte() throws(SnapshotError) -> UInt8 {
        guard i < p.count else { throw SnapshotError("truncated") }
        let b = p[i]
        i += 1
        return b
    }
    @inline(__always)
    mutating func uvar() throws(SnapshotError) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
            guard shift < 64 else { throw SnapshotError("bad integer") }
        }
    }
    mutating func int64() throws(SnapshotError) -> Int64 {
        let u = try uvar()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    mutating func int() throws(SnapshotError) -> Int { Int(try int64()) }
    /// A count (written with `int`): never more than the bytes left.
    mutating func count() throws(SnapshotError) -> Int {
        let n = try int64()
        guard n >= 0, n <= Int64(p.count - i) else { throw SnapshotError("bad count") }
        return Int(n)
    }
    mutating func bool() throws(SnapshotError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw SnapshotError("bad flag")
        }
    }
    mutating func fixed64() throws(SnapshotError) -> UInt64 {
        guard p.count - i >= 8 else { throw SnapshotError("truncated") }
        let v = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i += 8
        return UInt64(littleEndian: v)
    }
    mutating func str() throws(SnapshotError) -> String {
        let u = try uvar()
        guard u <= UInt64(p.count - i) else { throw SnapshotError("bad length") }
        let n = Int(u)
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: p[i..<(i + n)]), as: UTF8.self)
        i += n
        return s
    }
    mutating func optStr() throws(SnapshotError) -> String? {
        try bool() ? try str() : nil
    }
    mutating func sym() throws(SnapshotError) -> String {
        let k = try uvar()
        guard k < UInt64(symbols.count) else { throw SnapshotError("bad symbol") }
        return symbols[Int(k)]
    }
    mutating func optSym() throws(SnapshotError) -> String? {
        let k = try uvar()
        if k == 0 { return nil }
        guard k - 1 < UInt64(symbols.count) else { throw SnapshotError("bad symbol") }
        return symbols[Int(k - 1)]
    }
    mutating func optInt64() throws(SnapshotError) -> Int64? {
        try bool() ? try int64() : nil
    }
    mutating func enumSym<E: RawRepresentable>(_: E.Type) throws(SnapshotError) -> E where E.RawValue == String {
        let s = try sym()
        guard let e = E(rawValue: s) else { throw SnapshotError("unknown value \(s)") }
        return e
    }
    mutating func optEnumSym<E: RawRepresentable>(_: E.Type) throws(SnapshotError) -> E? where E.RawValue == String {
        guard let s = try optSym() else { return nil }
        guard let e = E(rawValue: s) else { throw SnapshotError("unknown value \(s)") }
        return e
    }
}
