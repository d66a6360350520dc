import BSCApp
import BSCClient
import BSCCore
import BSCProtocol
import BSCServer
import BSCTerminal
import BSCUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The front desk with a team server: the server runs the screens and
/// sends frames; this terminal forwards keys and sizes and draws with its
/// own theme (docs/protocol.md, "Screens"). It holds only what it shows
/// and the newest unsaved draft, which it writes to a file of the user's
/// own only while the server is away, and sends back when it returns.
@MainActor
final class RemoteFrontDesk {
    let server: String
    let terminal: CursesTerminal
    let local: LocalDraft?
    var connection: ScreenConnection?
    /// The screen as the server last drew it.
    var mirror: CellGrid
    /// The newest draft the server sent (nil draft: nothing unsaved).
    var draft: ScreenDraft?
    /// The local copy of the draft while the server is away or has not yet
    /// taken it back.
    var kept: (id: String, path: String)?
    /// Why the draft could not be kept locally, if it could not.
    var keepError: String?
    /// A line of this terminal's own over the bottom row (an export written
    /// here), until the next key.
    var notice: (text: String, role: BSCUI.Role)?
    var lastAttemptMillis: Int64 = 0
    /// The flock that marks the kept draft as this terminal's.
    var keptLock: Int32 = -1
    static let retryMillis: Int64 = 1_000
    /// Set for `bscdesk board`: the server runs the board alone.
    var board: ScreenBoard?

    init(server: String, terminal: CursesTerminal, connection: ScreenConnection, local: LocalDraft?) {
        self.server = server
        self.terminal = terminal
        self.connection = connection
        self.local = local
        mirror = CellGrid(size: terminal.size)
    }

