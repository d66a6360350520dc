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
/// summary `--dry-run` shows and the confirmation asks about.
public struct ImportPlan: Sendable {
    public var format: ImportFormat
    public var batch: String
    public var fileName: String
    public var delimiterName: String
    public var hadBOM: Bool
    public var rows = 0
    public var rejected: [RejectedRow] = []
    public var header: [String] = []
    public var sourceTickets = 0
    /// Source tickets already in the journal (a re-import, or the part of
    /// an interrupted import that was written): skipped.
    public var alreadyImported = 0
    /// What to write: each source ticket's story, from step `from` (0 for
    /// a new ticket; more for one whose story an interrupted import cut),
    /// on `ref` when the ticket already exists.
    public var stories: [(ticket: SourceTicket, steps: [StoryStep], ref: TicketRef?, from: Int)] = []
    /// Tickets whose story an interrupted import cut off: carried on.
    public var carriedOn = 0
    public var eventsByType: [EventType: Int] = [:]
    public var adaptations: [Adaptation: Int] = [:]
    public var assigneesAsText = 0
    public var unmappedCategories = 0
    public var unmappedGroups = 0

    public var events: Int { eventsByType.values.reduce(0, +) }
}

public enum Importer {
    /// Reads, checks and maps `input` into a plan against what `desk`
    /// already holds. Writes nothing.
    public static func plan(_ format: ImportFormat, input: CSVInput, mapping: ImportMapping, zone: ZoneRules, desk: Desk) throws -> ImportPlan {
        let read = try self.read(format, input: input, zone: zone, mapping: mapping)
        return try plan(format, read: read, input: input, mapping: mapping, desk: desk)
    }

    public static func read(_ format: ImportFormat, input: CSVInput, zone: ZoneRules, mapping: ImportMapping? = nil) throws -> SourceRead {
        let dates = SourceDates(zone: zone)
        switch format {
        case .servicenow: return try ServiceNowFormat.read(input, dates: dates)
        case .osticket: return try OneRowFormat.readOSTicket(input, dates: dates)
        case .zendesk: return try OneRowFormat.readZendesk(input, dates: dates)
        case .csv:
            guard let mapping else { throw ImportError("the csv format needs a mapping (--mapping FILE) whose [columns] name the file's columns") }
            return try OneRowFormat.readGeneric(input, dates: dates, mapping: mapping)
        }
    }

    public static func plan(_ format: ImportFormat, read: SourceRead, input: CSVInput, mapping: ImportMapping, desk: Desk) throws -> ImportPlan {
        let batch = ImportIds.batch(system: format.rawValue, fileDigest: input.digest, mapping: mapping.toml())
        var plan = ImportPlan(format: format, batch: batch, fileName: input.fileName, delimiterName: input.delimiterName, hadBOM: input.hadBOM)
        plan.rows = read.rows
        plan.rejected = read.rejected.sorted { $0.line < $1.line }
        plan.header = read.header
        plan.sourceTickets = read.tickets.count
        let existing = try desk.importedTickets()
        var builder = StoryBuilder(mapping: mapping, taxonomy: desk.taxonomy)
        for t in read.tickets {
            let known = existing[format.rawValue + "\u{0}" + t.sourceRef]
            let steps = builder.story(t)
            let from = known?.events ?? 0
            if known != nil && from >= steps.count {
                plan.alreadyImported += 1
                continue
            }
            if known != nil { plan.carriedOn += 1 }
            for s in steps[from...] { plan.eventsByType[s.body.type, default: 0] += 1 }
            plan.stories.append((t, steps, known?.ref, from))
        }
        plan.adaptations = builder.adaptations
        plan.assigneesAsText = builder.assigneesAsText.count
        plan.unmappedCategories = builder.unmappedCategories.count
        plan.unmappedGroups = builder.unmappedGroups.count
        return plan
    }

    /// Appends the plan's stories, about `eventsPerAppend` events per
    /// write, whole stories in each (a write cut by a kill can still cut
    /// one: the next run carries on from its next event). `progress` gets the events
    /// written so far after each append. Returns the events written.
    @discardableResult
    public static func write(_ plan: ImportPlan, desk: Desk, eventsPerAppend: Int = 20_000,
                             progress: (_ written: Int, _ tickets: Int) -> Void = { _, _ in }) throws -> Int {
        let system = plan.format.rawValue
        let user = desk.login
        var written = 0, tickets = 0
        var start = 0
        while start < plan.stories.count {
            var end = start
            var count = 0
            while end < plan.stories.count && (count == 0 || count + plan.stories[end].steps.count - plan.stories[end].from <= eventsPerAppend) {
                count += plan.stories[end].steps.count - plan.stories[end].from
                end += 1
            }
            let chunk = plan.stories[start..<end]
            let appended = try desk.appendImported { nextRef in
                var events: [Event] = []
                events.reserveCapacity(count)
                var number = nextRef.number
                for (t, steps, known, from) in chunk {
                    let ref: TicketRef
                    if let known { ref = known } else {
                        ref = TicketRef(number)
                        number += 1
                    }
                    for (place, s) in steps.enumerated() where place >= from {
                        var source = ImportSource(batch: plan.batch, system: system, file: plan.fileName, row: s.line, at: s.at)
                        if place == 0 {
                            source.sourceRef = t.sourceRef
                            source.sourceCategory = t.category.isEmpty ? nil : t.category
                        }
                        events.append(Event(id: ImportIds.event(system: system, batch: plan.batch, sourceRef: t.sourceRef, place: place),
                                            at: s.at, user: user, ref: ref, body: s.body, source: source))
                    }
                }
                return events
            }
            written += appended.count
            tickets += chunk.count
            progress(written, tickets)
            start = end
        }
        return written
    }

    // MARK: Reports

    /// The summary shown before writing (and by --dry-run).
    public static func summary(_ p: ImportPlan) -> String {
        var out = "Import \(p.format.rawValue) \(terminalSafe(p.fileName)) as batch \(p.batch)\n"
        out += "  file: \(p.rows) rows (\(p.delimiterName)-separated\(p.hadBOM ? ", UTF-8 byte order mark" : "")), \(p.sourceTickets) source tickets\n"
        out += "  rejected rows: \(p.rejected.count)\n"
        if p.alreadyImported > 0 { out += "  already imported (skipped): \(p.alreadyImported) tickets\n" }
        if p.carriedOn > 0 { out += "  cut off by an interrupted import (carried on): \(p.carriedOn) tickets\n" }
        out += "  to write: \(p.stories.count) tickets, \(p.events) events\n"
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
    public static func rejectsCSV(_ p: ImportPlan) -> String {
        var out = csvRow(["line", "reason"] + p.header)
        for r in p.rejected { out += csvRow([String(r.line), r.reason] + r.fields) }
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
