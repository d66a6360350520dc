/// One terminal column. A wide grapheme sits in its first cell and the next
/// cell is a continuation (empty text) that the backend never writes.
public struct Cell: Hashable, Sendable {
    /// One grapheme cluster, " " for blank, "" for a continuation.
    public var text: String
    public var style: Style

    public init(_ text: String = " ", style: Style = .normal) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
    public static func continuation(_ style: Style) -> Cell { Cell("", style: style) }

    public var isContinuation: Bool { text.isEmpty }
}

/// A column/row position on the grid.
public struct Point: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A terminal size in columns and rows.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)×\(height)" }
    public func covers(_ other: Size) -> Bool { width >= other.width && height >= other.height }
}
