import BSCApp
import BSCCore
import BSCTerminal
import BSCUI
import Foundation

/// Starts the terminal front desk: checks the terminal, loads the journal,
/// takes over the screen with the theme and runs the app until quit.
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
        let themeName = theme ?? env["BSCDESK_THEME"] ?? desk.config.theme
        let searchPaths = [desk.data.themesPath]
        // Validate the theme while errors can still be printed normally.
        do {
            _ = try ThemeLoader.load(name: themeName ?? "default", searchPaths: searchPaths)
        } catch {
            throw DeskError(.usage, "theme \(themeName ?? "default"): \(error)")
        }
        try desk.load()
        let drafts = DraftStore(directory: desk.data.draftsPath, login: desk.login)
        // A SIGHUP (dropped ssh), SIGTERM or crash writes the newest draft
        // before the terminal is restored.
        terminalSignalHook = { _ in DraftStore.flushFromSignal() }
        let session = DeskSession(desk: desk, drafts: drafts)
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal.start(theme: try ThemeLoader.load(name: "monochrome"), environment: env)
        } catch let e as TerminalStartError {
            throw DeskError(.usage, e.description)
        }
        defer {
            drafts.flush()
            terminal.stop()
        }
        terminal.setTheme(try ThemeLoader.select(name: themeName, searchPaths: searchPaths, environment: env, colors: terminal.colorCount))
        var app = UIApp(root: FrontDeskTabs.root(session: session), size: terminal.size, now: wallClockNow())
        terminal.run(app: &app)
    }
}
