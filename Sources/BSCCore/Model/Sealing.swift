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
        unseal(body, pairs: c.map { (key: $0.key, value: $0.value) })
    }

    /// The same from the content's pairs as decrypted (a replay's path: no
    /// map to build and hash). A repeated key: the last one wins, as in a map.
    public static func unseal(_ body: EventBody, pairs: [(key: String, value: String)]) -> EventBody {
        var details: [String: String] = [:]
        var caller: String?, callerRef: String?, phone: String?, email: String?, summary: String?
        var note: String?, reason: String?, text: String?, from: String?, to: String?, how: String?
        for (k, v) in pairs {
            switch k {
            case "caller": caller = v
            case "caller_ref": callerRef = v
            case "phone": phone = v
            case "email": email = v
            case "summary": summary = v
            case "note": note = v
            case "reason": reason = v
            case "text": text = v
            case "from": from = v
            case "to": to = v
            case "how": how = v
            default:
                if k.hasPrefix("details.") { details[String(k.dropFirst(8))] = v }
            }
        }
        switch body {
        case .opened(let redacted, let category, let queue, let priority, var contact, _):
            contact.summary = summary ?? contact.summary
            var full = Caller(name: caller ?? redacted.name, type: redacted.type, reference: callerRef, phone: phone, email: email)
            full.nameIndex = redacted.nameIndex
            full.referenceIndex = redacted.referenceIndex
            return .opened(caller: full, category: category, queue: queue, priority: priority, contact: contact, details: details)
        case .contactLogged(var contact):
            contact.summary = summary ?? contact.summary
            return .contactLogged(contact)
        case .routed(let queue, _, _):
            return .routed(queue: queue, details: details, note: note)
        case .resolved(_, let fcr):
            return .resolved(note: note, firstContact: fcr)
        case .reopened:
            return .reopened(reason: reason)
        case .noted(let old):
            return .noted(text: text ?? old)
        case .corrected(let field, let oldFrom, let oldTo):
            return .corrected(field: field, from: from ?? oldFrom, to: to ?? oldTo)
        case .identityVerified(let old):
            return .identityVerified(how: how ?? old)
        default:
            return body
        }
    }
}
