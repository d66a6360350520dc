import BSCCore

/// Shown instead of a screen when the terminal is below its minimum size:
/// "terminal too small: need 40×12", word-wrapped so it fits even 20×5.
public struct TooSmallNotice {
    public var required: Size
    public var actual: Size

    public init(required: Size, actual: Size) {
        self.required = required
        self.actual = actual
    }

    public var message: String { "terminal too small: need \(required), have \(actual)" }

    public func render(in area: Rect, grid: inout CellGrid) {
        guard !area.isEmpty else { return }
        grid.fill(area)
        let lines = Array(message.wrapped(toWidth: area.width).prefix(area.height))
        let top = area.y + (area.height - lines.count) / 2
        for (i, line) in lines.enumerated() {
            let x = area.x + (area.width - line.displayWidth) / 2
            grid.put(line, x: x, y: top + i, style: Style(.warning), maxWidth: area.maxX - x)
        }
    }
}
