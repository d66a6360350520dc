import ArgumentParser
import BSCTerminal

/// Test support: the toolkit's demo screen, for checking the terminal
/// backend under tmux.
struct ToolkitDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "toolkit-demo", abstract: "Test support: the UI toolkit demo.", shouldDisplay: false)

    func run() throws {
        do {
            // ArgumentParser runs commands on the main thread.
            try MainActor.assumeIsolated { try runToolkitDemo() }
        } catch {
            printError("bscdesk: \(error)")
            throw ExitCode(64)
        }
    }
}
