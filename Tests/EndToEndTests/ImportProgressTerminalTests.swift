import Foundation
import XCTest

/// The import's progress bar on a real terminal (tmux): redrawn in place,
/// no wider than the terminal (a line that wraps cannot be redrawn with a
/// carriage return and leaves fragments), and finished on a line of its
/// own before the summary and the closing message.
final class ImportProgressTerminalTests: XCTestCase {
    func testTheProgressBarFitsTheTerminalAndEndsCleanly() throws {
        let file = try TempDir.make() + "/incident_event_log.csv"
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: Bscdesk.bench)
        gen.arguments = ["gen-servicenow", "--tickets", "6000", "--out", file]
        gen.standardOutput = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        XCTAssertEqual(gen.terminationStatus, 0)
        let desk = try Bscdesk.fresh()
        let tmux = Tmux()
        defer { tmux.kill() }
        // A narrow terminal: the bar must shrink to fit 50 columns.
        let script = "\(Tmux.quote(Bscdesk.binary)) import servicenow \(Tmux.quote(file)) --yes; echo \"exit=$?\"; sleep 600"
        try tmux.start("imp", command: "sh -c " + Tmux.quote(script), environment: Tmux.deskEnvironment(desk), width: 50, height: 30)
        let screen = try tmux.waitFor("imp", "exit=", timeout: 300)
        XCTAssertTrue(screen.contains("exit=0"), screen)
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let bars = lines.indices.filter { lines[$0].hasPrefix("[") }
        let fragments = lines.filter { $0.contains("s left") && !$0.hasPrefix("[") }
        XCTAssertEqual(bars.count, 1, "one bar line, redrawn in place:\n\(screen)")
        XCTAssertEqual(fragments, [], "no pieces of a wrapped bar:\n\(screen)")
        guard let bar = bars.first else { return }
        XCTAssertLessThan(lines[bar].count, 50, screen)
        // The last drawing: full, the whole file read. --yes counts as it
        // writes (no plan first), so the bar measures the file read.
        XCTAssertTrue(lines[bar].hasPrefix("["), screen)
        XCTAssertFalse(lines[bar].contains("-]"), "the bar ends full:\n\(screen)")
        XCTAssertTrue(lines[bar].contains("100% read"), "the whole file read at the end:\n\(screen)")
        // Then, each on a line of its own, the summary and the closing message.
        XCTAssertTrue(lines[bar + 1].hasPrefix("Import servicenow"), "the summary after the bar:\n\(screen)")
        let written = lines.firstIndex { $0.contains("to write: 6000 tickets") }
        let closing = lines.firstIndex { $0.hasPrefix("Imported 6000 tickets") }
        XCTAssertNotNil(written, screen)
        XCTAssertNotNil(closing, screen)
        if let written, let closing { XCTAssertLessThan(written, closing, screen) }
    }
}
