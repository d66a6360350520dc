import BSCCore

/// Every alarm on the board in full (`x` on the board), one per paragraph,
/// wrapped to the screen and scrollable: on a red morning a team leader
/// needs all of them, and a message line cut them off. Live: it reads the
/// same feed as the board, so an alarm that clears goes from the list.
public struct BoardAlarmsScreen: Screen {
    enum Action: Sendable { case down, up, pageDown, pageUp, top, bottom, close }

    let bindings = KeyBindingTable<Action>([
        KeyBinding([.down, .char("j")], help: "Scroll down", action: .down),
        KeyBinding([.up, .char("k")], help: "Scroll up", action: .up),
        KeyBinding([.pageDown, .char(" ")], help: "Next page", action: .pageDown),
        KeyBinding([.pageUp], help: "Previous page", action: .pageUp),
        KeyBinding([.home, .char("g")], help: "Top", action: .top),
        KeyBinding([.end, .char("G")], help: "Bottom", action: .bottom),
        KeyBinding([.char("x")], help: "Back to the board", action: .close),
    ])

    /// The board it was opened from: its feed, team filter and wording.
    var board: BoardScreen
    var scroll = 0
    /// Rows shown in the last frame (for paging).
    var pageRows = 10

    public init(board: BoardScreen) { self.board = board }

    public var title: String { "Alarms" }
    public var keyHelp: KeyHelp { bindings.help }
    public var statusText: String {
        let n = alarms.count
        return n == 0 ? "none" : "\(n) alarm\(n == 1 ? "" : "s")"
    }

    var alarms: [String] { board.allAlarms(board.shown) }

    public mutating func tick(now: Instant) -> Bool { board.tick(now: now) }

    /// The alarms as wrapped rows, a blank row between two.
    func lines(width: Int) -> [String] {
        let all = alarms
        guard !all.isEmpty else { return ["Nothing on the board is red or amber."] }
        var out: [String] = []
        for (i, alarm) in all.enumerated() {
            if i > 0 { out.append("") }
            let wrapped = ("• " + alarm).wrapped(toWidth: max(4, width))
            out += wrapped.enumerated().map { j, line in j == 0 ? line : "  " + line.drop { $0 == " " } }
        }
        return out
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        guard let action = bindings.action(for: key) else { return .ignored }
        let page = max(1, pageRows - 1)
        switch action {
        case .down: scroll += 1
        case .up: scroll -= 1
        case .pageDown: scroll += page
        case .pageUp: scroll -= page
        case .top: scroll = 0
        case .bottom: scroll = Int.max / 2
        case .close: return .pop
        }
        scroll = max(0, scroll)
        return .handled
    }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        guard area.height > 0 else { return }
        let body = lines(width: area.width - 2)
        // The last row says what is above and below when they do not fit.
        let fits = body.count <= area.height
        let visible = fits ? area.height : max(1, area.height - 1)
        pageRows = visible
        scroll = max(0, min(scroll, body.count - visible))
        for (i, line) in body.dropFirst(scroll).prefix(visible).enumerated() {
            let style = Style(line.hasPrefix("• ") || line.hasPrefix("  ") ? .warning : .dim)
            grid.put(line, in: area.row(i).inset(horizontal: 1), style: style)
        }
        if !fits {
            let below = body.count - scroll - visible
            let text = (scroll > 0 ? "↑ \(scroll) · " : "") + (below > 0 ? "↓ \(below) more" : "end") + " · ↑↓ PgDn · Esc back"
            grid.put(text, in: area.row(area.height - 1).inset(horizontal: 1), style: Style(.header))
        }
    }
}
