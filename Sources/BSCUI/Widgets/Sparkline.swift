/// A one-row trend of values (newest on the right), scaled to the largest.
/// The text fallback uses ASCII for terminals without block glyphs. A nil
/// value (n/a: nothing to measure) draws as a dot, never as a low bar.
public struct Sparkline {
    public var values: [Double?]
    public var unicode: Bool
    public var role: Role
    /// Scale top; nil uses the largest value.
    public var maximum: Double?

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let ascii: [Character] = ["_", ".", "-", "-", "=", "=", "#", "#"]

    public init(_ values: [Double], unicode: Bool = true, role: Role = .normal, maximum: Double? = nil) {
        self.init(values.map { Optional($0) }, unicode: unicode, role: role, maximum: maximum)
    }

    public init(_ values: [Double?], unicode: Bool = true, role: Role = .normal, maximum: Double? = nil) {
        self.values = values
        self.unicode = unicode
        self.role = role
        self.maximum = maximum
    }

    /// The glyphs drawn for the last `width` values.
    public func text(width: Int) -> String {
        let shown = values.suffix(max(0, width))
        let top = maximum ?? (shown.compactMap { $0 }.max() ?? 0)
        let glyphs = unicode ? Self.blocks : Self.ascii
        return String(shown.map { value -> Character in
            guard let v = value else { return unicode ? "·" : "." }
            guard top > 0, v > 0 else { return " " }
            let level = Int((min(v, top) / top * Double(glyphs.count - 1)).rounded())
            return glyphs[max(0, min(glyphs.count - 1, level))]
        })
    }

    public func render(in area: Rect, grid: inout CellGrid) {
        guard area.height > 0 else { return }
        grid.put(text(width: area.width), in: area.row(0), style: Style(role))
    }
}
