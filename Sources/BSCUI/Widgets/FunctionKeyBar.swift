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

    public func render(in area: Rect, grid: inout CellGrid) {
        guard area.height > 0, area.width > 0 else { return }
        let row = area.row(0)
        grid.fill(row, style: Style(.functionKeyLabel))
        var x = row.x
        for entry in help.barEntries {
            guard x < row.maxX, let label = entry.barLabel else { break }
            x += grid.put(entry.barKey.label, x: x, y: row.y, style: Style(.functionKeyKey), maxWidth: row.maxX - x)
            guard x < row.maxX else { break }
            let text = label.padded(toWidth: max(labelWidth, label.displayWidth))
            x += grid.put(text, x: x, y: row.y, style: Style(.functionKeyLabel), maxWidth: row.maxX - x)
        }
    }
}
