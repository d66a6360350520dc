import BSCCore
import BSCProtocol
import BSCServer
import BSCUI
import Testing

/// Keys to the wire and back, frames from a grid and onto a client's copy:
/// both ends of the screen protocol use these, so they must invert.
@Suite("Screen wire translations")
struct ScreenWireTests {
    @Test func everyKeyButResizeSurvivesTheWire() {
        let keys: [Key] = [.char("a"), .char("山"), .char("é"), .enter, .escape, .tab, .backTab, .backspace, .delete, .insert,
                           .up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .function(1), .function(12),
                           .ctrl("s"), .alt(":"), .click(x: 4, y: 7)]
        for k in keys {
            let w = ScreenWire.wire(k)
            #expect(w.flatMap(ScreenWire.key) == k, "\(k)")
        }
        #expect(ScreenWire.wire(.resize) == nil)
    }

    @Test func malformedKeysAreIgnoredNotGuessed() {
        let bad: [WireKey] = [WireKey(key: "char", text: "ab"), WireKey(key: "char", text: "\u{1b}"), WireKey(key: "char"),
                              WireKey(key: "function", number: 0), WireKey(key: "function", number: 64), WireKey(key: "ctrl", text: "1"),
                              WireKey(key: "click", x: -1, y: 0), WireKey(key: "resize"), WireKey(key: "launch")]
        for w in bad { #expect(ScreenWire.key(w) == nil, "\(w)") }
    }

    func grid(_ rows: [String], cursor: Point? = nil) -> CellGrid {
        var g = CellGrid(width: 20, height: rows.count)
        for (y, r) in rows.enumerated() { g.put(r, x: 0, y: y, style: y == 0 ? Style(.title, bold: true) : .normal) }
        g.cursor = cursor
        return g
    }

    @Test func aDiffFrameTurnsTheClientsCopyIntoTheNewGrid() {
        let first = grid(["Log a call", "Caller: 山田"], cursor: Point(x: 10, y: 1))
        var client = CellGrid(width: 0, height: 0)
        let full = ScreenWire.frame(first, from: nil)
        #expect(full.full)
        ScreenWire.apply(full, to: &client)
        #expect(client == first)

        let second = grid(["Log a call", "Caller: 山田 Jo"], cursor: Point(x: 13, y: 1))
        let diff = ScreenWire.frame(second, from: first)
        #expect(!diff.full)
        #expect(diff.runs.map(\.y) == [1], "only the changed row is sent")
        ScreenWire.apply(diff, to: &client)
        #expect(client == second)
        #expect(client[0, 0].style == Style(.title, bold: true))

        #expect(ScreenWire.isEmpty(ScreenWire.frame(second, from: second), comparedTo: second))
        var moved = second
        moved.cursor = Point(x: 0, y: 0)
        #expect(!ScreenWire.isEmpty(ScreenWire.frame(moved, from: second), comparedTo: second), "a cursor move alone is sent")
    }

    @Test func aFrameReachingOutsideTheScreenIsClippedAndAnUnknownRoleIsNormal() {
        var client = CellGrid(width: 0, height: 0)
        let hostile = ScreenFrame(full: true, width: 5, height: 2,
                                  runs: [WireRun(x: 3, y: 1, text: "abcdef", role: "sparkles"), WireRun(x: 0, y: 9, text: "x", role: "normal")],
                                  cursor: nil)
        ScreenWire.apply(hostile, to: &client)
        #expect(client.rows() == ["", "   ab"])
        #expect(client[3, 1].style == .normal)
    }
}
