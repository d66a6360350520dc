import BSCApp
import BSCCore

/// The export formats `bscdesk import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
    case servicenow
    case osticket
    case zendesk
    /// Any CSV, described by the mapping's `[columns]` and `[states]`.
    case csv

    /// The column naming each row's ticket in formats with several rows
    /// per ticket (ServiceNow's event log); nil where a row is a ticket.
    public var ticketColumn: String? { self == .servicenow ? "number" : nil }
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

    /// The batch id of `input` under `mapping`, refused when that batch was voided.
    static func batch(_ format: ImportFormat, input: CSVInput, mapping: ImportMapping, voided: Set<String>) throws -> String {
        let batch = ImportIds.batch(system: format.rawValue, fileDigest: input.digest, mapping: mapping.toml())
        // Importing it again would write the voided events' ids again.
        guard !voided.contains(batch) else {
            throw ImportError("\(terminalSafe(input.fileName)) with this mapping is import batch \(batch), which was voided; a void is final: to import the file again, change the mapping (another mapping is another batch)")
        }
        return batch
    }

    /// What an import needs of the desk it writes to, taken once before
    /// the file is read: who writes, the tickets already imported, the
    /// taxonomy; and how a run of events is appended. The team server
    /// runs `append` on its request queue, between other requests.
    public struct Target {
        public var login: String
        public var existing: [String: (ref: TicketRef, events: Int)]
        public var taxonomy: Taxonomy
        public var voidedBatches: Set<String>
        public var append: (_ make: (_ nextRef: TicketRef) throws -> [Event]) throws -> [Event]

        /// `desk` itself; supervisors only.
        public init(desk: Desk) throws {
            guard desk.profile.role == .supervisor else {
                throw DeskError.permission("import is for supervisors; you are \(desk.profile.role.rawValue)")
            }
            self.init(login: desk.login, existing: try desk.importedTickets(), taxonomy: desk.taxonomy, voidedBatches: desk.voidedImportBatches,
                      append: { make in try desk.appendImported(make) })
        }

        public init(login: String, existing: [String: (ref: TicketRef, events: Int)], taxonomy: Taxonomy, voidedBatches: Set<String>,
                    append: @escaping (_ make: (_ nextRef: TicketRef) throws -> [Event]) throws -> [Event]) {
            self.login = login
            self.existing = existing
            self.taxonomy = taxonomy
            self.voidedBatches = voidedBatches
            self.append = append
        }
    }

    /// Counts one ticket's story into a plan: what will be written of it,
    /// from which event on; nil when it is all in the journal already.
    struct Counter {
        var plan: ImportPlan
        var builder: StoryBuilder
        let existing: [String: (ref: TicketRef, events: Int)]

        mutating func count(_ t: SourceTicket) -> PendingStory? {
            plan.sourceTickets += 1
            let known = existing[plan.format.rawValue + "\u{0}" + t.sourceRef]
            let steps = builder.story(t)
            let from = known?.events ?? 0
            if known != nil && from >= steps.count {
                plan.alreadyImported += 1
                return nil
            }
            if known != nil { plan.carriedOn += 1 }
            for s in steps[from...] { plan.eventsByType[s.body.type, default: 0] += 1 }
            plan.tickets += 1
            return PendingStory(sourceRef: t.sourceRef, category: t.category, steps: steps, ref: known?.ref, from: from)
        }

        mutating func reject(_ r: RejectedRow) {
            plan.rejectedCount += 1
            if plan.rejected.count < rejectsKept { plan.rejected.append(r) }
        }

        /// The plan, once the pass is over.
        func finished(_ pass: SourcePass, grouping: TicketGrouping) -> ImportPlan {
            var p = plan
            p.rows = pass.rows
            p.header = pass.header
            p.grouping = grouping
            p.adaptations = builder.adaptations
            p.assigneesAsText = builder.assigneesAsText.count
            p.unmappedCategories = builder.unmappedCategories.count
            p.unmappedGroups = builder.unmappedGroups.count
            return p
        }
    }

    static func emptyPlan(_ format: ImportFormat, batch: String, input: CSVInput, mapping: ImportMapping, zone: ZoneRules) -> ImportPlan {
        ImportPlan(format: format, batch: batch, fileName: input.fileName, delimiterName: input.delimiterName, hadBOM: input.hadBOM,
                   input: input, mapping: mapping, zone: zone, grouping: TicketGrouping())
    }

    /// Reads, checks and maps `input` into a plan against what `desk`
    /// already holds: counts only, one ticket at a time. Writes nothing.
    public static func plan(_ format: ImportFormat, input: CSVInput, mapping: ImportMapping, zone: ZoneRules, desk: Desk) throws -> ImportPlan {
        try plan(format, input: input, mapping: mapping, zone: zone, existing: try desk.importedTickets(),
                 taxonomy: desk.taxonomy, voided: desk.voidedImportBatches)
    }

    static func plan(_ format: ImportFormat, input: CSVInput, mapping: ImportMapping, zone: ZoneRules,
                     existing: [String: (ref: TicketRef, events: Int)], taxonomy: Taxonomy, voided: Set<String>) throws -> ImportPlan {
        let batch = try Importer.batch(format, input: input, mapping: mapping, voided: voided)
        func fresh() -> Counter {
            Counter(plan: emptyPlan(format, batch: batch, input: input, mapping: mapping, zone: zone),
                    builder: StoryBuilder(mapping: mapping, taxonomy: taxonomy), existing: existing)
        }
        var counter = fresh()
        var grouping = TicketGrouping()
        let pass = try forEachTicket(format, input: input, zone: zone, mapping: mapping, grouping: &grouping, start: {
            counter = fresh()
        }, ticket: { t in
            _ = counter.count(t)
        }, reject: { r in
            counter.reject(r)
        })
        return counter.finished(pass, grouping: grouping)
    }

    /// A story waiting for the next append.
    struct PendingStory {
        var sourceRef: String
        var category: String
        var steps: [StoryStep]
        var ref: TicketRef?
        var from: Int
    }

    /// How far a write has got, for progress: events and tickets written,
    /// and the part of the file read (0...1).
    public struct WriteProgress: Sendable {
        public var events: Int
        public var tickets: Int
        public var fileRead: Double
    }

    /// Appends stories about `eventsPerAppend` events at a time, whole
    /// stories in each (a write cut by a kill can still cut one: the next
    /// run carries on from its next event).
    struct Appender {
        let plan: ImportPlan
        let target: Target
        let eventsPerAppend: Int
        var pending: [PendingStory] = []
        var pendingEvents = 0
        var written = 0
        var tickets = 0

        mutating func add(_ story: PendingStory, progress: (WriteProgress) -> Void) throws {
            let n = story.steps.count - story.from
            if pendingEvents > 0 && pendingEvents + n > eventsPerAppend { try flush(progress: progress) }
            pending.append(story)
            pendingEvents += n
        }

        mutating func flush(progress: (WriteProgress) -> Void) throws {
            guard !pending.isEmpty else { return }
            let chunk = pending
            let count = pendingEvents
            pending = []
            pendingEvents = 0
            let system = plan.format.rawValue
            let (batch, fileName, user) = (plan.batch, plan.fileName, target.login)
            let appended = try target.append { nextRef in
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
                        var source = ImportSource(batch: batch, system: system, file: fileName, row: s.line, at: s.at)
                        if place == 0 {
                            source.sourceRef = story.sourceRef
                            source.sourceCategory = story.category.isEmpty ? nil : story.category
                        }
                        events.append(Event(id: ImportIds.event(system: system, batch: batch, sourceRef: story.sourceRef, place: place),
                                            at: s.at, user: user, ref: ref, body: s.body, source: source))
                    }
                }
                return events
            }
            written += appended.count
            tickets += chunk.count
            progress(WriteProgress(events: written, tickets: tickets, fileRead: Double(plan.input.passPosition) / Double(max(1, plan.input.size))))
        }
    }

    /// Reads the plan's file again and appends the stories (after a plan
    /// was shown and confirmed). Only the stories of the next append are
    /// held. `progress` is called after each append. Returns the events
    /// written.
    @discardableResult
    public static func write(_ plan: ImportPlan, desk: Desk, eventsPerAppend: Int = 5_000,
                             progress: (WriteProgress) -> Void = { _ in }) throws -> Int {
        let target = try Target(desk: desk)
        var counter = Counter(plan: plan, builder: StoryBuilder(mapping: plan.mapping, taxonomy: target.taxonomy), existing: target.existing)
        var appender = Appender(plan: plan, target: target, eventsPerAppend: eventsPerAppend)
        var grouping = plan.grouping
        _ = try forEachTicket(plan.format, input: plan.input, zone: plan.zone, mapping: plan.mapping, grouping: &grouping, ticket: { t in
            if let story = counter.count(t) { try appender.add(story, progress: progress) }
        }, reject: { _ in })
        try appender.flush(progress: progress)
        return appender.written
    }

    /// Imports without showing a plan first (`--yes`): one reading of the
    /// file that counts what the summary shows as it writes, and hands
    /// each rejected row to `reject` as it is read. Only a ServiceNow log
    /// whose incidents' rows the check at open did not find each in one
    /// run (`ticketRowsTogether`) is read once more, first, to learn where
    /// each incident ends. Returns the plan
    /// of what was written (`summary` shows it) and the events written.
    public static func importAtOnce(_ format: ImportFormat, input: CSVInput, mapping: ImportMapping, zone: ZoneRules, target: Target,
                                    eventsPerAppend: Int = 5_000, reject: (RejectedRow) throws -> Void = { _ in },
                                    progress: (WriteProgress) -> Void = { _ in }) throws -> (plan: ImportPlan, written: Int) {
        let batch = try Importer.batch(format, input: input, mapping: mapping, voided: target.voidedBatches)
        var grouping = TicketGrouping()
        if format == .servicenow && input.ticketRowsTogether != true {
            // A pass that hands nothing on: it learns each incident's last row.
            _ = try Importer.pass(format, input: input, zone: zone, mapping: mapping, grouping: &grouping, ticket: { _ in }, reject: { _ in })
        }
        let empty = emptyPlan(format, batch: batch, input: input, mapping: mapping, zone: zone)
        var counter = Counter(plan: empty, builder: StoryBuilder(mapping: mapping, taxonomy: target.taxonomy), existing: target.existing)
        var appender = Appender(plan: empty, target: target, eventsPerAppend: eventsPerAppend)
        let pass = try Importer.pass(format, input: input, zone: zone, mapping: mapping, grouping: &grouping, ticket: { t in
            if let story = counter.count(t) { try appender.add(story, progress: progress) }
        }, reject: { r in
            counter.reject(r)
            try reject(r)
        })
        // The check at open proved each incident's rows together, so the
        // pass never has to start again; if it did, what was written of
        // the incident it found apart could be short: say so.
        guard !pass.again else {
            throw ImportError("\(terminalSafe(input.fileName)): an incident's rows were found apart after the check said they were together; run the import again (it carries on)")
        }
        try appender.flush(progress: progress)
        return (counter.finished(pass, grouping: grouping), appender.written)
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

    /// A rejected row as a line of the rejects CSV.
    public static func rejectLine(_ r: RejectedRow) -> String { csvRow([String(r.line), r.reason] + r.fields) }

    /// The rejects CSV's first line, for a file with `header`.
    public static func rejectsHeader(_ header: [String]) -> String { csvRow(["line", "reason"] + header) }

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
