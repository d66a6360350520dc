/// Splits the personal content of an event from what statistics need, for
/// tickets in restricted queues: the main journal keeps the redacted body
/// (ids, times, category, queue, channel, caller type, durations, fcr), the
/// restricted journal keeps the content, keyed by the event id.
public enum Sealing {
    /// The redacted body and the personal content, or nil when the event
    /// carries nothing personal.
    public static func seal(_ body: EventBody) -> (redacted: EventBody, content: [String: String])? {
        var c: [String: String] = [:]
        func putDetails(_ d: [String: String]) { for (k, v) in d { c["details." + k] = v } }
        switch body {
        case .opened(let caller, let category, let queue, let priority, var contact, let details):
            c["caller"] = caller.name
            if let r = caller.reference { c["caller_ref"] = r }
            if let p = caller.phone { c["phone"] = p }
            if let e = caller.email { c["email"] = e }
            c["summary"] = contact.summary
            putDetails(details)
            contact.summary = ""
            var redactedCaller = Caller(name: "", type: caller.type)
            redactedCaller.nameIndex = caller.nameIndex
            redactedCaller.referenceIndex = caller.referenceIndex
            return (.opened(caller: redactedCaller, category: category, queue: queue, priority: priority, contact: contact, details: [:]), c)
        case .contactLogged(var contact):
            c["summary"] = contact.summary
            contact.summary = ""
            return (.contactLogged(contact), c)
        case .routed(let queue, let details, let note):
            guard !details.isEmpty || note != nil else { return nil }
            putDetails(details)
            if let note { c["note"] = note }
            return (.routed(queue: queue, details: [:], note: nil), c)
        case .resolved(let note, let fcr):
            guard let note else { return nil }
            c["note"] = note
            return (.resolved(note: nil, firstContact: fcr), c)
        case .reopened(let reason):
            guard let reason else { return nil }
            c["reason"] = reason
            return (.reopened(reason: nil), c)
        case .noted(let text):
            c["text"] = text
            return (.noted(text: ""), c)
        case .corrected(let field, let from, let to):
            switch field {
            case .category, .priority, .callerType: return nil
            default:
                c["from"] = from
                c["to"] = to
                return (.corrected(field: field, from: "", to: ""), c)
            }
        case .identityVerified(let how):
            c["how"] = how
            return (.identityVerified(how: ""), c)
        case .assigned, .pending, .resumed, .closed, .feedback, .callbackSet, .merged, .absorbed, .linked, .viewed, .sealedContent, .importVoided, .erased, .accessed, .configChanged, .journalMigrated:
            return nil
        }
    }

    /// Puts sealed content back into a redacted body.
    public static func unseal(_ body: EventBody, _ c: [String: String]) -> EventBody {
        var content = Content()
        for (k, v) in c { content.set(key: k, value: v) }
        return unseal(body, content)
    }

    /// The same from the content's pairs in order. A repeated key: the
    /// last one wins, as in a map.
    public static func unseal(_ body: EventBody, pairs: [(key: String, value: String)]) -> EventBody {
        var content = Content()
        for (k, v) in pairs { content.set(key: k, value: v) }
        return unseal(body, content)
    }

    /// The personal content of one event, field by field, as it is read
    /// back: from a map, or pair by pair straight from the decrypted bytes
    /// (a replay's path: no key string is made, no map built and hashed).
    public struct Content: Sendable {
        var caller: String?, callerRef: String?, phone: String?, email: String?, summary: String?
        var note: String?, reason: String?, text: String?, from: String?, to: String?, how: String?
        var details: [String: String] = [:]

        public init() {}

        public mutating func set(key: String, value: String) {
            var k = key
            _ = k.withUTF8 { set(key: $0, value: value) }
        }

        /// Sets the field `key` names (its UTF-8 bytes); a key it does not
        /// know is ignored. False for a key that is not valid UTF-8, which
        /// bscdesk never writes.
        @discardableResult
        public mutating func set(key k: UnsafeBufferPointer<UInt8>, value v: String) -> Bool {
            func its(_ name: StaticString, from: Int = 0) -> Bool {
                let n = name.utf8CodeUnitCount
                guard n <= k.count else { return false }
                let s = name.utf8Start
                for i in from..<n where s[i] != k[i] { return false }
                return true
            }
            guard let first = k.first else { return true }
            switch (k.count, first) {
            case (6, UInt8(ascii: "c")) where its("caller", from: 1): caller = v
            case (10, UInt8(ascii: "c")) where its("caller_ref", from: 1): callerRef = v
            case (5, UInt8(ascii: "p")) where its("phone", from: 1): phone = v
            case (5, UInt8(ascii: "e")) where its("email", from: 1): email = v
            case (7, UInt8(ascii: "s")) where its("summary", from: 1): summary = v
            case (4, UInt8(ascii: "n")) where its("note", from: 1): note = v
            case (6, UInt8(ascii: "r")) where its("reason", from: 1): reason = v
            case (4, UInt8(ascii: "t")) where its("text", from: 1): text = v
            case (4, UInt8(ascii: "f")) where its("from", from: 1): from = v
            case (2, UInt8(ascii: "t")) where its("to", from: 1): to = v
            case (3, UInt8(ascii: "h")) where its("how", from: 1): how = v
            default:
                let prefix = 8
                if k.count >= prefix, its("details.") {
                    guard let name = String(validating: UnsafeBufferPointer(rebasing: k[prefix...]), as: UTF8.self) else { return false }
                    details[name] = v
                } else if String(validating: k, as: UTF8.self) == nil {
                    return false
                }
            }
            return true
        }
    }

    /// Puts content read back into a redacted body.
    public static func unseal(_ body: EventBody, _ c: Content) -> EventBody {
        switch body {
        case .opened(let redacted, let category, let queue, let priority, var contact, _):
            contact.summary = c.summary ?? contact.summary
            var full = Caller(name: c.caller ?? redacted.name, type: redacted.type, reference: c.callerRef, phone: c.phone, email: c.email)
            full.nameIndex = redacted.nameIndex
            full.referenceIndex = redacted.referenceIndex
            return .opened(caller: full, category: category, queue: queue, priority: priority, contact: contact, details: c.details)
        case .contactLogged(var contact):
            contact.summary = c.summary ?? contact.summary
            return .contactLogged(contact)
        case .routed(let queue, _, _):
            return .routed(queue: queue, details: c.details, note: c.note)
        case .resolved(_, let fcr):
            return .resolved(note: c.note, firstContact: fcr)
        case .reopened:
            return .reopened(reason: c.reason)
        case .noted(let old):
            return .noted(text: c.text ?? old)
        case .corrected(let field, let oldFrom, let oldTo):
            return .corrected(field: field, from: c.from ?? oldFrom, to: c.to ?? oldTo)
        case .identityVerified(let old):
            return .identityVerified(how: c.how ?? old)
        default:
            return body
        }
    }
}
