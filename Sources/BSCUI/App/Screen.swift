import BSCCore

/// What a screen's render and key handling may depend on besides its state.
public struct RenderContext: Sendable {
    /// The time of this frame (injected, so tests are exact).
    public var now: Instant
    /// Full terminal size (the screen's own area is passed separately).
    public var terminalSize: Size
    /// False when the terminal cannot show block and box glyphs well.
    public var unicode: Bool

    public init(now: Instant, terminalSize: Size, unicode: Bool = true) {
        self.now = now
        self.terminalSize = terminalSize
        self.unicode = unicode
    }
}

/// What a screen asks of the app after a key (htop's handler flags).
public enum ScreenOutcome {
    /// Consumed; the app redraws (the diff keeps that cheap).
    case handled
    /// Not for this screen; the app tries its global keys.
    case ignored
    /// Consumed, and repaint the whole terminal (e.g. after output that
    /// bypassed the grid).
    case redraw
    /// Show a message on the bottom line until the next key.
    case message(Message)
    /// Open a screen on top of this one.
    case push(any Screen)
    /// Close this screen (the root screen cannot be popped).
    case pop
    /// Replace this screen.
    case replace(any Screen)
    /// Leave the app now.
    case quit
    /// Ask "Quit?" first (F10, q).
    case quitRequested
    /// Run this `:` command line, as if typed (a key that means the same
    /// on every screen, e.g. `c` for a caller's tickets).
    case command(String)
    /// Do this outside the screen (write, export): the app's runner
    /// performs it and shows its message.
    case perform(ScreenEffect)
}

/// One full-screen view (a queue board, a ticket form). The app draws the
/// status line and function-key bar; the screen draws `area` in between.
public protocol Screen {
    /// Shown in the status line breadcrumb and the help title.
    var title: String { get }
    /// Below this (for the screen's area) the app shows a too-small notice.
    var minimumSize: Size { get }
    /// The screen's key table as the bar and help overlay show it.
    var keyHelp: KeyHelp { get }
    /// Right-hand text of the status line (a clock, counts); empty for none.
    var statusText: String { get }

    /// Draws into `area` of the frame. Mutating so stateful widgets can
    /// remember scroll positions.
    mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext)
    mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome
    /// Called when no key arrived within the tick interval; true asks for a
    /// redraw (a live board's clock moved, data changed).
    mutating func tick(now: Instant) -> Bool
    /// The `:` commands this screen runs, for completion and help.
    var commands: [CommandHelp] { get }
    /// What help says besides the keys (a board's columns), wrapped.
    var helpNotes: [String] { get }
    /// Runs a `:` command; nil when it is not one of this screen's.
    mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome?
    /// What opening this screen does besides showing it (a restricted
    /// ticket's view is recorded); performed by the app when it is pushed.
    var effectsOnOpen: [ScreenEffect] { get }
}

extension Screen {
    public var minimumSize: Size { Size(width: 20, height: 3) }
    public var statusText: String { "" }
    public mutating func tick(now: Instant) -> Bool { false }
    public var commands: [CommandHelp] { [] }
    public var helpNotes: [String] { [] }
    public mutating func run(command: String, argument: String, context: RenderContext) -> ScreenOutcome? { nil }
    public var effectsOnOpen: [ScreenEffect] { [] }
}
