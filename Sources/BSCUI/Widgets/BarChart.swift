import BSCCore

/// Horizontal bars, one per row: "Label  ████▌ 12". Eighth blocks give
/// sub-column precision; the fallback draws "#".
public struct BarChart {
    public struct Bar: Hashable, Sendable {
        public var label: String
        public var value: Double
        public var role: Role
        public init(_ label: String, _ value: Double, role: Role = .normal) {
            self.label = label
            self.value = value
            self.role = role
        }
    }
    public var bars: [Bar]
    public var unicode: Bool
    public var maximum: Double?

    static let eighths: [String] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public init(_ bars: [Bar], unicode: Bool = true, maximum: Double? = nil) {
        self.bars = bars
        self.unicode = unicode
        self.maximum = maximum
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format1: v)
    }

    /// The bar glyphs for `value` in `width` columns.
    public func barText(_ value: Double, width: Int, top: Double) -> String {
        guard top > 0, value > 0, width > 0 else { return "" }
        let eighthsTotal = Int((min(value, top) / top * Double(width * 8)).rounded())
        if !unicode { return String(repeating: "#", count: (eighthsTotal + 4) / 8) }
        return String(repeating: "█", count: eighthsTotal / 8) + Self.eighths[eighthsTotal % 8]
    }

    public func render(in area: Rect, grid: inout CellGrid) {
        guard !area.isEmpty else { return }
        let labelWidth = min(bars.map { $0.label.displayWidth }.max() ?? 0, area.width / 3)
        let valueTexts = bars.map { Self.format($0.value) }
        let valueWidth = valueTexts.map(\.displayWidth).max() ?? 0
        let barWidth = max(0, area.width - labelWidth - valueWidth - 2)
        let top = maximum ?? (bars.map(\.value).max() ?? 0)
        for (i, bar) in bars.prefix(area.height).enumerated() {
            let row = area.row(i)
            grid.put(bar.label.padded(toWidth: labelWidth, ellipsis: true), in: row)
            let bx = row.x + labelWidth + 1
            let used = grid.put(barText(bar.value, width: barWidth, top: top), x: bx, y: row.y, style: Style(bar.role), maxWidth: barWidth)
            grid.put(valueTexts[i], x: bx + used + (used > 0 ? 1 : 0), y: row.y, maxWidth: row.maxX - bx - used)
        }
    }
}

extension String {
    /// One decimal place without Foundation.
    init(format1 v: Double) {
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        self = "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
