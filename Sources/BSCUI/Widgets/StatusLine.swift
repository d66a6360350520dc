import BSCCore

/// A one-row bar with a left and a right segment. When both do not fit, the
/// right segment is kept and the left one is cut with "…".
public struct StatusLine {
    public var left: String
    public var right: String
    public var role: Role

    public init(left: String, right: String = "", role: Role = .statusBar) {
        self.left = left
        self.right = right
        self.role = role
    }

    public func render(in area: Rect, grid: inout CellGrid) {
        guard area.height > 0, area.width > 0 else { return }
        let row = area.row(0)
        let style = Style(role)
        grid.fill(row, style: style)
        let r = terminalSafe(right).truncated(toWidth: row.width, ellipsis: true)
        let rw = r.displayWidth
        let room = row.width - rw - (rw > 0 ? 1 : 0)
        if room > 0 {
            grid.put(terminalSafe(left).truncated(toWidth: room, ellipsis: true), x: row.x, y: row.y, style: style, maxWidth: room)
        }
        if rw > 0 { grid.put(r, x: row.maxX - rw, y: row.y, style: style) }
    }
}
