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
    /// First visible row when the area wraps long lines (`TextArea.wraps`).
    public var wrappedScroll = 0

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
    /// Long lines continue on the next row (at a space where there is one)
    /// instead of scrolling sideways, so the whole text stays in sight.
    public var wraps: Bool

    public init(placeholder: String = "", focused: Bool = true, wraps: Bool = false) {
        self.placeholder = placeholder
        self.focused = focused
        self.wraps = wraps
    }

    /// One line's rows as grapheme ranges no wider than `width`, broken
    /// after the last space that fits, else where the width runs out.
    static func rows(of chars: [Character], width: Int) -> [Range<Int>] {
        guard width > 0, !chars.isEmpty else { return [0..<0] }
        var out: [Range<Int>] = []
        var start = 0
        while start < chars.count {
            var end = start
            var used = 0
            while end < chars.count, used + displayWidth(chars[end]) <= width {
                used += displayWidth(chars[end])
                end += 1
            }
            if end < chars.count, let space = chars[start..<end].lastIndex(of: " ") { end = space + 1 }
            if end == start { end = start + 1 }  // wider than the row
            out.append(start..<end)
            start = end
        }
        return out
    }

    func renderWrapped(in area: Rect, grid: inout CellGrid, state: inout TextAreaState, style: Style) {
        var visual: [(line: Int, range: Range<Int>)] = []
        var cursorRow = 0
        var cursorX = 0
        for (i, editor) in state.lines.enumerated() {
            let chunks = Self.rows(of: editor.chars, width: area.width)
            let first = visual.count
            for c in chunks { visual.append((i, c)) }
            guard i == state.line else { continue }
            let at = editor.cursor
            if let k = chunks.firstIndex(where: { $0.contains(at) }) {
                cursorRow = first + k
                cursorX = editor.chars[chunks[k].lowerBound..<at].reduce(0) { $0 + displayWidth($1) }
            } else {
                // At the end of the line; a full last row puts it on a new one.
                let last = chunks[chunks.count - 1]
                let w = editor.chars[last].reduce(0) { $0 + displayWidth($1) }
                if w >= area.width && !last.isEmpty {
                    visual.append((i, last.upperBound..<last.upperBound))
                    cursorRow = visual.count - 1
                    cursorX = 0
                } else {
                    cursorRow = first + chunks.count - 1
                    cursorX = w
                }
            }
        }
        if cursorRow < state.wrappedScroll { state.wrappedScroll = cursorRow }
        if cursorRow >= state.wrappedScroll + area.height { state.wrappedScroll = cursorRow - area.height + 1 }
        state.wrappedScroll = max(0, min(state.wrappedScroll, max(0, visual.count - area.height)))
        for row in 0..<area.height {
            let index = state.wrappedScroll + row
            guard index < visual.count else { break }
            let v = visual[index]
            grid.put(String(state.lines[v.line].chars[v.range]), in: area.row(row), style: style)
        }
        if focused {
            grid.cursor = Point(x: area.x + cursorX, y: area.y + cursorRow - state.wrappedScroll)
        }
    }

    public func render(in area: Rect, grid: inout CellGrid, state: inout TextAreaState) {
        guard !area.isEmpty else { return }
        if wraps && !(state.text.isEmpty && !placeholder.isEmpty) {
            let style = Style(focused ? .inputFocused : .input)
            grid.fill(area, style: style)
            renderWrapped(in: area, grid: &grid, state: &state, style: style)
            return
        }
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
