import Testing
@testable import BSCUI

/// Counts row fetches, to prove rendering is O(visible rows).
final class CountingSource: TableDataSource {
    let count: Int
    var fetched: [Int] = []
    init(count: Int) { self.count = count }
    func row(at index: Int) -> [String] {
        fetched.append(index)
        return ["T\(index)", index % 2 == 0 ? "山田太郎" : "Zoë Łukasik"]
    }
    func rowStyle(at index: Int) -> Style? { index == 3 ? Style(.slaBreached) : nil }
}

@Suite struct TableViewTests {
    let view = TableView(columns: [.fixed("Id", 7), .flex("Name")])

    @Test func rendersOnlyVisibleRowsOf100k() {
        let data = CountingSource(count: 100_000)
        var state = TableState()
        var g = CellGrid(width: 30, height: 6)
        view.render(in: g.bounds, grid: &g, state: &state, data: data)
        #expect(data.fetched == [0, 1, 2, 3, 4])
        #expect(g.rows() == [
            "  Id      Name",
            "▸ T0      山田太郎",
            "  T1      Zoë Łukasik",
            "  T2      山田太郎",
            "  T3      Zoë Łukasik",
            "  T4      山田太郎",
        ])
        #expect(g[2, 1].style.role == .selection)
        #expect(g[2, 4].style.role == .slaBreached)

        data.fetched = []
        _ = state.handle(.end, count: data.count)
        view.render(in: g.bounds, grid: &g, state: &state, data: data)
        #expect(data.fetched == Array(99_995..<100_000))
        #expect(g.rows().last == "▸ T99999  Zoë Łukasik")
    }

    @Test func selectionStaysInBoundsAndScrolls() {
        let n = 100_000
        var state = TableState()
        var g = CellGrid(width: 30, height: 6)
        let data = CountingSource(count: n)
        _ = state.handle(.up, count: n)
        #expect(state.selected == 0)
        for _ in 0..<7 { _ = state.handle(.char("j"), count: n) }
        view.render(in: g.bounds, grid: &g, state: &state, data: data)
        #expect(state.selected == 7)
        #expect(state.offset == 3)  // 5 visible rows, selection on the last
        _ = state.handle(.pageDown, count: n)
        #expect(state.selected == 12)
        _ = state.handle(.pageUp, count: n)
        _ = state.handle(.pageUp, count: n)
        _ = state.handle(.pageUp, count: n)
        #expect(state.selected == 0)
        _ = state.handle(.char("G"), count: n)
        _ = state.handle(.down, count: n)
        #expect(state.selected == n - 1)
        #expect(state.handle(.char("x"), count: n) == false)
        // The data shrank under the selection: it is clamped at render.
        view.render(in: g.bounds, grid: &g, state: &state, data: CountingSource(count: 2))
        #expect(state.selected == 1)
        #expect(state.offset == 0)
    }

    @Test func emptyTableAndTinyArea() {
        var state = TableState()
        var g = CellGrid(width: 20, height: 3)
        view.render(in: g.bounds, grid: &g, state: &state, data: [[String]]())
        #expect(g.rows() == ["  Id      Name", "  (no rows)", ""])
        #expect(state.selected == nil)
        var tiny = CellGrid(width: 4, height: 1)
        var s2 = TableState()
        view.render(in: tiny.bounds, grid: &tiny, state: &s2, data: [["T1", "x"]])
        #expect(tiny.rows() == ["  …"])  // 1 column left for "Id"
    }
}
