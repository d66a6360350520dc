/// The htop-style bottom bar ("F1Help  F2Save … F10Quit"), drawn from a
/// screen's `KeyHelp` so it always matches the bindings.
public struct FunctionKeyBar {
    public var help: KeyHelp
    /// Minimum width of each label, so the bar keeps htop's even rhythm.
    public var labelWidth: Int

    public init(_ help: KeyHelp, labelWidth: Int = 6) {
        self.help = help
        self.labelWidth = labelWidth
    }

    func width(of e: KeyHelp.Entry) -> Int {
        e.barKey.label.displayWidth + max(labelWidth, e.barLabel?.displayWidth ?? 0)
    }

    /// The bar's entries that fit: when some must go, those in the middle
    /// go first, so Help (F1) and Quit (F10) stay on a narrow terminal.
    func fitting(width: Int) -> [KeyHelp.Entry] {
        var entries = help.barEntries.filter { $0.barLabel != nil }
        let kept: Set<Key> = [.function(1), .function(10)]
        // The last label's padding may fall off the edge.
        func needed(_ es: [KeyHelp.Entry]) -> Int {
            guard let last = es.last else { return 0 }
            return es.map(self.width(of:)).reduce(0, +) - max(0, labelWidth - (last.barLabel?.displayWidth ?? 0))
        }
        while needed(entries) > width, let i = entries.lastIndex(where: { !kept.contains($0.barKey) }) {
            entries.remove(at: i)
        }
        return entries
    }

    /// The key whose entry is drawn at column `x` of a bar `width` wide
    /// (a click on it presses it), nil between entries.
    public func key(atColumn x: Int, width: Int) -> Key? {
        var left = 0
        for entry in fitting(width: width) {
            let w = self.width(of: entry)
            if x >= left && x < left + w { return entry.barKey }
            left += w
        }
        return nil
    }

    public func render(in area: Rect, grid: inout CellGrid) {
        guard area.height > 0, area.width > 0 else { return }
        let row = area.row(0)
        grid.fill(row, style: Style(.functionKeyLabel))
        var x = row.x
        for entry in fitting(width: row.width) {
            guard x < row.maxX, let label = entry.barLabel else { break }
            x += grid.put(entry.barKey.label, x: x, y: row.y, style: Style(.functionKeyKey), maxWidth: row.maxX - x)
            guard x < row.maxX else { break }
            let text = label.padded(toWidth: max(labelWidth, label.displayWidth))
            x += grid.put(text, x: x, y: row.y, style: Style(.functionKeyLabel), maxWidth: row.maxX - x)
        }
    }
}
