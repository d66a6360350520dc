import BSCCore

/// Editing operations on one line of graphemes, shared by `TextFieldState`
/// and `TextAreaState`. The cursor is a grapheme index, so "ë" written as
/// e + U+0308 moves and deletes as one character.
public struct LineEditor: Hashable, Sendable {
    public private(set) var chars: [Character]
    /// Grapheme index of the cursor, 0…chars.count.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        chars = Array(text)
        cursor = chars.count
    }

    public var text: String { String(chars) }
    /// Display columns from the start of the line to the cursor.
    public var cursorColumn: Int { chars[..<cursor].reduce(0) { $0 + displayWidth($1) } }
    public var width: Int { chars.reduce(0) { $0 + displayWidth($1) } }

    public mutating func setText(_ text: String) {
        chars = Array(text)
        cursor = chars.count
    }

    /// Inserts typed text. A combining mark typed on its own (terminals
    /// deliver "e" then U+0308 separately) joins the character before it.
    public mutating func insert(_ text: String) {
        for c in text {
            if cursor > 0, c.unicodeScalars.allSatisfy({ displayWidth($0) == 0 }) {
                let joined = String(chars[cursor - 1]) + String(c)
                if joined.count == 1 {
                    chars[cursor - 1] = joined.first!
                    continue
                }
            }
            if displayWidth(c) == 0 { continue }  // controls and stray marks
            chars.insert(c, at: cursor)
            cursor += 1
        }
    }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        chars.remove(at: cursor - 1)
        cursor -= 1
    }
    public mutating func deleteForward() {
        guard cursor < chars.count else { return }
        chars.remove(at: cursor)
    }
    public mutating func left() { cursor = max(0, cursor - 1) }
    public mutating func right() { cursor = min(chars.count, cursor + 1) }
    public mutating func home() { cursor = 0 }
    public mutating func end() { cursor = chars.count }
    /// Ctrl-U: delete from the start of the line to the cursor.
    public mutating func killToStart() {
        chars.removeSubrange(0..<cursor)
        cursor = 0
    }
    /// Ctrl-K: delete from the cursor to the end of the line.
    public mutating func killToEnd() { chars.removeSubrange(cursor..<chars.count) }
    /// Ctrl-W: delete the word before the cursor and the spaces after it.
    public mutating func deleteWordBackward() {
        var i = cursor
        while i > 0, chars[i - 1].isWhitespace { i -= 1 }
        while i > 0, !chars[i - 1].isWhitespace { i -= 1 }
        chars.removeSubrange(i..<cursor)
        cursor = i
    }
    /// Moves to the grapheme whose start is nearest `column` without passing it.
    public mutating func moveTo(column: Int) {
        var col = 0
        var i = 0
        while i < chars.count {
            let w = displayWidth(chars[i])
            if col + w > column { break }
            col += w
            i += 1
        }
        cursor = i
    }
    /// Splits at the cursor: this keeps the head, the tail is returned.
    mutating func splitAtCursor() -> [Character] {
        let tail = Array(chars[cursor...])
        chars.removeSubrange(cursor...)
        return tail
    }
    mutating func append(_ tail: [Character]) { chars += tail }
    mutating func setCursor(_ i: Int) { cursor = min(max(0, i), chars.count) }

    /// Applies a line-editing key. Returns false for keys it does not use.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(String(c))
        case .backspace, .ctrl("h"): backspace()
        case .delete, .ctrl("d"): deleteForward()
        case .left, .ctrl("b"): left()
        case .right, .ctrl("f"): right()
        case .home, .ctrl("a"): home()
        case .end, .ctrl("e"): end()
        case .ctrl("u"): killToStart()
        case .ctrl("k"): killToEnd()
        case .ctrl("w"): deleteWordBackward()
        default: return false
        }
        return true
    }
}
