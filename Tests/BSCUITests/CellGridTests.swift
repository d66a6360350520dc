import Testing
@testable import BSCUI

@Suite struct CellGridTests {
    @Test func wideCharactersTakeTwoCellsAndClipWhole() {
        var g = CellGrid(width: 7, height: 1)
        let used = g.put("山田太郎", x: 0, y: 0)
        #expect(used == 6)  // the fourth character would straddle the edge
        #expect(g.exactRows() == ["山田太 "])
        #expect(g[0, 0].text == "山")
        #expect(g[1, 0].isContinuation)
        #expect(g.rows() == ["山田太"])
    }

    @Test func putSanitisesAndRespectsMaxWidth() {
        var g = CellGrid(width: 10, height: 1)
        g.put("\u{1B}[2JZoë\u{202E}x", x: 1, y: 0, maxWidth: 3)
        #expect(g.exactRows() == [" Zoë      "])
        g.put("Zoe\u{308}", x: 6, y: 0)
        #expect(g.rows() == [" Zoë  Zoë"])
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var g = CellGrid(width: 4, height: 1)
        g.put("山田", x: 0, y: 0)
        g.put("x", x: 1, y: 0)  // lands on 山's continuation
        #expect(g.exactRows() == [" x田"])
        g.put("y", x: 2, y: 0)  // lands on 田's head
        #expect(g.exactRows() == [" xy "])
    }

    @Test func diffReportsOnlyChangedRunsAndKeepsWideCharactersWhole() {
        var a = CellGrid(width: 10, height: 2)
        a.put("hello", x: 0, y: 0)
        var b = a
        b.put("J", x: 0, y: 0)
        b.put("ok", x: 3, y: 0, style: Style(.error))
        b.put("山", x: 8, y: 1)
        let runs = b.diff(from: a)
        #expect(runs.map(\.x) == [0, 3, 8])
        #expect(runs.map(\.text) == ["J", "ok", "山"])
        #expect(runs.map(\.width) == [1, 2, 2])
        #expect(runs[1].style == Style(.error))
        #expect(b.diff(from: b).isEmpty)
        // A different size repaints everything, split by style: row 0 is
        // normal/error/normal, row 1 all normal.
        let full = b.diff(from: CellGrid(width: 3, height: 3))
        #expect(full.count == 4)
        #expect(full.reduce(0) { $0 + $1.width } == 20)
    }

    @Test func rectSplitting() {
        let r = Rect(x: 0, y: 0, width: 80, height: 24)
        let rows = r.rows([.fixed(1), .flex(), .fixed(1)])
        #expect(rows.map(\.height) == [1, 22, 1])
        #expect(rows.map(\.y) == [0, 1, 23])
        let cols = r.columns([.fixed(10), .flex(2), .flex(1)], spacing: 1)
        #expect(cols.map(\.width) == [10, 45, 23])
        #expect(cols.map(\.x) == [0, 11, 57])
        // Too little space: fixed bands shrink, nothing goes negative.
        let tiny = Rect(x: 0, y: 0, width: 5, height: 2).rows([.fixed(1), .fixed(3), .flex()])
        #expect(tiny.map(\.height) == [1, 1, 0])
        #expect(r.inset(by: 50).isEmpty)
        #expect(r.centered(width: 10, height: 4) == Rect(x: 35, y: 10, width: 10, height: 4))
    }
}
