import BSCCore

/// A framed list of every binding ("F1, ?   Show this help"), drawn from the
/// same `KeyHelp` as the function-key bar.
public struct HelpOverlay {
    public var title: String
    public var help: KeyHelp
    public var footer: String
    /// The `:` commands valid here, listed after the keys.
    public var commands: [CommandHelp]
    /// Paragraphs after the keys (what a board's columns mean), wrapped.
    public var notes: [String]

    public init(title: String = "Help", help: KeyHelp, commands: [CommandHelp] = [], notes: [String] = [], footer: String = "Esc or ? to close") {
        self.title = title
        self.help = help
        self.commands = commands
        self.notes = notes
        self.footer = footer
    }

    /// The text lines shown, before framing.
    public func lines() -> [String] {
        let keyWidth = help.entries.map { $0.keyList.displayWidth }.max() ?? 0
        var out = help.entries.map { $0.keyList.padded(toWidth: keyWidth) + "  " + $0.help }
        // The commands, packed a few to a line so the keys keep the room.
        var line = "Commands:"
        for c in commands.map({ ":" + $0.usage }) {
            if line.displayWidth + 1 + c.displayWidth > 72 {
                out.append(line)
                line = "         "
            }
            line += " " + c
        }
        if !commands.isEmpty { out.append(line) }
        let width = max(40, min(76, out.map(\.displayWidth).max() ?? 0))
        for note in notes { out += note.wrapped(toWidth: width) }
        return out
    }

    public func render(in area: Rect, grid: inout CellGrid) {
        let body = lines()
        let contentWidth = max(body.map(\.displayWidth).max() ?? 0, footer.displayWidth, title.displayWidth + 2)
        let box = area.centered(width: contentWidth + 4, height: body.count + 4)
        guard box.width >= 3, box.height >= 3 else { return }
        let inner = Border(title: title).render(in: box, grid: &grid).inset(horizontal: 1)
        grid.fill(inner, style: Style(.help))
        let visible = max(0, inner.height - 1)
        for (i, line) in body.prefix(visible).enumerated() {
            let text = (i == visible - 1 && body.count > visible) ? "…" : line
            grid.put(text, in: inner.row(i), style: Style(.help))
        }
        if inner.height > 0 {
            grid.put(footer, in: inner.row(inner.height - 1), style: Style(.dim))
        }
    }
}
