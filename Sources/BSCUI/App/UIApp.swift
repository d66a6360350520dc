import BSCCore

/// The app loop's model: a stack of screens plus the chrome around them
/// (status line, function-key bar, help overlay, quit confirmation,
/// too-small notice). Free of curses: a backend or `TestTerminal` feeds it
/// keys and sizes and draws the frames it returns.
public struct UIApp {
    /// What the app does with keys no screen took.
    public enum GlobalAction: Sendable, Hashable { case help, quit, back, command }

    public private(set) var stack: [any Screen]
    public private(set) var size: Size
    public private(set) var isFinished = false
    public private(set) var showingHelp = false {
        didSet { helpScroll = 0 }
    }
    /// The first help line shown; the help scrolls when it is longer than
    /// the screen (80×24 included).
    public private(set) var helpScroll = 0
    public private(set) var confirmingQuit: ConfirmState?
    public private(set) var message: Message?
    /// The open `:` command line, if any.
    public private(set) var commandLine: CommandPrompt?
    /// Set by `.redraw`; the backend clears the terminal and resets it.
    public var needsFullRepaint = false
    public var appTitle: String
    public var unicode: Bool
    /// Ask before quitting on F10/q; Ctrl-C always quits at once.
    public var confirmQuit: Bool
    public private(set) var now: Instant
    /// Performs what screens ask for outside themselves (the front desk's
    /// `DeskEffects`); without one, an effect is reported as not possible.
    public var effects: (any EffectRunner)?

    /// Global keys, also drawn on the bar after the screen's own entries.
    public let globals = KeyBindingTable<GlobalAction>([
        KeyBinding([.function(1), .char("?")], bar: "Help", help: "Show keys for this screen", action: .help),
        KeyBinding([.escape], help: "Back to the previous screen", action: .back),
        KeyBinding([.function(10), .char("q")], bar: "Quit", help: "Quit", action: .quit),
        // Esc : (for text fields) is taken in `handle` before the screen.
        KeyBinding([.char(":")], help: "Command line (Esc : in text fields)", action: .command),
    ])

    /// The commands the app itself runs, whatever the screen.
    public static let appCommands = [
        CommandHelp("q", help: "Quit (asks first)"),
        CommandHelp("quit", help: "Quit (asks first)"),
        CommandHelp("help", help: "Show the keys and commands of this screen"),
    ]

    /// Every command valid now: the app's, the top screen's, then the
    /// root's (the front desk's tabs), each name once.
    public var commands: [CommandHelp] {
        var seen = Set<String>()
        var out: [CommandHelp] = []
        for c in Self.appCommands + stack.last!.commands + (stack.count > 1 ? stack[0].commands : []) where seen.insert(c.name).inserted {
            out.append(c)
        }
        return out
    }

    public init(root: any Screen, size: Size, now: Instant, appTitle: String = "bscdesk", unicode: Bool = true, confirmQuit: Bool = true) {
        self.stack = [root]
        self.size = size
        self.now = now
        self.appTitle = appTitle
        self.unicode = unicode
        self.confirmQuit = confirmQuit
    }

    /// Rows taken by the status line and the function-key bar.
    public static let chromeRows = 2

    /// The whole terminal needed by the top screen.
    public var minimumSize: Size {
        let m = stack.last!.minimumSize
        return Size(width: max(20, m.width), height: max(3, m.height) + Self.chromeRows)
    }
    public var isTooSmall: Bool { !size.covers(minimumSize) }

    public var context: RenderContext { RenderContext(now: now, terminalSize: size, unicode: unicode) }

    /// The top screen's keys followed by the global keys it leaves free.
    /// On a screen pushed above the front desk (a ticket), the desk's
    /// screen keys too: they work there, so the bar and help say so.
    public var keyHelp: KeyHelp {
        let own = stack.last!.keyHelp.merged(with: globals.help)
        guard stack.count > 1, let shell = stack[0] as? FrontDeskShell else { return own }
        return own.merged(with: KeyHelp(shell.navigation.entries.filter { $0.keys != [.escape] }))
    }

    public mutating func resize(to newSize: Size) {
        size = newSize
        needsFullRepaint = true
    }

