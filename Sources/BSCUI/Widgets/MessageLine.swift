import BSCCore

/// A one-line message for the user: the result of an action or an error.
public struct Message: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case info, success, warning, error }
    public var kind: Kind
    public var text: String
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
    public static func info(_ text: String) -> Message { Message(.info, text) }
    public static func error(_ text: String) -> Message { Message(.error, text) }

    /// Role for the text; errors also carry a textual prefix so they read
    /// as errors without colour.
    public var role: Role {
        switch kind {
        case .info: .normal
        case .success: .success
        case .warning: .warning
        case .error: .error
        }
    }
    public var prefix: String {
        switch kind {
        case .info, .success: ""
        case .warning: "Warning: "
        case .error: "Error: "
        }
    }
}

public struct MessageLine {
    public var message: Message
    public init(_ message: Message) { self.message = message }

    /// The message wrapped to `width` (never cut: an error must be read whole).
    public func lines(width: Int) -> [String] {
        terminalSafe(message.prefix + message.text).wrapped(toWidth: max(1, width))
    }

    /// Draws the wrapped message in the area's rows; only if it needs more
    /// rows than the area has is the last one cut with "…".
    public func render(in area: Rect, grid: inout CellGrid) {
        guard area.height > 0 else { return }
        let style = Style(message.role, bold: message.kind == .error)
        let all = lines(width: area.width)
        for i in 0..<area.height {
            let row = area.row(i)
            grid.fill(row, style: style)
            guard i < all.count else { continue }
            var text = all[i]
            if i == area.height - 1 && all.count > area.height { text = (text + " " + all[(i + 1)...].joined(separator: " ")).truncated(toWidth: row.width, ellipsis: true) }
            grid.put(text, in: row, style: style)
        }
    }
}
