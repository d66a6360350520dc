import BSCCore

/// Encodes events to journal lines. See docs/journal-format.md.
public enum EventEncoder {
    /// The line's bytes without the closing `}`: envelope then payload.
    /// `tickets` is the count of references issued up to and including this
    /// event, so a writer can take the next reference from the last line.
    public static func body(_ e: Event, tickets: Int) -> [UInt8] {
        var w = JSONLineWriter()
        w.int("v", Int64(e.version))
        w.int("seq", e.seq)
        w.string("id", e.id)
        w.timestamp("ts", e.at)
        w.string("user", e.user)
        w.string("type", e.type.rawValue)
        if !e.type.namesNoTicket { w.string("ref", e.ref.description) }
        w.int("tickets", Int64(tickets))
        if let q = e.sealed { w.string("sealed", q) }
        if let src = e.source {
            // Imported (docs/journal-format.md, "Imported events").
            w.timestamp("source_at", src.at)
            w.string("batch", src.batch)
            w.string("source_system", src.system)
            w.string("source_file", src.file)
            w.int("source_row", Int64(src.row))
            if case .opened = e.body {
                w.optionalString("source_ref", src.sourceRef)
                w.optionalString("source_category", src.sourceCategory)
            }
        }
        if let enc = e.enc { w.string("enc", enc) }
        switch e.body {
        case .opened(let caller, let category, let queue, let priority, let contact, let details):
            w.string("caller", caller.name)
            w.string("caller_type", caller.type.rawValue)
            w.optionalString("caller_ref", caller.reference)
            w.optionalString("phone", caller.phone)
            w.optionalString("email", caller.email)
            w.optionalString("xn", caller.nameIndex)
            w.optionalString("xr", caller.referenceIndex)
            w.string("category", category)
            w.string("queue", queue)
            w.string("priority", priority.rawValue)
            contactFields(&w, contact)
            if !details.isEmpty { w.stringMap("details", details) }
        case .contactLogged(let contact):
            contactFields(&w, contact)
        case .routed(let queue, let details, let note):
            w.string("queue", queue)
            if !details.isEmpty { w.stringMap("details", details) }
            w.optionalString("note", note)
        case .assigned(let to):
            w.string("assignee", to)
        case .pending(let reason):
            w.string("reason", reason.rawValue)
        case .resumed, .closed:
            break
        case .resolved(let note, let firstContact):
            w.optionalString("note", note)
            // An imported resolution does not know how the first contact
            // ended: unknown, not false.
            if e.source != nil && !firstContact { w.null("fcr") } else { w.bool("fcr", firstContact) }
        case .reopened(let reason):
            w.optionalString("reason", reason)
        case .noted(let text):
            w.string("text", text)
        case .corrected(let field, let from, let to):
            w.string("field", field.rawValue)
            w.string("from", from)
            w.string("to", to)
            w.optionalString("xt", e.toIndex)
        case .feedback(let rating, let source):
            w.int("rating", Int64(rating))
            w.string("source", source.rawValue)
        case .identityVerified(let how):
            w.string("how", how)
        case .callbackSet(let at):
            if let at { w.timestamp("callback", at) } else { w.string("callback", "") }
        case .merged(let into):
            w.string("into", into.description)
        case .absorbed(let from):
            w.string("from", from.description)
        case .linked(let to):
            w.string("to", to.description)
        case .viewed:
            break
        case .sealedContent(let of, let content):
            w.string("of", of)
            w.stringMap("details", content)
        case .importVoided(let batch):
            w.string("batch", batch)
        case .erased(let tickets, let reason, let basis):
            w.string("refs", tickets.map(\.description).joined(separator: " "))
            w.string("reason", reason)
            w.string("basis", basis)
        case .accessed(let tickets):
            w.string("refs", tickets.map(\.description).joined(separator: " "))
        case .configChanged(let key, let from, let to):
            w.string("field", key)
            w.optionalString("from", from)
            w.optionalString("to", to)
        case .journalMigrated(let m):
            w.string("head", m.head)
            w.int("head_seq", m.headSeq)
            w.string("segments", m.segments.joined(separator: " "))
            w.string("archive", m.archive)
            w.timestamp("migrated", m.migratedAt)
        }
        return w.body
    }

    private static func contactFields(_ w: inout JSONLineWriter, _ c: ContactRecord) {
        w.string("channel", c.channel.rawValue)
        w.string("summary", c.summary)
        w.timestamp("received", c.received)
        if let d = c.durationMillis { w.int("duration_ms", d) }
    }
}