    /// Feeds one key. Returns true when the frame should be redrawn.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        if isFinished { return false }
        if case .resize = key { return true }  // the backend has already called resize(to:)
        message = nil
        if key == .ctrl("c") {  // raw mode delivers Ctrl-C as a key: always an exit
            isFinished = true
            return false
        }
        if var confirm = confirmingQuit {
            if let answer = confirm.handle(key) {
                confirmingQuit = nil
                if answer { isFinished = true }
            } else {
                confirmingQuit = confirm
            }
            return true
        }
        if case .click(let x, let y) = key { return click(x: x, y: y) }
        if commandLine != nil { return handleCommandLine(key) }
        if key == .alt(":") {
            commandLine = CommandPrompt()
            return true
        }
        if showingHelp {
            let page = max(1, size.height - UIApp.chromeRows - 6)
            switch key {
            case .escape, .char("?"), .function(1), .char("q"), .enter: showingHelp = false
            case .down, .char("j"): helpScroll += 1
            case .up, .char("k"): helpScroll -= 1
            case .pageDown, .char(" "): helpScroll += page
            case .pageUp: helpScroll -= page
            case .home, .char("g"): helpScroll = 0
            case .end, .char("G"): helpScroll = Int.max / 2
            default: break
            }
            helpScroll = max(0, min(helpScroll, helpOverlay.maxScroll(in: helpArea)))
            return true
        }
        if isTooSmall {
            // Only the global keys work while the screen cannot be seen.
            return applyGlobal(key)
        }
        let ctx = context
        let outcome = stack[stack.count - 1].handle(key, context: ctx)
        return apply(outcome, key: key)
    }

    private mutating func apply(_ outcome: ScreenOutcome, key: Key) -> Bool {
        switch outcome {
        case .handled: return true
        case .ignored:
            // F2, F3, F11, F12 mean the same on a pushed screen (a ticket)
            // as on the front desk: close it and show that screen.
            if stack.count > 1, let shell = stack[0] as? FrontDeskShell, shell.navigationKeys.contains(key) {
                stack.removeLast(stack.count - 1)
                return apply(stack[0].handle(key, context: context), key: key)
            }
            return applyGlobal(key)
        case .redraw:
            needsFullRepaint = true
            return true
        case .message(let m):
            message = m
            return true
        case .push(let s):
            stack.append(s)
            for e in s.effectsOnOpen { if let m = perform(e) { message = m } }
            return true
        case .perform(let effect):
            message = perform(effect)
            return true
        case .pop:
            if stack.count > 1 { stack.removeLast() }
            return true
        case .replace(let s):
            stack[stack.count - 1] = s
            return true
        case .quit:
            isFinished = true
            return false
        case .command(let line):
            return run(line)
        case .quitRequested:
            if confirmQuit { confirmingQuit = ConfirmState(defaultYes: true) } else { isFinished = true }
            return true
        }
    }

    private func perform(_ effect: ScreenEffect) -> Message? {
        guard let effects else { return Message(.error, "this app cannot do that here") }
        return effects.perform(effect)
    }

    /// A click on the function-key bar presses that key (htop); elsewhere
    /// it goes to the screen (a list selects the row). Dialogs, help and
    /// the command line take no clicks.
    private mutating func click(x: Int, y: Int) -> Bool {
        if confirmingQuit != nil || commandLine != nil { return false }
        if showingHelp {
            showingHelp = false
            return true
        }
        if y == size.height - 1 {
            guard message == nil, !isTooSmall, let key = FunctionKeyBar(keyHelp).key(atColumn: x, width: size.width) else { return false }
            return handle(key)
        }
        if isTooSmall { return false }
        let ctx = context
        let outcome = stack[stack.count - 1].handle(.click(x: x, y: y), context: ctx)
        if case .ignored = outcome { return false }
        return apply(outcome, key: .click(x: x, y: y))
    }

    private mutating func handleCommandLine(_ key: Key) -> Bool {
        switch key {
        case .escape:
            commandLine = nil
        case .tab:
            let matches = commandLine!.complete(from: commands)
            if matches.count > 1 { message = .info("commands: " + matches.joined(separator: ", ")) }
            if matches.isEmpty { message = unknownCommand(CommandPrompt.parse(commandLine!.field.text).name) }
        case .enter:
            let line = commandLine!.field.text
            commandLine = nil
            return run(line)
        case .backspace where commandLine!.field.text.isEmpty:
            commandLine = nil
        default:
            _ = commandLine!.field.handle(key)
        }
        return true
    }

    func unknownCommand(_ name: String) -> Message {
        .error("unknown command \"\(terminalSafe(name))\"; commands here: " + commands.map { ":" + $0.usage }.joined(separator: ", "))
    }

    /// Runs one command line (`q`, `open BSC-000123`). The top screen
    /// first, then the root, which closes the screens above it.
    public mutating func run(_ line: String) -> Bool {
        let (name, argument) = CommandPrompt.parse(line)
        if name.isEmpty { return true }
        switch name {
        case "q", "quit": return apply(.quitRequested, key: .char("q"))
        case "help":
            showingHelp = true
            return true
        default: break
        }
        let ctx = context
        if let outcome = stack[stack.count - 1].run(command: name, argument: argument, context: ctx) {
            return apply(outcome, key: .char(":"))
        }
        if stack.count > 1, let outcome = stack[0].run(command: name, argument: argument, context: ctx) {
            stack.removeLast(stack.count - 1)
            return apply(outcome, key: .char(":"))
        }
        message = unknownCommand(name)
        return true
    }

    private mutating func applyGlobal(_ key: Key) -> Bool {
        guard let action = globals.action(for: key) else { return false }
        switch action {
        case .command:
            commandLine = CommandPrompt()
            return true
        case .help:
            showingHelp = true
            return true
        case .quit: return apply(.quitRequested, key: key)
        case .back:
            guard stack.count > 1 else { return false }
            stack.removeLast()
            return true
        }
    }

    /// Advances time; true when a screen asks for a redraw.
    public mutating func tick(now: Instant) -> Bool {
        self.now = now
        return stack[stack.count - 1].tick(now: now)
    }

    var helpOverlay: HelpOverlay {
        HelpOverlay(title: "Help: \(stack.last!.title)", help: keyHelp, commands: commands, notes: stack.last!.helpNotes)
    }

    /// Where help is drawn when no message takes rows: between the status
    /// line and the bar.
    var helpArea: Rect { Rect(x: 0, y: 1, width: size.width, height: max(0, size.height - UIApp.chromeRows)) }

    /// Draws the full frame: status line, the top screen, then the message
    /// or function-key bar; overlays on top. A terminal below the minimum
    /// gets only the too-small notice.
    public mutating func render() -> CellGrid {
        var grid = CellGrid(size: size)
        if isTooSmall {
            TooSmallNotice(required: minimumSize, actual: size).render(in: grid.bounds, grid: &grid)
            return grid
        }
        let (top, rest) = grid.bounds.splitTop(1)
        // A long message takes rows from the screen (up to half) rather
        // than being cut at the edge.
        let messageRows = (message.map { MessageLine($0).lines(width: size.width).count } ?? 1) + (commandLine != nil && message != nil ? 1 : 0)
        let (body, bottom) = rest.splitBottom(min(max(1, messageRows), max(1, rest.height / 2)))
        let breadcrumb = ([appTitle] + stack.map(\.title)).filter { !$0.isEmpty }.joined(separator: " › ")
        StatusLine(left: breadcrumb, right: stack.last!.statusText).render(in: top, grid: &grid)
        let ctx = context
        stack[stack.count - 1].render(into: &grid, area: body, context: ctx)
        if commandLine != nil {
            TextField(label: ":", focused: true).render(in: bottom.row(bottom.height - 1), grid: &grid, state: &commandLine!.field)
            if let message { MessageLine(message).render(in: Rect(x: bottom.x, y: bottom.y, width: bottom.width, height: max(0, bottom.height - 1)), grid: &grid) }
        } else if let message {
            MessageLine(message).render(in: bottom, grid: &grid)
        } else {
            FunctionKeyBar(keyHelp).render(in: bottom, grid: &grid)
        }
        if showingHelp {
            grid.cursor = nil
            helpOverlay.render(in: body, grid: &grid, scroll: helpScroll)
        }
        if let confirmingQuit {
            grid.cursor = nil
            ConfirmDialog(title: "Quit", message: "Quit \(appTitle)?").render(in: body, grid: &grid, state: confirmingQuit)
        }
        return grid
    }
}
