import BSCCore

/// A small modal form (a note, a route's hand-off details, an assignee):
/// labelled one-line fields, Tab/Shift-Tab between them, Enter to submit,
/// Esc to cancel. The owning screen keeps the state and draws it on top.
public struct FormPromptState: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var key: String
        public var label: String
        public var required: Bool
        public var input: TextFieldState
        public init(key: String, label: String, value: String = "", required: Bool = false) {
            self.key = key
            self.label = label
            self.required = required
            self.input = TextFieldState(value)
        }
    }

    public enum Result: Hashable, Sendable {
        case submitted([String: String])
        case cancelled
    }

    public var title: String
    public var fields: [Field]
    public var focus: Int = 0
    /// One line under the fields: what Enter will do, or a hint.
    public var note: String

    public init(title: String, fields: [Field], note: String = "") {
        self.title = title
        self.fields = fields
        self.note = note
    }

    public var values: [String: String] {
        Dictionary(fields.map { ($0.key, $0.input.text.trimmingCharacters(in: .whitespaces)) }, uniquingKeysWith: { a, _ in a })
    }

    /// nil while editing; a result on Enter or Esc.
    public mutating func handle(_ key: Key) -> Result? {
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted(values)
        case .tab, .down:
            if !fields.isEmpty { focus = (focus + 1) % fields.count }
        case .backTab, .up:
            if !fields.isEmpty { focus = (focus + fields.count - 1) % fields.count }
        default:
            if fields.indices.contains(focus) { _ = fields[focus].input.handle(key) }
        }
        return nil
    }
}

public struct FormPrompt {
    public init() {}

    public func render(in area: Rect, grid: inout CellGrid, state: inout FormPromptState) {
        let width = min(area.width, max(40, min(70, area.width - 4)))
        // Full labels ("Supplier or debtor number*:") up to half the box;
        // a longer one ends in "…", never runs into its input.
        let widest = (state.fields.map { $0.label.displayWidth + ($0.required ? 2 : 1) }.max() ?? 0) + 1
        let labelWidth = min(widest, max(12, (width - 2) / 2))
        let height = min(area.height, state.fields.count + 4 + (state.note.isEmpty ? 0 : 1))
        let box = area.centered(width: width, height: height)
        guard box.width >= 10, box.height >= 3 else { return }
        grid.fill(box)
        let inner = Border(title: state.title).render(in: box, grid: &grid).inset(horizontal: 1)
        grid.cursor = nil
        var row = 0
        for i in state.fields.indices {
            guard row < inner.height - 1 else { break }
            let r = inner.row(row)
            let f = state.fields[i]
            let (label, input) = r.splitLeft(labelWidth)
            let text = f.label + (f.required ? "*" : "") + ":"
            let shown = text.displayWidth < label.width ? text : String(f.label.truncated(toWidth: max(1, label.width - (f.required ? 4 : 3)), ellipsis: true)) + (f.required ? "*" : "") + ":"
            grid.put(shown, in: label, style: Style(i == state.focus ? .title : .normal))
            TextField(focused: i == state.focus).render(in: input, grid: &grid, state: &state.fields[i].input)
            row += 1
        }
        if !state.note.isEmpty, row + 1 < inner.height {
            row += 1
            grid.put(state.note, in: inner.row(row), style: Style(.dim))
        }
        grid.put("Enter save · Esc cancel · Tab next" + (state.fields.contains { $0.required } ? " · * required" : ""),
                 in: inner.row(inner.height - 1), style: Style(.dim))
    }
}
