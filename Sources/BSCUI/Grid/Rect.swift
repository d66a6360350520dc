/// A rectangle of cells. Splitting never produces negative sizes, so layout
/// code can be written for the normal case and still behave at 20×5.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var size: Size { Size(width: width, height: height) }
    public var description: String { "(\(x),\(y) \(width)×\(height))" }

    public func contains(_ p: Point) -> Bool { p.x >= x && p.x < maxX && p.y >= y && p.y < maxY }

    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x)
        let y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX)
        let y1 = min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    public func inset(by n: Int) -> Rect { inset(top: n, left: n, bottom: n, right: n) }
    public func inset(horizontal: Int = 0, vertical: Int = 0) -> Rect {
        inset(top: vertical, left: horizontal, bottom: vertical, right: horizontal)
    }
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        let w = max(0, width - left - right)
        let h = max(0, height - top - bottom)
        return Rect(x: x + min(left, width), y: y + min(top, height), width: w, height: h)
    }

    /// The first `n` rows and the rest.
    public func splitTop(_ n: Int) -> (top: Rect, rest: Rect) {
        let k = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: k), Rect(x: x, y: y + k, width: width, height: height - k))
    }
    /// The rest and the last `n` rows.
    public func splitBottom(_ n: Int) -> (rest: Rect, bottom: Rect) {
        let k = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: height - k), Rect(x: x, y: maxY - k, width: width, height: k))
    }
    /// The first `n` columns and the rest.
    public func splitLeft(_ n: Int) -> (left: Rect, rest: Rect) {
        let k = min(max(0, n), width)
        return (Rect(x: x, y: y, width: k, height: height), Rect(x: x + k, y: y, width: width - k, height: height))
    }
    /// The rest and the last `n` columns.
    public func splitRight(_ n: Int) -> (rest: Rect, right: Rect) {
        let k = min(max(0, n), width)
        return (Rect(x: x, y: y, width: width - k, height: height), Rect(x: maxX - k, y: y, width: k, height: height))
    }

    /// Row `i` of this rectangle as a one-row rect (empty if out of range).
    public func row(_ i: Int) -> Rect {
        guard i >= 0, i < height else { return Rect(x: x, y: y + height, width: width, height: 0) }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }

    /// A `w`×`h` rectangle centred in this one, clipped to it.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width)
        let ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// Splits into horizontal bands (top to bottom).
    public func rows(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        Constraint.solve(constraints, total: height, spacing: spacing).map {
            Rect(x: x, y: y + $0.offset, width: width, height: $0.length)
        }
    }
    /// Splits into vertical bands (left to right).
    public func columns(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        Constraint.solve(constraints, total: width, spacing: spacing).map {
            Rect(x: x + $0.offset, y: y, width: $0.length, height: height)
        }
    }
}

/// One band of a split. Fixed and percentage bands are given their size
/// first (in order, while space lasts); flex bands share what is left by
/// weight, never below their minimum unless space runs out.
public enum Constraint: Hashable, Sendable {
    case fixed(Int)
    case percent(Int)
    case flex(Int = 1, min: Int = 0)

    static func solve(_ constraints: [Constraint], total: Int, spacing: Int) -> [(offset: Int, length: Int)] {
        let gaps = max(0, constraints.count - 1) * max(0, spacing)
        var remaining = max(0, total - gaps)
        var lengths = Array(repeating: 0, count: constraints.count)
        for (i, c) in constraints.enumerated() {
            switch c {
            case .fixed(let n): lengths[i] = min(max(0, n), remaining)
            case .percent(let p): lengths[i] = min(max(0, total * p / 100), remaining)
            case .flex(_, let minimum): lengths[i] = min(max(0, minimum), remaining)
            }
            remaining -= lengths[i]
        }
        let flex = constraints.enumerated().compactMap { i, c -> (Int, Int)? in
            if case .flex(let w, _) = c { return (i, max(0, w)) }
            return nil
        }
        let weightSum = flex.reduce(0) { $0 + $1.1 }
        if weightSum > 0 && remaining > 0 {
            var given = 0
            for (k, (i, w)) in flex.enumerated() {
                // The last flex band takes the rounding remainder.
                let share = k == flex.count - 1 ? remaining - given : remaining * w / weightSum
                lengths[i] += share
                given += share
            }
        }
        var offset = 0
        var out: [(Int, Int)] = []
        for len in lengths {
            out.append((offset, len))
            offset += len + max(0, spacing)
        }
        return out
    }
}
