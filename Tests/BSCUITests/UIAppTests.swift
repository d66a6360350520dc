import BSCTestSupport
import BSCCore
import Testing
@testable import BSCUI

/// A minimal screen: a counter with its own key table.
struct CounterScreen: Screen {
    enum Action { case increment, open }
    let bindings = KeyBindingTable<Action>([
        KeyBinding([.function(2), .char("+")], bar: "Add", help: "Add one", action: .increment),
        KeyBinding([.enter], bar: "Open", help: "Open a child screen", action: .open),
    ])
    var count = 0
    var name = "Counter"
    var title: String { name }
    var keyHelp: KeyHelp { bindings.help }
    var statusText: String { "count \(count)" }
    var minimumSize: Size { Size(width: 30, height: 8) }

    mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        grid.put("Count: \(count)", in: area.row(0))
    }
    mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        switch bindings.action(for: key) {
        case .increment?:
            count += 1
            return .handled
        case .open?: return .push(CounterScreen(name: "Child"))
        case nil: return .ignored
        }
    }
    mutating func tick(now: Instant) -> Bool {
        count = Int(now.millis / 1000)
        return true
    }
}

@Suite struct UIAppTests {
    @Test func fullFrameAt80x24() {
        var t = TestTerminal(root: CounterScreen())
        t.press(.char("+"), .function(2))
        var expected = Array(repeating: "", count: 24)
        expected[0] = "bscdesk › Counter" + String(repeating: " ", count: 80 - 17 - 7) + "count 2"
        expected[1] = "Count: 2"
        expected[23] = "F1Help  F2Add   F10Quit  EnterOpen"
        #expect(t.rows == expected)
        #expect(t.frame[0, 0].style.role == .statusBar)
        #expect(t.frame[0, 23].style.role == .functionKeyKey)
        #expect(t.frame[2, 23].style.role == .functionKeyLabel)
    }

    @Test func tooSmallNoticeAt20x5AndRecovery() {
        var t = TestTerminal(root: CounterScreen(), width: 20, height: 5)
        #expect(t.rows == [
            "",
            "terminal too small:",
            "  need 30×10, have",
            "        20×5",
            "",
        ])
        t.press(.char("+"))  // screen keys are not delivered while hidden
        t.resize(width: 40, height: 10)
        #expect(t.rows[1] == "Count: 0")
        #expect(t.rows[9] == "F1Help  F2Add   F10Quit  EnterOpen")
        #expect(t.app.needsFullRepaint == false)
    }

    @Test func pushPopEscapeAndBreadcrumb() {
        var t = TestTerminal(root: CounterScreen())
        t.press(.enter)
        #expect(t.rows[0].hasPrefix("bscdesk › Counter › Child"))
        t.press(.escape)
        #expect(t.rows[0].hasPrefix("bscdesk › Counter "))
        t.press(.escape)  // the root screen stays
        #expect(t.app.stack.count == 1)
    }

    @Test func helpOverlayListsScreenAndGlobalKeys() {
        var t = TestTerminal(root: CounterScreen(), width: 50, height: 14)
        t.press(.char("?"))
        let help = t.rows.joined(separator: "\n")
        for line in ["┌ Help: Counter ─", "│ F2, +   Add one ", "│ Enter   Open a child screen ", "│ F1, ?   Show keys for this screen ",
                     "│ Esc     Back to the previous screen ", "│ F10, q  Quit ", "│ :       Command line (Esc : in text fields) │",
                     "│ Commands: :q :quit :help ", "│ Esc or ? to close "] {
            #expect(help.contains(line), "help lacks \(line):\n\(help)")
        }
        // The bar below shows the same table's bar entries.
        #expect(t.rows[13] == "F1Help  F2Add   F10Quit  EnterOpen")
        t.press(.char("+"))  // swallowed by the overlay
        t.press(.escape)
        #expect(t.rows[1] == "Count: 0")
    }

    @Test func quitNeedsConfirmationButCtrlCQuitsAtOnce() {
        var t = TestTerminal(root: CounterScreen())
        t.press(.function(10))
        #expect(t.rows.joined().contains("Quit bscdesk?"))
        t.press(.char("n"))
        #expect(!t.isFinished)
        t.press(.char("q"), .char("y"))
        #expect(t.isFinished)

        var u = TestTerminal(root: CounterScreen())
        u.press(.ctrl("c"))
        #expect(u.isFinished)
    }

    @Test func tickRedrawsLiveScreens() {
        var t = TestTerminal(root: CounterScreen())
        let before = t.frameCount
        t.tick(now: Instant(millis: 42_000))
        #expect(t.frameCount == before + 1)
        #expect(t.rows[1] == "Count: 42")
    }

    @Test func demoScreenEditsAndScrolls() {
        var t = TestTerminal(root: ToolkitDemoScreen(), width: 60, height: 14)
        t.type("山田")
        #expect(t.rows[1].hasPrefix("Name: 山田"))
        #expect(t.cursor == Point(x: 10, y: 1))
        #expect(t.rows[2] == "Suggest: 山田太郎")
        t.press(.enter)
        #expect(t.rows[1].hasPrefix("Name: 山田太郎"))
        t.press(.function(2))
        #expect(t.rows[13] == "Saved 山田太郎")
        t.press(.tab, .end)
        #expect(t.cursor == nil)
        #expect(t.rows.contains { $0.hasPrefix("▸ T199999") })
    }
}
