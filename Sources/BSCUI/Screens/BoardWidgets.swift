import BSCApp
import BSCCore

/// Drawing helpers shared by the board screens: a table whose cells each
/// carry their own style (a changed number, a breach count), number texts
/// with k9s-style arrows, and the big digits of the wallboard.
struct BoardColumn {
    var title: String
    /// 0 for the flexible (name) column.
    var width: Int
    var alignment: TextAlignment

    init(_ title: String, _ width: Int, _ alignment: TextAlignment = .right) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
    static func name(_ title: String) -> BoardColumn { BoardColumn(title, 0, .left) }
}

struct BoardCellText {
    var text: String
    var style: Style?
    init(_ text: String, _ style: Style? = nil) {
        self.text = text
        self.style = style
    }
}

enum BoardTable {
    /// Widths for `total` columns: fixed columns as given, one space
    /// between, the name column takes the rest (at least 6).
    /// The name column stops at `maxName` so that on a wide screen the
    /// numbers stay next to the names they belong to.
    static func widths(_ columns: [BoardColumn], total: Int, maxName: Int = 44) -> [Int] {
        let fixed = columns.reduce(0) { $0 + $1.width } + max(0, columns.count - 1)
        return columns.map { $0.width == 0 ? max(6, min(maxName, total - fixed)) : $0.width }
    }

    /// Draws one row; a cell without its own style takes the row's.
    static func drawRow(_ cells: [BoardCellText], columns: [BoardColumn], widths: [Int], in rect: Rect, rowStyle: Style, grid: inout CellGrid) {
        var x = rect.x
        for (i, col) in columns.enumerated() where i < widths.count {
            let w = widths[i]
            guard x < rect.maxX, w > 0 else { break }
            let cell = i < cells.count ? cells[i] : BoardCellText("")
            var style = cell.style ?? rowStyle
            // The selection bar wins, but keeps its emphasis on changed cells.
            if rowStyle.role == .selection || rowStyle.role == .selectionInactive {
                style = Style(rowStyle.role, bold: cell.style != nil)
            }
            let text = terminalSafe(cell.text).padded(toWidth: w, alignment: col.alignment, ellipsis: true)
            grid.put(text, x: x, y: rect.y, style: style, maxWidth: min(w, rect.maxX - x))
            x += w + 1
        }
    }

    static func drawHeader(_ columns: [BoardColumn], widths: [Int], in rect: Rect, grid: inout CellGrid) {
        grid.fill(rect, style: Style(.header))
        drawRow(columns.map { BoardCellText($0.title) }, columns: columns, widths: widths, in: rect, rowStyle: Style(.header), grid: &grid)
    }
}

enum BoardText {
    /// A count with its change arrow ("12↑"), or a trailing blank so that
    /// numbers stay aligned whether or not they changed.
    static func number(_ value: Int?, change: BoardChanges.Direction?, unicode: Bool, suffix: String = "") -> BoardCellText {
        guard let value else { return BoardCellText("- ") }
        let arrow = change.map { unicode ? $0.arrow : $0.asciiArrow } ?? " "
        return BoardCellText("\(value)\(suffix)\(arrow)", change.map(style))
    }

    static func style(_ d: BoardChanges.Direction) -> Style { Style(d == .up ? .changedUp : .changedDown, bold: true) }

    /// A count that is bad when non-zero (breached, at risk): the role says
    /// so in colour and the count itself says so in text.
    static func alarm(_ value: Int, change: BoardChanges.Direction?, role: Role, unicode: Bool) -> BoardCellText {
        var c = number(value, change: change, unicode: unicode)
        if change == nil && value > 0 { c.style = Style(role, bold: role == .slaBreached) }
        return c
    }

    /// Mean handle time as m:ss; "-" when no contact was timed.
    static func duration(_ millis: Int64?) -> String {
        guard let m = millis else { return "-" }
        let s = m / 1000
        return "\(s / 60):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
    }

    static func ragRole(_ r: RAG) -> Role {
        switch r {
        case .green: return .ragGreen
        case .amber: return .ragAmber
        case .red: return .ragRed
        case .notApplicable: return .dim
        }
    }

    /// "66.7% ✗ RED*": the rate, symbol and word; `*` marks provisional.
    static func attainment(_ a: Attainment, unicode: Bool) -> String {
        let sym = unicode ? a.rag.symbol : a.rag.asciiSymbol
        if a.rag == .notApplicable { return "n/a" }
        return "\(a.percentText) \(sym) \(a.rag.label)" + (a.provisional ? "*" : "")
    }
}

/// Digits five rows tall for the wallboard, readable across a room.
enum BigDigits {
    static let height = 5
    private static let glyphs: [Character: [String]] = [
        "0": ["###", "# #", "# #", "# #", "###"],
        "1": [" # ", "## ", " # ", " # ", "###"],
        "2": ["###", "  #", "###", "#  ", "###"],
        "3": ["###", "  #", " ##", "  #", "###"],
        "4": ["# #", "# #", "###", "  #", "  #"],
        "5": ["###", "#  ", "###", "  #", "###"],
        "6": ["###", "#  ", "###", "# #", "###"],
        "7": ["###", "  #", "  #", "  #", "  #"],
        "8": ["###", "# #", "###", "# #", "###"],
        "9": ["###", "# #", "###", "  #", "###"],
        "%": ["# #", "  #", " # ", "#  ", "# #"],
        "-": ["   ", "   ", "###", "   ", "   "],
        ".": [" ", " ", " ", " ", "#"],
    ]

    /// The rows of `text` in big glyphs, one blank column between glyphs;
    /// characters without a glyph are skipped. `#` becomes a full block
    /// when the terminal shows Unicode.
    static func rows(_ text: String, unicode: Bool) -> [String] {
        var out = Array(repeating: "", count: height)
        var first = true
        for ch in text {
            guard let g = glyphs[ch] else { continue }
            for r in 0..<height { out[r] += (first ? "" : " ") + g[r] }
            first = false
        }
        return unicode ? out.map { String($0.map { $0 == "#" ? "█" : $0 }) } : out
    }

    static func width(_ text: String) -> Int { rows(text, unicode: false)[0].count }
}
