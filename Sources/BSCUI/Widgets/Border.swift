/// A box-drawing frame with an optional title; returns the inner area.
public struct Border {
    public var title: String
    /// ASCII corners and lines for terminals without box-drawing glyphs.
    public var ascii: Bool

    public init(title: String = "", ascii: Bool = false) {
        self.title = title
        self.ascii = ascii
    }

    @discardableResult
    public func render(in area: Rect, grid: inout CellGrid) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return area }
        let (h, v, tl, tr, bl, br): (Character, Character, String, String, String, String) =
            ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        let style = Style(.border)
        grid.fill(area.inset(by: 1), style: .normal)
        grid.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), with: h, style: style)
        grid.fill(Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1), with: h, style: style)
        grid.fill(Rect(x: area.x, y: area.y, width: 1, height: area.height), with: v, style: style)
        grid.fill(Rect(x: area.maxX - 1, y: area.y, width: 1, height: area.height), with: v, style: style)
        grid.put(tl, x: area.x, y: area.y, style: style)
        grid.put(tr, x: area.maxX - 1, y: area.y, style: style)
        grid.put(bl, x: area.x, y: area.maxY - 1, style: style)
        grid.put(br, x: area.maxX - 1, y: area.maxY - 1, style: style)
        if !title.isEmpty && area.width > 4 {
            grid.put(" \(title) ", x: area.x + 1, y: area.y, style: Style(.title), maxWidth: area.width - 2)
        }
        return area.inset(by: 1)
    }
}
