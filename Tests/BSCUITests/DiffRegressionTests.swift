import BSCCore
import BSCTestSupport
import Testing
@testable import BSCUI

/// The live backend hung in `diff` (blank screen, 100% CPU, memory
/// growing): the run's head cell was read from row 0 instead of row y.
@Suite struct DiffRegressionTests {
    @Test func rowsBelowTheFirstDiffWhenRowZeroHasAnotherStyle() {
        var g = CellGrid(width: 6, height: 3)
        g.put("status", x: 0, y: 0, style: Style(.statusBar))
        g.put("ab", x: 0, y: 1)
        g.put("日x", x: 2, y: 2, style: Style(.error))
        let runs = g.diff(from: nil)
        #expect(runs == [
            CellRun(x: 0, y: 0, cells: ["s", "t", "a", "t", "u", "s"], style: Style(.statusBar), width: 6),
            CellRun(x: 0, y: 1, cells: ["a", "b", " ", " ", " ", " "], style: .normal, width: 6),
            CellRun(x: 0, y: 2, cells: [" ", " "], style: .normal, width: 2),
            CellRun(x: 2, y: 2, cells: ["日", "x"], style: Style(.error), width: 3),
            CellRun(x: 5, y: 2, cells: [" "], style: .normal, width: 1),
        ])
    }

    @Test func changedContinuationBelowRowZeroPullsBackToItsOwnHead() {
        var before = CellGrid(width: 4, height: 2)
        before.put("abcd", x: 0, y: 0, style: Style(.header))
        var after = before
        after.put("山", x: 1, y: 1)
        // Only the continuation differs in style from the old frame.
        var prev = after
        prev.setStyle(Rect(x: 2, y: 1, width: 1, height: 1), Style(.dim))
        #expect(after.diff(from: prev) == [CellRun(x: 1, y: 1, cells: ["山"], style: .normal, width: 2)])
    }

    @Test func fullDemoFrameDiffCoversEveryCellOnce() {
        var app = UIApp(root: ToolkitDemoScreen(rows: 50), size: Size(width: 80, height: 24), now: Instant(millis: 0))
        let runs = app.render().diff(from: nil)
        #expect(runs.reduce(0) { $0 + $1.width } == 80 * 24)
        #expect(Set(runs.map(\.y)) == Set(0..<24))
    }
}
