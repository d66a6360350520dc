import BSCCore

/// Editing state of a multi-line note: lines of graphemes, a cursor (line
/// and grapheme index) and a scroll position in rows and display columns.
public struct TextAreaState: Hashable, Sendable {
    public private(set) var lines: [LineEditor]
    public private(set) var line: Int = 0
    public private(set) var scrollRow: Int = 0
    public private(set) var scrollColumn: Int = 0
    /// Column the cursor tries to keep on up/down through shorter lines.
    private var goalColumn: Int?

    public init(_ text: String = "") {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { LineEditor(String($0)) }
        if lines.isEmpty { lines = [LineEditor()] }
        line = lines.count - 1
    }

    public var text: String { lines.map(\.text).joined(separator: "\n") }
    /// Cursor as (display column, line).
    public var cursor: Point { Point(x: lines[line].cursorColumn, y: line) }

    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .enter:
            let tail = lines[line].splitAtCursor()
            var next = LineEditor()
            next.append(tail)
            next.home()
            lines.insert(next, at: line + 1)
            line += 1
        case .backspace where lines[line].cursor == 0 && line > 0:
            let tail = lines[line].chars
            lines.remove(at: line)
            line -= 1
            let at = lines[line].chars.count
            lines[line].append(tail)
            lines[line].setCursor(at)
        case .delete where lines[line].cursor == lines[line].chars.count && line + 1 < lines.count:
            let tail = lines.remove(at: line + 1).chars
            let at = lines[line].cursor
            lines[line].append(tail)
            lines[line].setCursor(at)
        case .up, .ctrl("p"):
            guard line > 0 else { return true }
            verticalMove(to: line - 1)
            return true
        case .down, .ctrl("n"):
            guard line + 1 < lines.count else { return true }
            verticalMove(to: line + 1)
            return true
        case .left where lines[line].cursor == 0 && line > 0:
            line -= 1
            lines[line].end()
        case .right where lines[line].cursor == lines[line].chars.count && line + 1 < lines.count:
            line += 1
            lines[line].home()
        case .char(let c) where c.isNewline:
            return handle(.enter)
        default:
            guard lines[line].handle(key) else { return false }
        }
        goalColumn = nil
        return true
    }

    private mutating func verticalMove(to target: Int) {
        let goal = goalColumn ?? lines[line].cursorColumn
        line = target
        lines[line].moveTo(column: goal)
        goalColumn = goal
    }

    /// Keeps the cursor inside a `size` viewport.
    public mutating func scrollToCursor(size: Size) {
        if line < scrollRow { scrollRow = line }
        if line >= scrollRow + size.height { scrollRow = line - size.height + 1 }
        let col = lines[line].cursorColumn
        if col < scrollColumn { scrollColumn = col }
        if col >= scrollColumn + size.width { scrollColumn = col - size.width + 1 }
        scrollRow = max(0, scrollRow)
        scrollColumn = max(0, scrollColumn)
    }
}

/// A multi-line input box (notes). Renders the visible lines; when focused,
/// places the grid cursor.
public struct TextArea {
    public var focused: Bool
    public var placeholder: String

    public init(placeholder: String = "", focused: Bool = true) {
        self.placeholder = placeholder
        self.focused = focused
    }

    public func render(in area: Rect, grid: inout CellGrid, state: inout TextAreaState) {
        guard !area.isEmpty else { return }
        let style = Style(focused ? .inputFocused : .input)
        grid.fill(area, style: style)
        state.scrollToCursor(size: area.size)
        if state.text.isEmpty && !placeholder.isEmpty {
            grid.put(placeholder, in: area, style: Style(.placeholder))
        } else {
            for row in 0..<area.height {
                let index = state.scrollRow + row
                guard index < state.lines.count else { break }
                drawSlice(state.lines[index].chars, from: state.scrollColumn, in: area.row(row), style: style, grid: &grid)
            }
        }
        if focused {
            let c = state.cursor
            grid.cursor = Point(x: area.x + c.x - state.scrollColumn, y: area.y + c.y - state.scrollRow)
        }
    }
}
