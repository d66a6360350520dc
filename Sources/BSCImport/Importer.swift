import BSCApp
import BSCCore

/// The export formats `bscdesk import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
    case servicenow
    case osticket
    case zendesk
    /// Any CSV, described by the mapping's `[columns]` and `[states]`.
    case csv
}

/// What an import will write, worked out before anything is written: the
/// summary `--dry-run` shows and the confirmation asks about. It holds
/// counts, not stories: the write reads the file again.
public struct ImportPlan: Sendable {
    public var format: ImportFormat
    public var batch: String
    public var fileName: String
    public var delimiterName: String
    public var hadBOM: Bool
    public var rows = 0
    /// The first rejected rows (at most `Importer.rejectsKept`), in file
    /// order; `rejectedCount` counts them all.
    public var rejected: [RejectedRow] = []
    public var rejectedCount = 0
    public var header: [String] = []
    public var sourceTickets = 0
    /// Source tickets already in the journal (a re-import, or the part of
    /// an interrupted import that was written): skipped.
    public var alreadyImported = 0
    /// Tickets with events to write: new ones, and those whose story an
    /// interrupted import cut (`carriedOn`), from their next event.
    public var tickets = 0
    public var carriedOn = 0
    public var eventsByType: [EventType: Int] = [:]
    public var adaptations: [Adaptation: Int] = [:]
    public var assigneesAsText = 0
    public var unmappedCategories = 0
    public var unmappedGroups = 0

    /// What the write needs to read the file again as the plan read it.
    public let input: CSVInput
    public let mapping: ImportMapping
    public let zone: ZoneRules
    var grouping: TicketGrouping

    public var events: Int { eventsByType.values.reduce(0, +) }
}

public enum Importer {
    /// Rejected rows a plan keeps to show; the rejects file has them all.
    public static let rejectsKept = 1000

    /// One pass of the format's reader over the file.
    static func pass(_ format: ImportFormat, input: CSVInput, zone: ZoneRules, mapping: ImportMapping, grouping: inout TicketGrouping,
                     ticket: (SourceTicket) throws -> Void, reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        let dates = SourceDates(zone: zone)
        switch format {
        case .servicenow: return try ServiceNowFormat.read(input, dates: dates, grouping: &grouping, ticket: ticket, reject: reject)
        case .osticket: return try OneRowFormat.readOSTicket(input, dates: dates, ticket: ticket, reject: reject)
        case .zendesk: return try OneRowFormat.readZendesk(input, dates: dates, ticket: ticket, reject: reject)
        case .csv: return try OneRowFormat.readGeneric(input, dates: dates, mapping: mapping, ticket: ticket, reject: reject)
        }
    }

    /// Hands each source ticket of the file, whole, to `ticket` and each
    /// rejected row to `reject`, holding only the tickets begun and not yet
    /// ended (see `TicketGrouping`). When the first pass finds that the file
    /// must be read again, `start` is called before the second: forget
    /// what the first handed on.
    public static func forEachTicket(_ format: ImportFormat, input: CSVInput, zone: ZoneRules, mapping: ImportMapping,
                                     grouping: inout TicketGrouping, start: () -> Void = {},
                                     ticket: (SourceTicket) throws -> Void, reject: (RejectedRow) throws -> Void) throws -> SourcePass {
        var first = try pass(format, input: input, zone: zone, mapping: mapping, grouping: &grouping, ticket: ticket, reject: reject)
        if first.again {
            start()
            first = try pass(format, input: input, zone: zone, mapping: mapping, grouping: &grouping, ticket: ticket, reject: reject)
        }
        return first
    }

