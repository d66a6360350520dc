/// One key press, as screens see it. The backend translates terminal input
/// into these; tests construct them directly.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case enter, escape, tab, backTab, backspace, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1…F12 (F13+ are shifted function keys on some terminals).
    case function(Int)
    /// Control plus a letter, stored lower-case: `.ctrl("s")` is Ctrl-S.
    case ctrl(Character)
    /// Esc then a character (Alt-x on most terminals): `.alt(":")` opens
    /// the command line even where `:` would be typed into a field.
    case alt(Character)
    /// A left-button click at a cell (column, row from the top left).
    case click(x: Int, y: Int)
    /// The terminal changed size; the app re-lays out and redraws.
    case resize

    /// The short label used in the function-key bar and help ("F1", "^S").
    public var label: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .insert: "Ins"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let n): "F\(n)"
        case .ctrl(let c): "^" + String(c).uppercased()
        case .alt(let c): "Esc " + String(c)
        case .click: "Click"
        case .resize: "Resize"
        }
    }

    public var description: String { label }

    /// The key for a character code from the terminal in raw mode: control
    /// codes become named keys or `.ctrl`, anything else a `.char`. Nil for
    /// codes that are not keys (NUL, invalid scalars).
    public init?(code: UInt32) {
        switch code {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .ctrl(Character(Unicode.Scalar(code + 96)!))
        case 0, 28...31: return nil
        default:
            guard let s = Unicode.Scalar(code) else { return nil }
            self = .char(Character(s))
        }
    }

    /// Whether this is a printable character a text field would insert.
    public var insertableCharacter: Character? {
        if case .char(let c) = self { return c }
        return nil
    }
}
