import BSCTestSupport
import BSCApp
import BSCCore
import Testing
@testable import BSCUI

/// Help longer than the screen scrolls (j/k, arrows, PgUp/PgDn, Home/End)
/// and says so in its footer, so its last line is reachable at 80×24.
@Suite(.serialized) struct HelpScrollTests {
    typealias F = BoardScreenFixture

    @Test func theBoardsHelpScrollsToItsLastLineAt80x24() throws {
        let f = try F()
        try f.seed()
        let screen = BoardScreen(feed: BoardFeed(desk: f.desk, watcher: nil, now: F.now))
        let last = try #require(screen.helpNotes.last)
        let lastWords = try #require(last.wrapped(toWidth: 60).last?.split(separator: " ").suffix(3).joined(separator: " "))
        var t = TestTerminal(root: screen, width: 80, height: 24, now: F.now)
        t.press(.function(1))
        var text = t.rows.joined(separator: "\n")
        #expect(!text.contains(lastWords), "the last line does not fit at first:\n\(text)")
        let footer = try #require(t.rows.first { $0.contains("PgUp PgDn") })
        #expect(footer.contains("↓ ") && footer.contains(" more · ↑↓ PgUp PgDn · Esc closes"), "\(footer)")
        t.press(.end)
        text = t.rows.joined(separator: "\n")
        #expect(text.contains(lastWords), "End shows the last line:\n\(text)")
        #expect(t.rows.contains { $0.contains("end · ↑↓ PgUp PgDn") }, "\(text)")
        // Line by line back up to the first key.
        t.press(.home)
        #expect(t.rows.joined().contains("Next row"))
        for _ in 0..<100 { t.press(.char("j")) }
        #expect(t.rows.joined(separator: "\n").contains(lastWords), "j reaches the last line too")
        t.press(.pageUp, .up, .char("k"))
        #expect(!t.rows.joined(separator: "\n").contains(lastWords))
        t.press(.escape)
        #expect(!t.app.showingHelp)
        t.press(.function(1))  // opens at the top again
        #expect(t.rows.joined().contains("Next row"))
    }

    @Test func helpThatFitsHasNoScrollFooter() {
        let help = KeyHelp([KeyHelp.Entry(keys: [.function(2)], barLabel: "Add", help: "Add one")])
        var g = CellGrid(width: 80, height: 24)
        HelpOverlay(title: "Help", help: help).render(in: g.bounds, grid: &g)
        #expect(g.rows().contains { $0.contains("Esc or ? to close") })
        #expect(!g.rows().contains { $0.contains("PgDn") })
    }
}
