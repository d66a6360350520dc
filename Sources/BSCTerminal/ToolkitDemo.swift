import BSCUI
import Foundation

/// Runs the toolkit demo full-screen (a name field with suggestions, a
/// 100k-row table, a sparkline), for a hidden subcommand and tmux smoke
/// tests. Honours NO_COLOR and BSCDESK_THEME (a built-in theme name).
@MainActor
public func runToolkitDemo() throws {
    let env = ProcessInfo.processInfo.environment
    let themeName = env["BSCDESK_THEME"]
    // Validate the theme before taking over the terminal, so errors print
    // normally.
    _ = try ThemeLoader.load(name: themeName ?? "default")
    let terminal = try CursesTerminal.start(theme: try ThemeLoader.load(name: "monochrome"), environment: env)
    defer { terminal.stop() }
    terminal.setTheme(try ThemeLoader.select(name: themeName, searchPaths: [], environment: env, colors: terminal.colorCount))
    var app = UIApp(root: ToolkitDemoScreen(), size: terminal.size, now: wallClockNow())
    terminal.run(app: &app)
}