    /// Reads, checks and maps `input` into a plan against what `desk`
    /// already holds: counts only, one ticket at a time. Writes nothing.
    public static func plan(_ format: ImportFormat, input: CSVInput, mapping: ImportMapping, zone: ZoneRules, desk: Desk) throws -> ImportPlan {
        let batch = ImportIds.batch(system: format.rawValue, fileDigest: input.digest, mapping: mapping.toml())
        let existing = try desk.importedTickets()
        // Importing it again would write the voided events' ids again.
        guard !desk.voidedImportBatches.contains(batch) else {
            throw ImportError("\(terminalSafe(input.fileName)) with this mapping is import batch \(batch), which was voided; a void is final: to import the file again, change the mapping (another mapping is another batch)")
        }
        let empty = ImportPlan(format: format, batch: batch, fileName: input.fileName, delimiterName: input.delimiterName, hadBOM: input.hadBOM,
                               input: input, mapping: mapping, zone: zone, grouping: TicketGrouping())
        var plan = empty
        var builder = StoryBuilder(mapping: mapping, taxonomy: desk.taxonomy)
        var grouping = TicketGrouping()
        let pass = try forEachTicket(format, input: input, zone: zone, mapping: mapping, grouping: &grouping, start: {
            plan = empty
            builder = StoryBuilder(mapping: mapping, taxonomy: desk.taxonomy)
        }, ticket: { t in
            plan.sourceTickets += 1
            let known = existing[format.rawValue + "\u{0}" + t.sourceRef]
            let steps = builder.story(t)
            let from = known?.events ?? 0
            if known != nil && from >= steps.count {
                plan.alreadyImported += 1
                return
            }
            if known != nil { plan.carriedOn += 1 }
            for s in steps[from...] { plan.eventsByType[s.body.type, default: 0] += 1 }
            plan.tickets += 1
        }, reject: { r in
            plan.rejectedCount += 1
            if plan.rejected.count < rejectsKept { plan.rejected.append(r) }
        })
        plan.rows = pass.rows
        plan.header = pass.header
        plan.grouping = grouping
        plan.adaptations = builder.adaptations
        plan.assigneesAsText = builder.assigneesAsText.count
        plan.unmappedCategories = builder.unmappedCategories.count
        plan.unmappedGroups = builder.unmappedGroups.count
        return plan
    }

    /// A story waiting for the next append.
    struct PendingStory {
        var sourceRef: String
        var category: String
        var steps: [StoryStep]
        var ref: TicketRef?
        var from: Int
    }

    /// Reads the plan's file again and appends the stories, about
    /// `eventsPerAppend` events per write, whole stories in each (a write
    /// cut by a kill can still cut one: the next run carries on from its
    /// next event). Only the stories of the next append are held.
    /// `progress` gets the events and tickets written so far after each
    /// append. Returns the events written.
    @discardableResult
    public static func write(_ plan: ImportPlan, desk: Desk, eventsPerAppend: Int = 5_000,
                             progress: (_ written: Int, _ tickets: Int) -> Void = { _, _ in }) throws -> Int {
        guard desk.profile.role == .supervisor else {
            throw DeskError.permission("import is for supervisors; you are \(desk.profile.role.rawValue)")
        }
        let system = plan.format.rawValue
        let user = desk.login
        let existing = try desk.importedTickets()
        var builder = StoryBuilder(mapping: plan.mapping, taxonomy: desk.taxonomy)
        var grouping = plan.grouping
        var written = 0, tickets = 0
        var pending: [PendingStory] = []
        var pendingEvents = 0
        func flush() throws {
            let chunk = pending
            let count = pendingEvents
            pending = []
            pendingEvents = 0
            let appended = try desk.appendImported { nextRef in
                var events: [Event] = []
                events.reserveCapacity(count)
                var number = nextRef.number
                for story in chunk {
                    let ref: TicketRef
                    if let known = story.ref { ref = known } else {
                        ref = TicketRef(number)
                        number += 1
                    }
                    for (place, s) in story.steps.enumerated() where place >= story.from {
                        var source = ImportSource(batch: plan.batch, system: system, file: plan.fileName, row: s.line, at: s.at)
                        if place == 0 {
                            source.sourceRef = story.sourceRef
                            source.sourceCategory = story.category.isEmpty ? nil : story.category
                        }
                        events.append(Event(id: ImportIds.event(system: system, batch: plan.batch, sourceRef: story.sourceRef, place: place),
                                            at: s.at, user: user, ref: ref, body: s.body, source: source))
                    }
                }
                return events
            }
            written += appended.count
            tickets += chunk.count
            progress(written, tickets)
        }
        _ = try forEachTicket(plan.format, input: plan.input, zone: plan.zone, mapping: plan.mapping, grouping: &grouping, ticket: { t in
            let known = existing[system + "\u{0}" + t.sourceRef]
            let steps = builder.story(t)
            let from = known?.events ?? 0
            if known != nil && from >= steps.count { return }
            let n = steps.count - from
            if pendingEvents > 0 && pendingEvents + n > eventsPerAppend { try flush() }
            pending.append(PendingStory(sourceRef: t.sourceRef, category: t.category, steps: steps, ref: known?.ref, from: from))
            pendingEvents += n
        }, reject: { _ in })
        if !pending.isEmpty { try flush() }
        return written
    }

