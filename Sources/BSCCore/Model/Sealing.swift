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
        var details: [String: String] = [:]
        for (k, v) in c where k.hasPrefix("details.") { details[String(k.dropFirst(8))] = v }
        switch body {
        case .opened(let caller, let category, let queue, let priority, var contact, _):
            contact.summary = c["summary"] ?? contact.summary
            var full = Caller(name: c["caller"] ?? caller.name, type: caller.type, reference: c["caller_ref"], phone: c["phone"], email: c["email"])
            full.nameIndex = caller.nameIndex
            full.referenceIndex = caller.referenceIndex
            return .opened(caller: full, category: category, queue: queue, priority: priority, contact: contact, details: details)
        case .contactLogged(var contact):
            contact.summary = c["summary"] ?? contact.summary
            return .contactLogged(contact)
        case .routed(let queue, _, _):
            return .routed(queue: queue, details: details, note: c["note"])
        case .resolved(_, let fcr):
            return .resolved(note: c["note"], firstContact: fcr)
        case .reopened:
            return .reopened(reason: c["reason"])
        case .noted(let text):
            return .noted(text: c["text"] ?? text)
        case .corrected(let field, let from, let to):
            return .corrected(field: field, from: c["from"] ?? from, to: c["to"] ?? to)
        case .identityVerified(let how):
            return .identityVerified(how: c["how"] ?? how)
        default:
            return body
        }
    }
}
