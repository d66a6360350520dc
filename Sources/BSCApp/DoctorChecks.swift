import BSCCore
import BSCJournal

/// `doctor`'s semantic checks: lines that parse, validate and chain, but
/// say something the desk would never have written. Each is a warning with
/// file:line and what the fold did with the event; loading is unchanged.
/// Damage (a line that does not parse, validate or chain) is reported by
/// the loader, not here, and its lines are skipped here too.
public struct DoctorChecks {
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var kind: Kind
        /// What is wrong; never raw journal text (made terminal-safe).
        public var message: String
        /// What the fold did with the event.
        public var outcome: String
        public var description: String { "\(terminalSafe(file)):\(line): \(kind.rawValue): \(message); \(outcome)" }
    }

    public enum Kind: String, Sendable, CaseIterable {
        case illegalTransition = "illegal transition"
        case unknownCategory = "unknown category"
        case unknownQueue = "unknown queue"
        case unknownAssignee = "unknown assignee"
        case timeBackwards = "ts goes backwards"
        case wrongMonth = "wrong month file"
        case sequenceGap = "seq gap"
        case controlCharacter = "control character"
        case duplicateKey = "duplicate key"
    }

    let taxonomy: Taxonomy
    let users: Set<String>
    let decoder = EventDecoder(keepIdsAndHashes: false)
    var store: TicketStore
    var position = JournalCursor()
    var lastAt: Instant?
    var lastAtPlace = ""
    public private(set) var warnings: [Warning] = []
    /// Warnings by kind, all of them (the list may be capped).
    public private(set) var counts: [Kind: Int] = [:]
    let keep: Int

    public init(taxonomy: Taxonomy, users: Set<String>, keep: Int = Int.max) {
        self.taxonomy = taxonomy
        self.users = users
        self.keep = keep
        store = TicketStore(customerServices: QueueID.customerServices, restrictedQueues: taxonomy.restrictedQueueIds)
    }

    mutating func warn(_ file: String, _ line: Int, _ kind: Kind, _ message: String, _ outcome: String) {
        counts[kind, default: 0] += 1
        if warnings.count < keep { warnings.append(Warning(file: file, line: line, kind: kind, message: message, outcome: outcome)) }
    }

    /// Checks one line as written in `file` (a segment, `YYYY-MM.jsonl`).
    public mutating func check(file: String, line: Int, bytes: UnsafeBufferPointer<UInt8>) {
        let decoded: EventDecoder.Decoded
        do {
            decoded = try decoder.decode(bytes)
        } catch {
            position = JournalCursor(segment: file, offset: 1, lastSeq: position.lastSeq, tickets: position.tickets, undecoded: position.undecoded + 1)
            return
        }
        if position.chainProblem(decoded) != nil { return }  // damage: reported by the loader, skipped by the fold
        let e = decoded.event
        if e.seq > position.lastSeq + 1 && position.lastSeq > 0 {
            warn(file, line, .sequenceGap, "seq \(e.seq) follows seq \(position.lastSeq)", "applied: the missing numbers were on the damaged line(s) before it")
        }
        position = JournalCursor(segment: file, offset: 1, lastSeq: e.seq, tickets: decoded.tickets, undecoded: 0)
        for (kind, text) in Self.textProblems(bytes) { warn(file, line, kind, text, kind == .duplicateKey ? "the last value was used" : "kept as written; shown escaped on terminals") }
        if let last = lastAt, e.at < last {
            warn(file, line, .timeBackwards, "\(Timestamp.format(e.at)) is before \(Timestamp.format(last)) at \(lastAtPlace)", "applied in file order")
        }
        if lastAt.map({ e.at > $0 }) ?? true {
            lastAt = e.at
            lastAtPlace = "\(terminalSafe(file)):\(line)"
        }
        let month = Self.monthFile(e.at)
        if month != file {
            warn(file, line, .wrongMonth, "written \(Timestamp.format(e.at)), which belongs in \(month)", "read in file order all the same")
        }
        checkNames(e, file: file, line: line)
        if let action = Self.action(e.body), let before = store[e.ref], !action.allowedFrom.contains(before.status) {
            store.apply(e)
            let after = store[e.ref]?.status.label ?? "unknown"
            warn(file, line, .illegalTransition, "\(e.type.rawValue) on \(e.ref) while \(before.status.label) (\(action.rawValue) is allowed from \(action.allowedFrom.map(\.rawValue).sorted().joined(separator: ", ")))",
                 "applied as written: the ticket is now \(after)")
            return
        }
        store.apply(e)
    }

    mutating func checkNames(_ e: Event, file: String, line: Int) {
        func category(_ c: String) {
            if taxonomy.category(c) == nil { warn(file, line, .unknownCategory, "\"\(terminalSafe(c))\" on \(e.ref) is not in the configuration", "kept: stats count the ticket under that id") }
        }
        switch e.body {
        case .opened(_, let c, let q, _, _, _):
            category(c)
            if taxonomy.queue(q) == nil { warn(file, line, .unknownQueue, "\"\(terminalSafe(q))\" on \(e.ref) is not in the configuration", "kept: the ticket sits in that queue") }
        case .corrected(.category, _, let to): category(to)
        case .routed(let q, _, _):
            if taxonomy.queue(q) == nil { warn(file, line, .unknownQueue, "\"\(terminalSafe(q))\" on \(e.ref) is not in the configuration", "kept: the ticket sits in that queue") }
        case .assigned(let who):
            if !users.contains(who) { warn(file, line, .unknownAssignee, "\"\(terminalSafe(who))\" on \(e.ref) is not a user in the configuration", "kept: the ticket shows that assignee") }
        default: break
        }
    }

    /// The lifecycle action an event performs, for the legality table.
    static func action(_ body: EventBody) -> TicketAction? {
        switch body {
        case .contactLogged: .contact
        case .noted: .note
        case .corrected: .edit
        case .routed: .route
        case .assigned: .assign
        case .pending: .pending
        case .resumed: .resume
        case .resolved: .resolve
        case .reopened: .reopen
        case .closed: .close
        case .feedback: .feedback
        case .identityVerified: .verify
        case .callbackSet: .callback
        case .merged: .merge
        case .linked: .link
        case .opened, .absorbed, .viewed, .sealedContent, .importVoided, .erased, .accessed, .configChanged, .journalMigrated: nil
        }
    }

    /// `2026-11.jsonl`: the segment a line written at `t` belongs in.
    static func monthFile(_ t: Instant) -> String { Journal.segmentName(for: t) }

    /// Control characters inside strings (escaped or raw: C0 but tab and
    /// line feed, DEL, C1, bidi overrides) and keys repeated in one object.
    static func textProblems(_ p: UnsafeBufferPointer<UInt8>) -> [(Kind, String)] {
        var out: [(Kind, String)] = []
        var stack: [(object: Bool, keys: Set<[UInt8]>, expectKey: Bool)] = []
        var i = 0
        let n = p.count
        func control(_ scalar: UInt32) -> Bool {
            (scalar < 0x20 && scalar != 0x09 && scalar != 0x0A) || (0x7F...0x9F).contains(scalar)
                || (0x202A...0x202E).contains(scalar) || (0x2066...0x2069).contains(scalar)
        }
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = p[k]
                switch c {
                case 48...57: v = v * 16 + UInt32(c - 48)
                case 65...70: v = v * 16 + UInt32(c - 55)
                case 97...102: v = v * 16 + UInt32(c - 87)
                default: return nil
                }
            }
            return v
        }
        var reportedControl = false
        while i < n {
            let c = p[i]
            switch c {
            case UInt8(ascii: "{"): stack.append((true, [], true))
            case UInt8(ascii: "["): stack.append((false, [], false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","): if let top = stack.last, top.object { stack[stack.count - 1].expectKey = true }
            case UInt8(ascii: "\""):
                let start = i + 1
                var j = start
                var found: UInt32?
                while j < n && p[j] != UInt8(ascii: "\"") {
                    if p[j] == UInt8(ascii: "\\"), j + 1 < n {
                        switch p[j + 1] {
                        case UInt8(ascii: "u"):
                            if let v = hex(j + 2), control(v) { found = found ?? v }
                            j += 6
                        case UInt8(ascii: "b"): found = found ?? 0x08; j += 2
                        case UInt8(ascii: "f"): found = found ?? 0x0C; j += 2
                        case UInt8(ascii: "r"): found = found ?? 0x0D; j += 2
                        default: j += 2
                        }
                        continue
                    }
                    let b = p[j]
                    if b < 0x20 || b == 0x7F { found = found ?? UInt32(b) }
                    if b == 0xC2, j + 1 < n, (0x80...0x9F).contains(p[j + 1]) { found = found ?? UInt32(p[j + 1]) }
                    if b == 0xE2, j + 2 < n, p[j + 1] == 0x80, (0xAA...0xAE).contains(p[j + 2]) { found = found ?? 0x2000 + UInt32(p[j + 2] - 0x80) }
                    if b == 0xE2, j + 2 < n, p[j + 1] == 0x81, (0xA6...0xA9).contains(p[j + 2]) { found = found ?? 0x2040 + UInt32(p[j + 2] - 0x80) }
                    j += 1
                }
                let isKey = stack.last.map { $0.object && $0.expectKey } ?? false
                if isKey {
                    let key = Array(p[start..<min(j, n)])
                    if !stack[stack.count - 1].keys.insert(key).inserted {
                        out.append((.duplicateKey, "key \"\(terminalSafe(bytes: key))\" appears twice in one object"))
                    }
                    stack[stack.count - 1].expectKey = false
                }
                if let v = found, !reportedControl {
                    reportedControl = true
                    let code = String(v, radix: 16, uppercase: true)
                    out.append((.controlCharacter, "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code + " inside a string"))
                }
                i = j
            default: break
            }
            i += 1
        }
        return out
    }
}

extension DoctorChecks {
    /// Runs every check over the desk's journal, line by line.
    public static func run(_ desk: Desk, keep: Int = Int.max) throws -> DoctorChecks {
        var checks = DoctorChecks(taxonomy: desk.taxonomy, users: Set(desk.config.users.keys), keep: keep)
        try desk.journal.scanLines { file, line, bytes in checks.check(file: file, line: line, bytes: bytes) }
        return checks
    }

    public var total: Int { counts.values.reduce(0, +) }
}