    /// Connects (before the terminal is taken, so a refusal prints as a
    /// plain line), takes the terminal and runs until the desk is quit.
    /// `board`: the live board alone (`bscdesk board`), not the desk.
    static func launch(server: String, theme: String?, environment env: [String: String], board: ScreenBoard? = nil) throws {
        do throws(ClientError) {
            try DeskClient.checkEnvironment(env)
        } catch {
            throw DeskError(ExitStatus(rawValue: error.status) ?? .noPermission, error.message)
        }
        do {
            try CursesTerminal.preflight(environment: env)
        } catch let e as TerminalStartError {
            throw DeskError(.usage, e.description)
        }
        let themeName = theme ?? env["BSCDESK_THEME"]
        do {
            _ = try ThemeLoader.load(name: themeName ?? "default", searchPaths: [])
        } catch {
            throw DeskError(.usage, "theme \(themeName ?? "default"): \(error)")
        }
        let connection: ScreenConnection
        do throws(ClientError) {
            connection = try ScreenConnection(path: server)
        } catch {
            throw DeskError(ExitStatus(rawValue: error.status) ?? .ioFailure, error.message)
        }
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal.start(theme: try ThemeLoader.load(name: "monochrome"), environment: env)
        } catch let e as TerminalStartError {
            throw DeskError(.usage, e.description)
        }
        terminal.setTheme(try ThemeLoader.select(name: themeName, searchPaths: [], environment: env, colors: terminal.colorCount))
        let desk = RemoteFrontDesk(server: server, terminal: terminal, connection: connection,
                                   local: LocalDraft.directory(environment: env).map(LocalDraft.init(directory:)))
        desk.board = board
        let outcome = desk.run()
        terminal.stop()
        switch outcome {
        case .closed(let message?): printError("bscdesk: " + terminalSafe(message))
        case .closed(nil): break
        case .quitWhileAway(let path?):
            throw DeskError(.ioFailure, "the team server at \(server) is still away; your call is kept at \(path): run bscdesk again when the server is back to save it")
        case .quitWhileAway(nil):
            throw DeskError(.ioFailure, "the team server at \(server) is still away; nothing was being typed")
        }
    }

    enum Outcome {
        case closed(String?)
        case quitWhileAway(String?)
    }

    func run() -> Outcome {
        // A draft a terminal of this user kept and never handed back (it
        // was quit while the server was away) goes to the server first.
        if let local, let left = local.leftover() {
            draft = ScreenDraft(draftId: left.id, draft: left.text)
            kept = (left.id, local.path(id: left.id))
            keptLock = left.lock
        }
        open()
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: connection?.descriptor ?? -1, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, connection == nil ? 200 : 250)
            if let c = connection {
                do throws(ClientError) {
                    for m in try c.receiveAvailable() {
                        if let end = handle(m) { return end }
                    }
                } catch {
                    wentAway()
                }
            }
            var keys: [Key] = []
            while let key = terminal.readKey(timeoutMillis: 0) { keys.append(key) }
            if !keys.isEmpty, let end = press(keys) { return end }
            if connection == nil, wallClockNow().millis - lastAttemptMillis >= Self.retryMillis { reconnect() }
        }
    }

    /// Asks the server for the front desk, with the draft kept here if any.
    private func open() {
        let s = terminal.size
        var m = ScreenOpen(width: max(1, s.width), height: max(1, s.height), board: board)
        if kept != nil, let d = draft?.draft {
            m.draft = d
            m.draftId = draft?.draftId
        }
        try? connection?.send(.screenOpen(m))
    }

    private func handle(_ m: BSCProtocol.Message) -> Outcome? {
        switch m {
        case .frame(let f):
            if f.full {
                terminal.invalidate()
                // The server drew its first frame after taking the draft
                // this terminal kept: the local copy can go.
                if let k = kept {
                    local?.remove(id: k.id)
                    kept = nil
                    if keptLock >= 0 { close(keptLock) }
                    keptLock = -1
                }
            }
            ScreenWire.apply(f, to: &mirror)
            draw()
        case .draft(let d):
            draft = d
        case .file(let f):
            let files = OutputFiles(base: f.path, suffixes: f.files.map(\.suffix), overwrite: false,
                                    existsAdvice: "choose another file name", example: "fcr.csv")
            do throws(ClientError) {
                try files.write(f.files)
                notice = ("exported \(f.path) (definitions beside it)", .success)
            } catch {
                notice = (error.message, .error)
            }
            draw()
        case .screenClosed(let c):
            return .closed(c.message)
        case .refused(let r):
            return .closed("the team server refused: " + r.message)
        default:
            break
        }
        return nil
    }

    private func press(_ keys: [Key]) -> Outcome? {
        notice = nil
        guard let c = connection else {
            if keys.contains(where: { $0 == .function(10) || $0 == .ctrl("c") || $0 == .char("q") }) {
                return .quitWhileAway(kept?.path)
            }
            if keys.contains(.resize) { drawAway() }
            return nil
        }
        var batch: [WireKey] = []
        do throws(ClientError) {
            for key in keys {
                if key == .resize {
                    if !batch.isEmpty { try c.send(.keys(ScreenKeys(keys: batch))) }
                    batch = []
                    try c.send(.resize(ScreenResize(width: max(1, terminal.size.width), height: max(1, terminal.size.height))))
                } else if let w = ScreenWire.wire(key) {
                    batch.append(w)
                }
            }
            if !batch.isEmpty { try c.send(.keys(ScreenKeys(keys: batch))) }
        } catch {
            wentAway()
        }
        return nil
    }

    private func draw() {
        guard let notice, mirror.height > 0 else {
            terminal.draw(mirror)
            return
        }
        var g = mirror
        g.fill(Rect(x: 0, y: g.height - 1, width: g.width, height: 1))
        g.put(notice.text, x: 0, y: g.height - 1, style: Style(notice.role))
        terminal.draw(g)
    }

    /// The server is gone: keep the draft here, say so, and retry.
    private func wentAway() {
        connection = nil
        lastAttemptMillis = wallClockNow().millis
        keepError = nil
        if let d = draft, let text = d.draft {
            if let local {
                do throws(ClientError) {
                    kept = (d.draftId, try local.keep(text, id: d.draftId))
                    if keptLock < 0 { keptLock = local.claim(id: d.draftId) }
                } catch {
                    keepError = error.message
                }
            } else {
                keepError = "neither XDG_STATE_HOME nor HOME names a folder to keep it in"
            }
        }
        drawAway()
    }

    private func drawAway() {
        var g = CellGrid(size: terminal.size)
        var lines: [(String, BSCUI.Role)] = [("The team server went away (\(server)).", .warning), ("", .normal)]
        if let kept {
            lines.append(("Your call is kept on this computer at", .normal))
            lines.append(("  " + kept.path, .title))
            lines.append(("It goes back into the call form when the server returns.", .normal))
        } else if let keepError {
            lines.append(("Your call could not be kept on this computer: " + keepError, .error))
            lines.append(("Keep this screen open: it is sent back when the server returns.", .normal))
        } else {
            lines.append(("Nothing was being typed: nothing is lost.", .normal))
        }
        lines += [("", .normal), ("Reconnecting every second… F10 quits.", .dim)]
        // Wrapped, never cut: the path must be readable whole.
        let width = max(1, g.width - 2)
        var y = 1
        for (text, role) in lines {
            for piece in Self.wrap(text, width: width) where y < g.height {
                g.put(piece, x: 1, y: y, style: Style(role), maxWidth: width)
                y += 1
            }
        }
        terminal.invalidate()
        terminal.draw(g)
        mirror = CellGrid(size: terminal.size)
    }

    /// Splits a line into pieces of at most `width` columns.
    static func wrap(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        var piece = ""
        var used = 0
        for ch in text {
            let w = max(0, displayWidth(ch))
            if used + w > width, !piece.isEmpty {
                out.append(piece)
                piece = ""
                used = 0
            }
            piece.append(ch)
            used += w
        }
        out.append(piece)
        return out
    }

    private func reconnect() {
        lastAttemptMillis = wallClockNow().millis
        guard let c = try? ScreenConnection(path: server) else { return }
        connection = c
        // A draft that could not be written here still goes back.
        if kept == nil, let d = draft, d.draft != nil { kept = (d.draftId, local?.path(id: d.draftId) ?? "") }
        open()
    }
}
