import BSCCore
import BSCUI
import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Why the full-screen desk could not start; one line for the user.
public struct TerminalStartError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The ncurses backend: the only code that talks to curses. Every call
/// happens on the main actor. Raw mode, so Ctrl-S/Ctrl-Q/Ctrl-C reach the
/// app as keys (UIApp treats Ctrl-C as an immediate quit); SIGINT, SIGTERM,
/// SIGHUP, crashes and exit still restore the terminal.
@MainActor
public final class CursesTerminal {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    public private(set) var size: Size
    /// Colours the terminal offers (0 without colour support).
    public let colorCount: Int
    private var theme: Theme
    private var pairs: [Int: Int32] = [:]
    private var nextPair: Int32 = 1
    private var previous: CellGrid?
    private var stopped = false

    private init(screen: OpaquePointer, window: UnsafeMutablePointer<WINDOW>, colorCount: Int, theme: Theme) {
        self.screen = screen
        self.window = window
        self.colorCount = colorCount
        self.theme = theme.adapted(toColors: colorCount)
        self.size = Size(width: Int(cncursesw_cols()), height: Int(cncursesw_lines()))
    }

    /// Takes over the terminal. Refuses (without touching it) when stdin or
    /// stdout is not a terminal, TERM is unset or unknown, or no UTF-8
    /// locale is available.
    public static func start(theme: Theme, environment: [String: String]) throws -> CursesTerminal {
        try preflight(environment: environment)
        let term = environment["TERM"]!
        setlocale(LC_ALL, "")
        if !codesetIsUTF8() {
            // LANG unset gives the C locale, where wide output breaks.
            if setlocale(LC_ALL, "C.UTF-8") == nil || !codesetIsUTF8() {
                throw TerminalStartError("no UTF-8 locale available: set LANG=C.UTF-8")
            }
        }
        guard let scr = newterm(term, cncursesw_stdout(), cncursesw_stdin()) else {
            throw TerminalStartError("unknown terminal type TERM=\(term): no terminfo entry")
        }
        set_term(scr)
        installTerminalRestoreHandlers()
        // A parent that blocked signals (a test runner, some launchers)
        // would hide SIGWINCH from curses: resizes would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGWINCH, SIGHUP, SIGTERM, SIGINT] { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        cursesActive = true
        guard let win = cncursesw_stdscr() else {
            endwin()
            cursesActive = false
            throw TerminalStartError("cannot initialise the terminal TERM=\(term)")
        }
        raw()
        noecho()
        nonl()
        keypad(win, true)
        cncursesw_enable_mouse()
        set_escdelay(25)
        teachMissingKeys()
        var colors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(cncursesw_colors())
        }
        return CursesTerminal(screen: scr, window: win, colorCount: colors, theme: theme)
    }

    /// The checks `start` makes before touching the terminal, for callers
    /// that want to fail fast before slow work (loading the journal).
    public static func preflight(environment: [String: String]) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalStartError("the interactive desk needs a terminal: stdin and stdout must be a TTY (use the subcommands, e.g. bscdesk list, from scripts)")
        }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else {
            throw TerminalStartError("TERM is not set (or is \"dumb\"): cannot drive the terminal")
        }
    }

    /// Function and cursor key sequences of the terminals people use, by
    /// key code. A terminfo entry knows one terminal's sequences; PuTTY
    /// (default and "VT100+" modes), the Linux console, rxvt, xterm's
    /// older modes and tmux/screen send others under the same TERM.
    static let extraSequences: [(String, Int32)] = {
        let esc = "\u{1B}"
        var out: [(String, Int32)] = []
        // F1–F4: PuTTY default, rxvt, xterm R6 (ESC[11~); VT100+, xterm,
        // tmux (ESC OP); the Linux console ESC[[A…ESC[[E (F1–F5).
        for (i, c) in ["P", "Q", "R", "S"].enumerated() {
            out.append((esc + "[\(11 + i)~", cncursesw_key_f(Int32(i + 1))))
            out.append((esc + "O" + c, cncursesw_key_f(Int32(i + 1))))
        }
        for (i, c) in ["A", "B", "C", "D", "E"].enumerated() {
            out.append((esc + "[[" + c, cncursesw_key_f(Int32(i + 1))))
        }
        // F5–F12: the ESC[n~ codes shared by xterm, PuTTY, rxvt, the
        // console and tmux; PuTTY's VT100+ ESC OT … ESC O[.
        for (n, code) in zip(5...12, [15, 17, 18, 19, 20, 21, 23, 24]) {
            out.append((esc + "[\(code)~", cncursesw_key_f(Int32(n))))
        }
        for (n, c) in zip(5...12, ["T", "U", "V", "W", "X", "Y", "Z", "["]) {
            out.append((esc + "O" + c, cncursesw_key_f(Int32(n))))
        }
        // Home and End in their many spellings; Shift-Tab.
        for seq in ["[1~", "[7~", "OH", "[H"] { out.append((esc + seq, KEY_HOME)) }
        for seq in ["[4~", "[8~", "OF", "[F"] { out.append((esc + seq, KEY_END)) }
        out.append((esc + "[Z", KEY_BTAB))
        return out
    }()

    /// Teaches ncurses the sequences its terminfo entry lacks (as htop
    /// does); a sequence the entry already binds keeps its meaning.
    private static func teachMissingKeys() {
        for (seq, code) in extraSequences where key_defined(seq) == 0 {
            define_key(seq, code)
        }
    }

    private static func codesetIsUTF8() -> Bool {
        guard let cs = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: cs).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Switches theme (limited to this terminal's colours) and repaints.
    public func setTheme(_ theme: Theme) {
        self.theme = theme.adapted(toColors: colorCount)
        previous = nil
    }

    /// Repaints everything on the next draw (after a resize or `.redraw`).
    public func invalidate() {
        clearok(window, true)
        previous = nil
    }

    /// Writes the cells that changed since the last frame and places the
    /// cursor (hidden when the grid has none).
    public func draw(_ grid: CellGrid) {
        guard !stopped else { return }
        if previous == nil { werase(window) }
        for run in grid.diff(from: previous) {
            let resolved = theme.resolve(run.style)
            let attrs = attributes(resolved.attributes)
            let pair = pairNumber(fg: resolved.fg, bg: resolved.bg)
            var x = run.x
            for text in run.cells {
                guard x < size.width, run.y < size.height else { break }
                put(text, x: x, y: run.y, attrs: attrs, pair: pair)
                x += max(1, displayWidth(Character(text)))
            }
        }
        if let c = grid.cursor, c.x >= 0, c.y >= 0, c.x < size.width, c.y < size.height {
            curs_set(1)
            wmove(window, Int32(c.y), Int32(c.x))
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
        previous = grid
    }

    private func put(_ text: String, x: Int, y: Int, attrs: attr_t, pair: Int32) {
        // A cell holds one spacing character plus up to 4 combining ones.
        var wchars: [wchar_t] = text.unicodeScalars.prefix(Int(CCHARW_MAX) - 1).map { wchar_t(bitPattern: $0.value) }
        wchars.append(0)
        _ = cncursesw_put_cell(window, Int32(y), Int32(x), wchars, attrs, pair)
    }

    private func attributes(_ a: TextAttributes) -> attr_t {
        var r = cncursesw_a_normal()
        if a.contains(.bold) { r |= cncursesw_a_bold() }
        if a.contains(.dim) { r |= cncursesw_a_dim() }
        if a.contains(.reverse) { r |= cncursesw_a_reverse() }
        if a.contains(.underline) { r |= cncursesw_a_underline() }
        return r
    }

    /// One colour pair per (fg, bg), allocated on first use.
    private func pairNumber(fg: TerminalColor, bg: TerminalColor) -> Int32 {
        guard colorCount > 0, fg != .default || bg != .default else { return 0 }
        let key = (fg.index + 1) * 512 + (bg.index + 1)
        if let p = pairs[key] { return p }
        guard nextPair < min(Int32(cncursesw_color_pairs()), 32767) else { return 0 }
        let p = nextPair
        nextPair += 1
        init_pair(Int16(p), Int16(fg.index), Int16(bg.index))
        pairs[key] = p
        return p
    }

    /// Whether standard input, the terminal ncurses reads, has hung up.
    static func inputHungUp() -> Bool {
        var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        return p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// Waits up to `timeoutMillis` for a key (nil on timeout). A resize
    /// re-reads the size and returns `.resize`.
    public func readKey(timeoutMillis: Int) -> Key? {
        wtimeout(window, Int32(timeoutMillis))
        var ch: wint_t = 0
        let r = wget_wch(window, &ch)
        if r == ERR {
            // The terminal went away (a dropped ssh session, a killed tmux
            // pane) without a SIGHUP reaching us: every read now fails at
            // once, so take the hang-up path (draft saved, terminal
            // restored, exit) instead of spinning.
            if Self.inputHungUp() { raise(SIGHUP) }
            return nil
        }
        if r == KEY_CODE_YES {
            let code = Int32(ch)
            if code == KEY_RESIZE {
                size = Size(width: Int(cncursesw_cols()), height: Int(cncursesw_lines()))
                invalidate()
                return .resize
            }
            if code == KEY_MOUSE {
                var x: Int32 = 0, y: Int32 = 0
                return cncursesw_read_click(&x, &y) == 1 ? .click(x: Int(x), y: Int(y)) : nil
            }
            return Self.key(forCode: code)
        }
        if ch == 27 { return escapeOrFunctionKey() }
        return Key(code: UInt32(ch))
    }

    /// Esc then a digit within `escapeDigitMillis` is F1…F9 (Esc 0 is
    /// F10), as in Midnight Commander, for terminals that send nothing
    /// usable for function keys; Esc then `:` is the command line. Any
    /// other key is put back.
    static let escapeDigitMillis: Int32 = 300

    private func escapeOrFunctionKey() -> Key {
        wtimeout(window, Self.escapeDigitMillis)
        var next: wint_t = 0
        let r = wget_wch(window, &next)
        if r == OK, next >= 48, next <= 57 {
            return .function(next == 48 ? 10 : Int(next) - 48)
        }
        // Esc : opens the command line from a text field, where : is typed.
        if r == OK, next == 58 { return .alt(":") }
        if r == KEY_CODE_YES {
            ungetch(Int32(next))
        } else if r == OK {
            unget_wch(wchar_t(next))
        }
        return .escape
    }

    static func key(forCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case cncursesw_key_f(1)...cncursesw_key_f(63): return .function(Int(code - cncursesw_key_f(0)))
        default: return nil
        }
    }

    /// Gives the terminal back. Safe to call twice.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        if cursesActive {
            cursesActive = false
            endwin()
        }
        delscreen(screen)
    }

    /// Drives a `UIApp` until it finishes: draw when needed, wait for a key
    /// for up to `tickMillis`, and tick the app at least that often so live
    /// screens move even while keys arrive. While `quickTicks()` is true
    /// (work finishing in the background) it ticks every 50 ms instead.
    /// `afterFirstFrame` runs once the first frame has reached the terminal.
    public func run(app: inout UIApp, tickMillis: Int = 250, clock: () -> Instant = wallClockNow,
                    quickTicks: () -> Bool = { false }, afterFirstFrame: () -> Void = {}) {
        app.resize(to: size)
        var dirty = true
        var firstFrame = true
        var lastTick = clock()
        while !app.isFinished {
            if dirty {
                if app.needsFullRepaint { invalidate() }
                app.needsFullRepaint = false
                draw(app.render())
                dirty = false
                if firstFrame {
                    firstFrame = false
                    afterFirstFrame()
                }
            }
            let interval = quickTicks() ? min(tickMillis, 50) : tickMillis
            if let key = readKey(timeoutMillis: interval) {
                if key == .resize { app.resize(to: size) }
                if app.handle(key) || key == .resize { dirty = true }
            }
            let now = clock()
            if now.millis - lastTick.millis >= Int64(interval) {
                lastTick = now
                if app.tick(now: now) { dirty = true }
            }
        }
    }
}

/// The system's wall clock as an `Instant`.
public func wallClockNow() -> Instant {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Instant(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
}
