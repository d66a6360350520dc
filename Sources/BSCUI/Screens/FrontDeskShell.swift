import BSCCore

/// One top-level screen of the front desk and the key that shows it.
public struct ShellTab {
    public var keys: [Key]
    /// Its `:` command ("list").
    public var command: String
    public var label: String
    public var help: String
    public var screen: any Screen
    /// Shown in the function-key bar (else only in the help overlay: the
    /// bar has room for about ten keys at 80 columns).
    public var inBar: Bool

    public init(keys: [Key], command: String, label: String, help: String, screen: any Screen, inBar: Bool = true) {
        self.keys = keys
        self.command = command
        self.label = label
        self.help = help
        self.screen = screen
        self.inBar = inBar
    }
}

/// The root of the front desk: a row of top-level screens (call logging,
/// ticket list, and whatever `FrontDeskTabs.make` adds), one visible at a
/// time, switched by their keys from anywhere. Each tab keeps its state
/// while hidden. Detail screens are pushed on the app's stack above it.
public struct FrontDeskShell: Screen {
    public private(set) var tabs: [ShellTab]
    public private(set) var current = 0
    /// The tabs shown before this one, for Esc (back).
    var visited: [Int] = []
    let session: DeskSession

    public init(session: DeskSession, tabs: [ShellTab]) {
        precondition(!tabs.isEmpty, "the front desk needs at least one screen")
        self.session = session
        self.tabs = tabs
    }

    var navigation: KeyHelp {
        KeyHelp(tabs.map { KeyHelp.Entry(keys: $0.keys, barLabel: $0.inBar ? $0.label : nil, help: $0.help) })
            .merged(with: KeyHelp(current == 0 ? [] : [.init(keys: [.escape], help: "Back to the previous screen")]))
    }

    /// The keys that switch screens (F2, F3, F11, F12).
    public var navigationKeys: Set<Key> { Set(tabs.flatMap(\.keys)) }

    public var title: String { tabs[current].screen.title }
    public var minimumSize: Size { tabs[current].screen.minimumSize }
    public var keyHelp: KeyHelp { navigation.merged(with: tabs[current].screen.keyHelp) }
    public var statusText: String {
        let own = tabs[current].screen.statusText
        return own.isEmpty ? session.statusText : own + " · " + session.statusText
    }

    /// The visible top-level screen (tests read its state); a tab still
    /// waiting for history is its `HistoryGate`.
    public var currentScreen: any Screen {
        let tab = tabs[current].screen
        return (tab as? HistoryGate)?.screen ?? tab
    }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        tabs[current].screen.render(into: &grid, area: area, context: context)
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if let i = tabs.firstIndex(where: { $0.keys.contains(key) }) {
            show(i)
            return .handled
        }
        let outcome = tabs[current].screen.handle(key, context: context)
        // Esc the screen did not need (no prompt, no filter to close) goes
        // back to the screen shown before, at last the call form.
        if case .ignored = outcome, key == .escape, current != 0 {
            current = visited.popLast() ?? 0
            return .handled
        }
        return outcome
    }

    public var helpNotes: [String] { tabs[current].screen.helpNotes }

    /// The tabs' commands, `open`, `period`, then the shown tab's own.
    public var commands: [CommandHelp] {
        tabs.map { CommandHelp($0.command, help: $0.help) } + [
            CommandHelp("open", "REF", help: "Open a ticket: :open BSC-000123 (or 123)"),
            CommandHelp("period", "P", help: "FCR dashboard for a period: :period 2026/27-Q3, 2026-11, 2026-W48, 2026-11-24"),
        ] + tabs[current].screen.commands
    }

    public mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome? {
        if let i = tabs.firstIndex(where: { $0.command == command }) {
            show(i)
            return .handled
        }
        switch command {
        case "open":
            guard let ref = TicketRef(parsing: argument) else {
                return .message(.error("\":open\" takes a ticket reference, e.g. :open BSC-000123 or :open 123"))
            }
            if session.isLoadingHistory { return .message(Message(.warning, "the ticket history is still loading; try again in a moment")) }
            guard session.desk.store[ref] != nil else { return .message(.error("no ticket \(ref)")) }
            return .push(TicketDetailScreen(session: session, ref: ref))
        case "period":
            guard let i = tabs.firstIndex(where: { $0.command == "fcr" }) else { return nil }
            if session.isLoadingHistory { return .message(Message(.warning, "the ticket history is still loading; try again in a moment")) }
            guard !argument.isEmpty else { return .message(.error("\":period\" takes a period, e.g. :period 2026/27-Q3, 2026-11, 2026-W48")) }
            show(i)
            let outcome = tabs[i].screen.run(command: "period", argument: argument, context: context)
            return outcome ?? .handled
        default:
            // The shown tab's command, else the first tab that has it
            // (`:caller` shows the list from anywhere).
            if let outcome = tabs[current].screen.run(command: command, argument: argument, context: context) { return outcome }
            guard let i = tabs.firstIndex(where: { $0.screen.commands.contains { $0.name == command } }) else { return nil }
            show(i)
            return tabs[i].screen.run(command: command, argument: argument, context: context)
        }
    }

    mutating func show(_ i: Int) {
        if i != current {
            visited.removeAll { $0 == current }
            visited.append(current)
            current = i
        }
    }

    public mutating func tick(now: Instant) -> Bool {
        let data = session.tick(now: now)
        let own = tabs[current].screen.tick(now: now)
        return data || own
    }
}

/// The front desk's top-level screens, in bar order. To add one (a queue
/// board, an FCR dashboard), append a `ShellTab` here with a free key; the
/// bar, the help overlay and switching follow from this list. Screens made
/// of ticket history go in a `HistoryGate`: the front desk opens before
/// the history has loaded.
public enum FrontDeskTabs {
    public static func make(session: DeskSession) -> [ShellTab] {
        [
            ShellTab(keys: [.function(2)], command: "call", label: "Call", help: "Log a call (the home screen)", screen: CallLogScreen(session: session)),
            ShellTab(keys: [.function(3)], command: "list", label: "List", help: "Ticket list: filter, sort, open",
                     screen: HistoryGate(session: session, title: "Tickets") { TicketListScreen(session: $0) }),
            ShellTab(keys: [.function(11)], command: "board", label: "Board", help: "Live queue board",
                     screen: HistoryGate(session: session, title: "Queue board") { embeddedBoard($0) }, inBar: false),
            ShellTab(keys: [.function(12)], command: "fcr", label: "FCR", help: "FCR dashboard: figures against target, trend, breakdowns, export",
                     screen: HistoryGate(session: session, title: "FCR dashboard") { DashboardScreen(session: $0) }, inBar: false),
        ]
    }

    static func embeddedBoard(_ session: DeskSession) -> BoardScreen {
        var board = BoardScreen(desk: session.desk, environment: [:], now: session.now)
        board.showsOwnStatus = false
        return board
    }

    /// The whole front desk as the app's root screen.
    public static func root(session: DeskSession) -> FrontDeskShell {
        FrontDeskShell(session: session, tabs: make(session: session))
    }
}
