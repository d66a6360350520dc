import BSCCore

/// A front-desk tab made of ticket history (the list, the board, the FCR
/// dashboard). While the desk is still loading that history in the
/// background it says so, instead of empty tables and zero figures; the
/// real screen is built once the history is in, so nothing it caches
/// (indexes, figures, change highlights) comes from the empty store.
public struct HistoryGate: Screen {
    let session: DeskSession
    let waitingTitle: String
    let make: (DeskSession) -> any Screen
    /// The screen, once the history is loaded.
    public private(set) var screen: (any Screen)?

    public init(session: DeskSession, title: String, make: @escaping (DeskSession) -> any Screen) {
        self.session = session
        self.waitingTitle = title
        self.make = make
        openIfLoaded()
    }

    mutating func openIfLoaded() {
        if screen == nil && !session.isLoadingHistory { screen = make(session) }
    }

    public var title: String { screen?.title ?? waitingTitle }
    public var minimumSize: Size { screen?.minimumSize ?? Size(width: 20, height: 3) }
    public var keyHelp: KeyHelp { screen?.keyHelp ?? KeyHelp() }
    public var statusText: String { screen?.statusText ?? "" }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        openIfLoaded()
        if screen != nil {
            screen!.render(into: &grid, area: area, context: context)
            return
        }
        grid.fill(area)
        var lines = ["Loading ticket history…", "", "This shows once the history is in, usually within seconds.",
                     "Calls can be logged meanwhile: F2."]
        if let e = session.historyError {
            lines[0] = "Could not load the ticket history (trying again):"
            lines[1] = terminalSafe(e, lineBreaks: .space)
        }
        for (i, line) in lines.enumerated() where i < area.height {
            grid.put(line, in: area.row(i), style: Style(i == 0 ? .title : .dim))
        }
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        openIfLoaded()
        guard screen != nil else { return .ignored }
        return screen!.handle(key, context: context)
    }

    public var commands: [CommandHelp] { screen?.commands ?? [] }
    public var helpNotes: [String] { screen?.helpNotes ?? [] }
    public mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome? {
        openIfLoaded()
        return screen?.run(command: command, argument: argument, context: context)
    }

    public mutating func tick(now: Instant) -> Bool {
        guard screen == nil else { return screen!.tick(now: now) }
        openIfLoaded()
        guard screen != nil else { return false }
        _ = screen!.tick(now: now)
        return true
    }
}
