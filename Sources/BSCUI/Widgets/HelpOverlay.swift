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

    /// The box for `area` and the rows of text it shows (the last inner
    /// row is the footer).
    func layout(in area: Rect) -> (box: Rect, visible: Int, lines: [String]) {
        let body = lines()
        let contentWidth = max(body.map(\.displayWidth).max() ?? 0, footer.displayWidth, title.displayWidth + 2)
        let box = area.centered(width: contentWidth + 4, height: body.count + 4)
        return (box, max(0, box.height - 3), body)
    }

    /// The largest useful `scroll` for `area`: the last line on the last row.
    public func maxScroll(in area: Rect) -> Int {
        let l = layout(in: area)
        return max(0, l.lines.count - l.visible)
    }

    /// Draws the lines from `scroll` on. When they do not all fit, the
    /// footer says how many lines are above and below and which keys
    /// scroll, so the last line of a long help is always reachable.
    public func render(in area: Rect, grid: inout CellGrid, scroll: Int = 0) {
        let (box, _, body) = layout(in: area)
        guard box.width >= 3, box.height >= 3 else { return }
        let inner = Border(title: title).render(in: box, grid: &grid).inset(horizontal: 1)
        grid.fill(inner, style: Style(.help))
        let visible = max(0, inner.height - 1)
        let first = max(0, min(scroll, body.count - visible))
        for (i, line) in body.dropFirst(first).prefix(visible).enumerated() {
            grid.put(line, in: inner.row(i), style: Style(.help))
        }
        guard inner.height > 0 else { return }
        var foot = footer
        if body.count > visible {
            let below = body.count - first - visible
            let position = below > 0 ? "↓ \(below) more" : "end"
            foot = (first > 0 ? "↑ \(first) · " : "") + position + " · ↑↓ PgUp PgDn · Esc closes"
        }
        grid.put(foot, in: inner.row(inner.height - 1), style: Style(body.count > visible ? .header : .dim))
    }
}
