import BSCApp
import BSCCore
import BSCTerminal
import BSCUI
import Foundation

/// Starts the terminal front desk: checks the terminal, starts loading the
/// journal in the background, takes over the screen with the theme and
/// runs the app until quit. The first frame (the call form) does not wait
/// for the history; the screens adopt it when it is in.
/// The theme: `--theme`, else BSCDESK_THEME, else `theme` in the
/// configuration's [desk] table, else the default.
enum FrontDesk {
    static func launch(desk: Desk, theme: String? = nil) throws {
        try MainActor.assumeIsolated { try run(desk: desk, theme: theme, environment: ProcessInfo.processInfo.environment) }
    }

    @MainActor
    static func run(desk: Desk, theme: String?, environment env: [String: String]) throws {
        do {
            try CursesTerminal.preflight(environment: env)
        } catch let e as TerminalStartError {
            throw DeskError(.usage, e.description)
        }
        let trace = StartupTrace(environment: env)
        let history = try desk.startLoadingHistory()
        let searchPaths = [desk.data.themesPath]
        let themeName = try ThemeChoice.checked(theme ?? env["BSCDESK_THEME"] ?? desk.config.theme, searchPaths: searchPaths, owner: desk.fileOwner)
        // This terminal's own draft; drafts of crashed sessions of this
        // login are offered by the call form.
        let drafts = DraftStore(directory: desk.data.draftsPath, login: desk.login)
        // A SIGHUP (dropped ssh), SIGTERM or crash writes the newest draft
        // before the terminal is restored.
        terminalSignalHook = { _ in DraftStore.flushFromSignal() }
        let session = DeskSession(desk: desk, drafts: drafts, history: history)
        session.onHistoryLoaded = { trace?.mark("history_loaded") }
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal.start(theme: try ThemeLoader.load(name: "monochrome"), environment: env)
        } catch let e as TerminalStartError {
            throw DeskError(.usage, e.description)
        }
        defer {
            drafts.flush()
            drafts.close()
            terminal.stop()
        }
        terminal.setTheme(try ThemeLoader.select(name: themeName, searchPaths: searchPaths, owner: desk.fileOwner, environment: env, colors: terminal.colorCount))
        var app = UIApp(root: FrontDeskTabs.root(session: session), size: terminal.size, now: wallClockNow())
        // Screens name their effects (a view recorded, an export); they
        // are performed here, at the edge.
        app.effects = DeskEffects(session: session)
        terminal.run(app: &app, quickTicks: { session.isLoadingHistory }, afterFirstFrame: { trace?.mark("first_frame") })
    }
}

/// The theme a terminal starts with, checked while errors can still be
/// printed normally. A theme file that may not be used (a link, a FIFO,
/// another user's file, too large) is skipped with a warning; if that
/// leaves no theme of the name, the default is used, so a planted file
/// never keeps the desk from starting.
enum ThemeChoice {
    static func checked(_ name: String?, searchPaths: [String], owner: uid_t?) throws -> String? {
        var skipped: [String] = []
        do {
            _ = try ThemeLoader.load(name: name ?? "default", searchPaths: searchPaths, owner: owner) { skipped.append($0) }
            for s in skipped { printError("bscdesk: warning: " + s) }
            return name
        } catch {
            for s in skipped { printError("bscdesk: warning: " + s) }
            guard !skipped.isEmpty else { throw DeskError(.usage, "theme \(name ?? "default"): \(error)") }
            printError("bscdesk: warning: theme \(name ?? "default"): \(error); using the default theme")
            return nil
        }
    }
}
