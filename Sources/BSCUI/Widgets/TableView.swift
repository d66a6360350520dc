import BSCCore

/// Rows for a `TableView`. Only rows on screen are asked for, so a source
/// can be a view over 100k tickets without copying them.
public protocol TableDataSource {
    var count: Int { get }
    /// The cell texts of one row; missing trailing cells draw blank.
    func row(at index: Int) -> [String]
    /// A role for the whole row (a breached ticket, a changed row); nil for
    /// normal. The selection style wins over this.
    func rowStyle(at index: Int) -> Style?
}

extension TableDataSource {
    public func rowStyle(at index: Int) -> Style? { nil }
}

/// Plain arrays of rows are data sources.
extension Array: TableDataSource where Element == [String] {
    public func row(at index: Int) -> [String] { self[index] }
}

public struct TableColumn: Hashable, Sendable {
    public enum Width: Hashable, Sendable {
        case fixed(Int)
        /// Shares the leftover width by weight, at least `min` columns.
        case flex(Int, min: Int)
    }
    public var title: String
    public var width: Width
    public var alignment: TextAlignment

    public init(_ title: String, width: Width = .flex(1, min: 4), alignment: TextAlignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
    public static func fixed(_ title: String, _ n: Int, alignment: TextAlignment = .left) -> TableColumn {
        TableColumn(title, width: .fixed(n), alignment: alignment)
    }
    public static func flex(_ title: String, weight: Int = 1, min: Int = 4) -> TableColumn {
        TableColumn(title, width: .flex(weight, min: min))
    }
}

/// Selection and scroll of a table. Keys are handled without the data: the
/// row count is passed in, and the page size is remembered from the last
/// render.
public struct TableState: Hashable, Sendable {
    /// Selected row index, nil when the table is empty.
    public private(set) var selected: Int?
    /// First row on screen.
    public private(set) var offset: Int = 0
    /// Rows visible at the last render (PgUp/PgDn step).
    public private(set) var pageSize: Int = 10

    public init(selected: Int? = 0) { self.selected = selected }

    public mutating func select(_ index: Int?, count: Int) {
        guard count > 0, let index else { selected = nil; return }
        selected = min(max(0, index), count - 1)
    }

    /// Up/Down/PgUp/PgDn/Home/End and vi's j/k/g/G. False for other keys.
    public mutating func handle(_ key: Key, count: Int) -> Bool {
        guard count > 0 else { selected = nil; return false }
        let current = min(selected ?? 0, count - 1)
        let target: Int
        switch key {
        case .up, .char("k"): target = current - 1
        case .down, .char("j"): target = current + 1
        case .pageUp: target = current - max(1, pageSize)
        case .pageDown: target = current + max(1, pageSize)
        case .home, .char("g"): target = 0
        case .end, .char("G"): target = count - 1
        default: return false
        }
        selected = min(max(0, target), count - 1)
        return true
    }

    /// Keeps the selection on screen with `visible` rows and `count` rows in all.
    public mutating func scrollToSelection(visible: Int, count: Int) {
        pageSize = max(1, visible)
        if count == 0 { selected = nil; offset = 0; return }
        if let s = selected, s >= count { selected = count - 1 }
        if let s = selected {
            if s < offset { offset = s }
            if s >= offset + visible { offset = s - visible + 1 }
        }
        offset = max(0, min(offset, max(0, count - visible)))
    }
}

/// A header and the visible rows of a data source, with a selection bar and
/// marker. Work is proportional to the rows on screen.
public struct TableView {
    public var columns: [TableColumn]
    public var focused: Bool
    /// Drawn before the selected row (and as blanks before others) so the
    /// selection is visible without colour.
    public var marker: String
    public var showHeader: Bool
    public var emptyText: String

    public init(columns: [TableColumn], focused: Bool = true, marker: String = "▸", showHeader: Bool = true, emptyText: String = "(no rows)") {
        self.columns = columns
        self.focused = focused
        self.marker = marker
        self.showHeader = showHeader
        self.emptyText = emptyText
    }

    /// Column widths for a given total width (one space between columns).
    public func columnWidths(total: Int) -> [Int] {
        let constraints: [Constraint] = columns.map {
            switch $0.width {
            case .fixed(let n): .fixed(n)
            case .flex(let w, let m): .flex(w, min: m)
            }
        }
        return Constraint.solve(constraints, total: total, spacing: 1).map(\.length)
    }

    public func render<Source: TableDataSource>(in area: Rect, grid: inout CellGrid, state: inout TableState, data: Source) {
        guard !area.isEmpty else { return }
        let markerWidth = marker.isEmpty ? 0 : marker.displayWidth + 1
        var body = area
        let widths = columnWidths(total: max(0, area.width - markerWidth))
        if showHeader {
            let (head, rest) = area.splitTop(1)
            grid.fill(head, style: Style(.header))
            drawRow(columns.map(\.title), widths: widths, at: head.splitLeft(markerWidth).rest, style: Style(.header), grid: &grid)
            body = rest
        }
        let count = data.count
        state.scrollToSelection(visible: body.height, count: count)
        if count == 0 {
            grid.put(emptyText, in: body.row(0).inset(left: markerWidth), style: Style(.dim))
            return
        }
        let last = min(count, state.offset + body.height)
        for (i, index) in (state.offset..<last).enumerated() {
            let rowRect = body.row(i)
            let isSelected = index == state.selected
            var style = data.rowStyle(at: index) ?? Style(.normal)
            if isSelected { style = Style(focused ? .selection : .selectionInactive) }
            grid.fill(rowRect, style: style)
            if markerWidth > 0 && isSelected { grid.put(marker, in: rowRect, style: style) }
            drawRow(data.row(at: index), widths: widths, at: rowRect.splitLeft(markerWidth).rest, style: style, grid: &grid)
        }
    }

    private func drawRow(_ texts: [String], widths: [Int], at rect: Rect, style: Style, grid: inout CellGrid) {
        var x = rect.x
        for (i, w) in widths.enumerated() {
            let text = i < texts.count ? texts[i] : ""
            if w > 0 {
                let cell = terminalSafe(text).padded(toWidth: w, alignment: columns[i].alignment, ellipsis: true)
                grid.put(cell, x: x, y: rect.y, style: style, maxWidth: min(w, rect.maxX - x))
            }
            x += w + 1
        }
    }
}
