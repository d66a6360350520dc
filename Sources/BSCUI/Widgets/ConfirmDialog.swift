import BSCCore

/// The answer state of a yes/no dialog. `handle` returns the decision once
/// made: y/n, Enter on the focused button, Esc for no.
public struct ConfirmState: Hashable, Sendable {
    public var yesFocused: Bool
    public init(defaultYes: Bool = false) { yesFocused = defaultYes }

    public mutating func handle(_ key: Key) -> Bool? {
        switch key {
        case .char("y"), .char("Y"): return true
        case .char("n"), .char("N"), .escape: return false
        case .enter: return yesFocused
        case .left, .right, .tab, .backTab, .char("h"), .char("l"):
            yesFocused.toggle()
            return nil
        default: return nil
        }
    }
}

/// A centred question with [ Yes ] and [ No ] buttons.
public struct ConfirmDialog {
    public var title: String
    public var message: String
    public var yes: String
    public var no: String

    public init(title: String = "Confirm", message: String, yes: String = "Yes", no: String = "No") {
        self.title = title
        self.message = message
        self.yes = yes
        self.no = no
    }

    public func render(in area: Rect, grid: inout CellGrid, state: ConfirmState) {
        let buttons = "[ \(yes) ]  [ \(no) ]"
        let maxText = max(10, min(area.width - 4, 50))
        let lines = message.wrapped(toWidth: maxText)
        let width = max(lines.map(\.displayWidth).max() ?? 0, buttons.displayWidth, title.displayWidth + 2) + 4
        let box = area.centered(width: width, height: lines.count + 4)  // frame, text, blank, buttons
        guard box.width >= 3, box.height >= 3 else { return }
        let inner = Border(title: title).render(in: box, grid: &grid).inset(horizontal: 1)
        for (i, line) in lines.enumerated() where i < inner.height {
            grid.put(line, in: inner.row(i))
        }
        let buttonRow = inner.row(inner.height - 1)
        let start = buttonRow.x + max(0, (buttonRow.width - buttons.displayWidth) / 2)
        let yesText = "[ \(yes) ]"
        let w = grid.put(yesText, x: start, y: buttonRow.y, style: Style(state.yesFocused ? .selection : .normal), maxWidth: buttonRow.maxX - start)
        grid.put("[ \(no) ]", x: start + w + 2, y: buttonRow.y, style: Style(state.yesFocused ? .normal : .selection), maxWidth: max(0, buttonRow.maxX - start - w - 2))
    }
}
