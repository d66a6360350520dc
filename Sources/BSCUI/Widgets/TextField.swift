import BSCCore

/// Editing state of a single-line field: text, cursor and horizontal scroll
/// (in display columns, so CJK and combining text stay aligned).
public struct TextFieldState: Hashable, Sendable {
    public var editor: LineEditor
    /// First visible display column; kept so the view does not jump while
    /// the cursor moves inside it.
    public private(set) var scroll: Int = 0
    /// Maximum graphemes accepted (nil: unlimited).
    public var maxLength: Int?

    public init(_ text: String = "", maxLength: Int? = nil) {
        editor = LineEditor(text)
        self.maxLength = maxLength
    }

    public var text: String {
        get { editor.text }
        set { editor.setText(newValue) }
    }
    /// Display column of the cursor from the start of the text.
    public var cursorColumn: Int { editor.cursorColumn }

    /// Applies an editing key; false if the key is not for the field (the
    /// screen then uses it, e.g. Enter or Tab).
    public mutating func handle(_ key: Key) -> Bool {
        if case .char = key, let max = maxLength, editor.chars.count >= max { return true }
        if case .char(let c) = key, c.isNewline { return false }
        return editor.handle(key)
    }

    /// Adjusts `scroll` so the cursor is visible in `width` columns, with a
    /// column to spare at the end for the cursor itself.
    public mutating func scrollToCursor(width: Int) {
        guard width > 0 else { scroll = 0; return }
        let col = cursorColumn
        if col < scroll { scroll = col }
        if col >= scroll + width { scroll = col - width + 1 }
        // Do not leave empty space on the right when text was deleted.
        scroll = max(0, min(scroll, max(0, editor.width - width + 1)))
        if col < scroll { scroll = col }
    }
}

/// A one-line input. Draws the visible slice of the text; when focused it
/// places the grid cursor at the text cursor.
public struct TextField {
    public var placeholder: String
    public var focused: Bool
    /// Optional label drawn before the input ("Name: ").
    public var label: String

    public init(label: String = "", placeholder: String = "", focused: Bool = true) {
        self.label = label
        self.placeholder = placeholder
        self.focused = focused
    }

    public func render(in area: Rect, grid: inout CellGrid, state: inout TextFieldState) {
        guard area.height > 0, area.width > 0 else { return }
        var rect = area.row(0)
        if !label.isEmpty {
            let used = grid.put(label, in: rect, style: Style(.normal))
            rect = rect.splitLeft(used).rest
        }
        guard rect.width > 0 else { return }
        let style = Style(focused ? .inputFocused : .input)
        grid.fill(rect, style: style)
        state.scrollToCursor(width: rect.width)
        if state.editor.chars.isEmpty && !placeholder.isEmpty {
            grid.put(placeholder, in: rect, style: Style(.placeholder))
        } else {
            drawSlice(state.editor.chars, from: state.scroll, in: rect, style: style, grid: &grid)
        }
        if focused {
            grid.cursor = Point(x: rect.x + state.cursorColumn - state.scroll, y: rect.y)
        }
    }
}

/// Draws graphemes starting at display column `offset`. A wide character
/// cut by the left edge shows as a blank rather than half a glyph.
func drawSlice(_ chars: [Character], from offset: Int, in rect: Rect, style: Style, grid: inout CellGrid) {
    var col = 0
    var x = rect.x
    for c in chars {
        let w = displayWidth(c)
        if col + w <= offset { col += w; continue }
        if col < offset {  // straddles the left edge
            x += col + w - offset
            col += w
            continue
        }
        if x + w > rect.maxX { break }
        grid.put(String(c), x: x, y: rect.y, style: style, maxWidth: w)
        x += w
        col += w
    }
}
