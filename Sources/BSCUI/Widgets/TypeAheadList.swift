import BSCCore

/// Suggestions filtered by what is typed in a field: prefix matches first,
/// then other substring matches, case-insensitive, in candidate order.
public struct TypeAheadState: Hashable, Sendable {
    public var candidates: [String]
    public private(set) var query: String = ""
    public private(set) var matches: [String] = []
    public private(set) var selected: Int = 0
    public var limit: Int

    public init(candidates: [String], limit: Int = 50) {
        self.candidates = candidates
        self.limit = limit
        update(query: "")
    }

    public mutating func update(query: String) {
        self.query = query
        let q = query.lowercased()
        if q.isEmpty {
            matches = Array(candidates.prefix(limit))
        } else {
            var prefix: [String] = []
            var inner: [String] = []
            for c in candidates {
                let l = c.lowercased()
                if l.hasPrefix(q) { prefix.append(c) } else if l.contains(q) { inner.append(c) }
                if prefix.count >= limit { break }
            }
            matches = Array((prefix + inner).prefix(limit))
        }
        selected = 0
    }

    /// The highlighted suggestion, if any.
    public var current: String? { matches.isEmpty ? nil : matches[min(selected, matches.count - 1)] }

    /// Up/Down (and ^P/^N) move; returns false for other keys.
    public mutating func handle(_ key: Key) -> Bool {
        guard !matches.isEmpty else { return false }
        switch key {
        case .up, .ctrl("p"): selected = max(0, selected - 1)
        case .down, .ctrl("n"): selected = min(matches.count - 1, selected + 1)
        default: return false
        }
        return true
    }
}

/// The suggestion list drawn under a field, scrolled to keep the
/// highlighted match visible.
public struct TypeAheadList {
    public init() {}

    public func render(in area: Rect, grid: inout CellGrid, state: TypeAheadState) {
        guard !area.isEmpty, !state.matches.isEmpty else { return }
        let first = max(0, state.selected - area.height + 1)
        for (i, index) in (first..<min(state.matches.count, first + area.height)).enumerated() {
            let style = Style(index == state.selected ? .selection : .input)
            grid.fill(area.row(i), style: style)
            grid.put(state.matches[index], in: area.row(i).inset(left: 1), style: style)
        }
    }
}