    /// The rejected rows as CSV, a line at a time to `out`: line, reason,
    /// then the row's fields. Read again from the file when the plan did
    /// not keep them all.
    public static func writeRejects(_ p: ImportPlan, to out: (String) throws -> Void) throws {
        try out(csvRow(["line", "reason"] + p.header))
        if p.rejected.count == p.rejectedCount {
            for r in p.rejected { try out(csvRow([String(r.line), r.reason] + r.fields)) }
            return
        }
        var grouping = p.grouping
        _ = try forEachTicket(p.format, input: p.input, zone: p.zone, mapping: p.mapping, grouping: &grouping, ticket: { _ in }, reject: { r in
            try out(csvRow([String(r.line), r.reason] + r.fields))
        })
    }

    // MARK: Reports

    /// The summary shown before writing (and by --dry-run).
    public static func summary(_ p: ImportPlan) -> String {
        var out = "Import \(p.format.rawValue) \(terminalSafe(p.fileName)) as batch \(p.batch)\n"
        out += "  file: \(p.rows) rows (\(p.delimiterName)-separated\(p.hadBOM ? ", UTF-8 byte order mark" : "")), \(p.sourceTickets) source tickets\n"
        out += "  rejected rows: \(p.rejectedCount)\n"
        if p.alreadyImported > 0 { out += "  already imported (skipped): \(p.alreadyImported) tickets\n" }
        if p.carriedOn > 0 { out += "  cut off by an interrupted import (carried on): \(p.carriedOn) tickets\n" }
        out += "  to write: \(p.tickets) tickets, \(p.events) events\n"
        for t in EventType.allCases where (p.eventsByType[t] ?? 0) > 0 {
            out += "    \(t.rawValue.padding(18)) \(p.eventsByType[t]!)\n"
        }
        let adapted = Adaptation.allCases.filter { (p.adaptations[$0] ?? 0) > 0 }
        if !adapted.isEmpty {
            out += "  adapted to bscdesk's lifecycle:\n"
            for a in adapted { out += "    \(a.rawValue.padding(26)) \(p.adaptations[a]!)  (\(a.explanation))\n" }
        }
        if p.unmappedCategories > 0 { out += "  source categories with no mapping (to default_category): \(p.unmappedCategories)\n" }
        if p.unmappedGroups > 0 { out += "  source groups with no mapping (to default_queue): \(p.unmappedGroups)\n" }
        if p.assigneesAsText > 0 { out += "  assignees with no login (kept as text): \(p.assigneesAsText)\n" }
        out += "  FCR: unknown for every imported ticket (left out of FCR figures)\n"
        return out
    }

    /// The rejected rows as CSV: line, reason, then the row's fields.
    public static func rejectsCSV(_ p: ImportPlan) throws -> String {
        var out = ""
        try writeRejects(p) { out += $0 }
        return out
    }

    static func csvRow(_ fields: [String]) -> String {
        fields.map { f in
            // A leading = + - @ would be a formula to a spreadsheet.
            var v = f
            if let c = v.unicodeScalars.first, "=+-@".unicodeScalars.contains(c) { v = "'" + v }
            if v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") {
                return "\"" + v.replacingAll("\"", with: "\"\"") + "\""
            }
            return v
        }.joined(separator: ",") + "\r\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}
