import Testing
@testable import BSCUI

@Suite struct WidgetTests {
    @Test func sparklineAndFallback() {
        #expect(Sparkline([0, 1, 2, 4, 8]).text(width: 5) == " ▂▃▅█")  // level = value/max × 7, rounded
        #expect(Sparkline([1, 2, 3, 4, 5, 6, 7, 8]).text(width: 3) == "▆▇█")  // newest values
        #expect(Sparkline([0, 4, 8], unicode: false).text(width: 3) == " =#")
    }

    @Test func barChartRows() {
        var g = CellGrid(width: 20, height: 3)
        BarChart([.init("Red", 8), .init("Amber", 4), .init("Green", 1)]).render(in: g.bounds, grid: &g)
        // Label 5, bar 12, value 1: 8→12 blocks, 4→6, 1→1.5 (█ + ▌).
        #expect(g.rows() == ["Red   ████████████ 8", "Amber ██████ 4", "Green █▌ 1"])
        var a = CellGrid(width: 20, height: 1)
        BarChart([.init("Red", 8)], unicode: false).render(in: a.bounds, grid: &a)
        #expect(a.rows() == ["Red ############## 8"])  // 14 columns of bar
    }

    @Test func statusLineKeepsRightSegment() {
        var g = CellGrid(width: 20, height: 1)
        StatusLine(left: "bscdesk › Queue board › Ticket", right: "09:05").render(in: g.bounds, grid: &g)
        #expect(g.rows() == ["bscdesk › Que… 09:05"])  // 14 columns left of the gap
    }

    @Test func confirmDialogKeysAndRender() {
        var s = ConfirmState()
        #expect(s.handle(.enter) == false)
        #expect(s.handle(.tab) == nil)
        #expect(s.handle(.enter) == true)
        #expect(s.handle(.escape) == false)
        var g = CellGrid(width: 30, height: 7)
        ConfirmDialog(title: "Close", message: "Close ticket?").render(in: g.bounds, grid: &g, state: s)
        #expect(g.rows() == [
            "",
            "     ┌ Close ──────────┐",
            "     │ Close ticket?   │",
            "     │                 │",
            "     │ [ Yes ]  [ No ] │",
            "     └─────────────────┘",
            "",
        ])
    }

    @Test func typeAheadPrefersPrefixMatches() {
        var s = TypeAheadState(candidates: ["Ana García", "Zoë Łukasik", "Anand Patel", "Diana Ross"])
        s.update(query: "an")
        #expect(s.matches == ["Ana García", "Anand Patel", "Diana Ross"])
        _ = s.handle(.down)
        #expect(s.current == "Anand Patel")
        s.update(query: "ŁUK")
        #expect(s.matches == ["Zoë Łukasik"])
        var g = CellGrid(width: 15, height: 2)
        TypeAheadList().render(in: g.bounds, grid: &g, state: s)
        #expect(g.rows() == [" Zoë Łukasik", ""])
        #expect(g[0, 0].style.role == .selection)
    }

    @Test func messageLineMarksErrorsInText() {
        var g = CellGrid(width: 30, height: 1)
        MessageLine(.error("Name is empty\u{1B}[2J")).render(in: g.bounds, grid: &g)
        #expect(g.rows() == ["Error: Name is empty"])
        #expect(g[0, 0].style == Style(.error, bold: true))
    }
}
