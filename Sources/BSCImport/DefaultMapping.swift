import BSCApp
import BSCCore

/// `import --write-mapping`: a mapping with the defaults for every value
/// an export uses, and a bscdesk.toml snippet with a category suggested
/// for each source category (import never edits the configuration). The
/// same text in-process and from the team server.
public struct DefaultMapping: Sendable {
    /// The mapping file's text.
    public var toml: String
    /// The category suggestions' text.
    public var snippet: String
    /// "(N channels, N categories, N groups, N assignees)".
    public var counts: String

    /// Suggestions go beside the mapping, at its path plus this.
    public static let snippetSuffix = ".categories.toml"

    public static func make(_ fmt: ImportFormat, input: CSVInput, zone: ZoneRules, base: ImportMapping, mappingName: String, desk: Desk) throws -> DefaultMapping {
        var m = base
        var categories = Set<String>()
        var grouping = TicketGrouping()
        _ = try Importer.forEachTicket(fmt, input: input, zone: zone, mapping: base, grouping: &grouping, start: {
            m = base
            categories = []
        }, ticket: { t in
            if !t.channel.isEmpty, m.channels[t.channel] == nil { m.channels[t.channel] = ImportMapping.guessChannel(t.channel) ?? m.defaultChannel }
            if !t.category.isEmpty, m.categories[t.category] == nil { m.categories[t.category] = m.defaultCategory; categories.insert(t.category) }
            if !t.priority.isEmpty, m.priorities[t.priority] == nil, let p = ImportMapping.guessPriority(t.priority) { m.priorities[t.priority] = p }
            for s in t.snapshots {
                if let g = s.group, m.groups[g] == nil { m.groups[g] = m.defaultQueue }
                if let a = s.assignee, m.assignees[a] == nil { m.assignees[a] = desk.config.users[a] != nil ? a : "" }
            }
        }, reject: { _ in })
        let header = "# bscdesk import mapping for \(fmt.rawValue) exports, made from \(input.fileName).\n# Use with: bscdesk import \(fmt.rawValue) FILE --mapping \(mappingName)\n\n"
        var snippet = "# Categories a supervisor may want to add to bscdesk.toml for the imported\n# source categories (import never edits the configuration). Add the ones\n# you want, then map them in \(mappingName).\n"
        for c in categories.sorted() {
            let slug = String(foldCallerName(c).map { $0.isLetter || $0.isNumber ? $0 : "-" })
            snippet += "\n[[categories]]\nid = \(ImportMapping.quote("imported." + slug))\nname = \(ImportMapping.quote(c))\nqueue = \"customer-services\"\nresolvable = true\n"
        }
        return DefaultMapping(toml: m.toml(header: header), snippet: snippet,
                              counts: "(\(m.channels.count) channels, \(m.categories.count) categories, \(m.groups.count) groups, \(m.assignees.count) assignees)")
    }
}
