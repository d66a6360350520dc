import BSCCore

/// A run of changed cells on one row, in one style, for the backend to write.
public struct CellRun: Hashable, Sendable {
    public var x: Int
    public var y: Int
    /// The graphemes of the run's cells (continuations contribute nothing).
    public var cells: [String]
    public var style: Style
    /// Columns covered, including continuation cells.
    public var width: Int
    public var text: String { cells.joined() }
}

/// The in-memory screen every widget draws into. Each frame is drawn in full
/// into a fresh grid; `diff(from:)` decides what reaches the terminal.
public struct CellGrid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the backend should place the visible cursor (a focused field
    /// sets it); nil hides the cursor.
    public var cursor: Point?

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public init(size: Size) { self.init(width: size.width, height: size.height) }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
    }

    /// Writes one cell, keeping wide characters whole: overwriting either
    /// half of a wide character blanks the other half.
    public mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = y * width + x
        if cells[i].isContinuation, x > 0 {
            cells[i - 1] = Cell(" ", style: cells[i - 1].style)
        }
        if x + 1 < width, cells[i + 1].isContinuation {
            cells[i + 1] = Cell(" ", style: cells[i + 1].style)
        }
        cells[i] = cell
    }

    /// Writes text on one row from (x, y), sanitised with `terminalSafe`,
    /// clipped to `maxWidth` columns and the grid edge. A wide character that
    /// would straddle the limit is not drawn. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var col = x
        for ch in terminalSafe(text) {
            let w = displayWidth(ch)
            if w == 0 { continue }  // a stray mark with nothing to sit on
            if col + w > limit { break }
            if col >= 0 {
                set(x: col, y: y, Cell(String(ch), style: style))
                if w == 2 { set(x: col + 1, y: y, .continuation(style)) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Writes text into a rect's first row, clipped to the rect.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, style: Style = .normal) -> Int {
        guard rect.height > 0 else { return 0 }
        return put(text, x: rect.x, y: rect.y, style: style, maxWidth: rect.width)
    }

    /// Fills a rect with one character (a blank by default).
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .normal) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        let w = max(1, displayWidth(character))
        for y in r.y..<r.maxY {
            var x = r.x
            while x + w <= r.maxX {
                set(x: x, y: y, Cell(String(character), style: style))
                if w == 2 { set(x: x + 1, y: y, .continuation(style)) }
                x += w
            }
            if x < r.maxX { set(x: x, y: y, Cell(" ", style: style)) }
        }
    }

    /// Changes the style of every cell in a rect, keeping the text (used for
    /// selection bars).
    public mutating func setStyle(_ rect: Rect, _ style: Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * width + x].style = style }
        }
    }

    /// Copies another grid in at (x, y), clipped.
    public mutating func blit(_ other: CellGrid, x: Int, y: Int) {
        for oy in 0..<other.height {
            for ox in 0..<other.width {
                let c = other[ox, oy]
                let tx = x + ox
                let ty = y + oy
                guard tx >= 0, ty >= 0, tx < width, ty < height else { continue }
                cells[ty * width + tx] = c
            }
        }
    }

    /// Each row's text exactly as displayed, trailing blanks included.
    public func exactRows() -> [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width { s += self[x, y].text }
            return s
        }
    }

    /// Each row's text with trailing spaces trimmed: what tests compare.
    public func rows() -> [String] {
        exactRows().map { row in
            var r = Substring(row)
            while r.last == " " { r.removeLast() }
            return String(r)
        }
    }

    /// The text of one row, trimmed.
    public func row(_ y: Int) -> String { rows()[y] }

    /// The cells that differ from `previous`, grouped into same-style runs
    /// per row. A size change repaints everything. A run never starts on a
    /// continuation cell, so the backend always writes whole characters.
    public func diff(from previous: CellGrid?) -> [CellRun] {
        let full = previous == nil || previous!.width != width || previous!.height != height
        var runs: [CellRun] = []
        for y in 0..<height {
            var x = 0
            while x < width {
                let i = y * width + x
                let changed = full || cells[i] != previous!.cells[i]
                if !changed { x += 1; continue }
                // Index with the row offset: the head cell of this row, not
                // of row 0 (using row 0's style here made a zero-width run
                // that never advanced, an endless loop).
                var start = x
                if cells[y * width + start].isContinuation && start > 0 { start -= 1 }
                let style = cells[y * width + start].style
                var run = CellRun(x: start, y: y, cells: [], style: style, width: 0)
                var j = start
                while j < width {
                    let k = y * width + j
                    let c = cells[k]
                    let differs = full || c != previous!.cells[k]
                    // Continuations travel with their head; otherwise stop at
                    // the first unchanged or differently styled cell.
                    if !c.isContinuation && (c.style != style || (!differs && j > start)) { break }
                    if !c.isContinuation { run.cells.append(c.text) }
                    run.width += 1
                    j += 1
                }
                precondition(j > x, "diff must make progress on every run")
                if runs.last.map({ $0.y == y && $0.x + $0.width > run.x }) == true {
                    // Already covered by the previous run (a continuation
                    // pulled the start back); skip ahead.
                    x = j
                    continue
                }
                runs.append(run)
                x = j
            }
        }
        return runs
    }
}
