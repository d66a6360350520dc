import BSCCore
import BSCProtocol
import BSCUI

/// The screen protocol's translations between the UI's values and the
/// wire's: keys one way, frames the other. Used by the server (keys in,
/// frames out) and by the terminal client (keys out, frames in), so both
/// ends agree by construction.
public enum ScreenWire {
    /// The wire form of a key; nil for `.resize`, which travels as its
    /// own message.
    public static func wire(_ key: Key) -> WireKey? {
        switch key {
        case .char(let c): return .char(c)
        case .function(let n): return .function(n)
        case .ctrl(let c): return .ctrl(c)
        case .alt(let c): return .alt(c)
        case .click(let x, let y): return .click(x: x, y: y)
        case .resize: return nil
        case .enter: return .plain("enter")
        case .escape: return .plain("escape")
        case .tab: return .plain("tab")
        case .backTab: return .plain("backTab")
        case .backspace: return .plain("backspace")
        case .delete: return .plain("delete")
        case .insert: return .plain("insert")
        case .up: return .plain("up")
        case .down: return .plain("down")
        case .left: return .plain("left")
        case .right: return .plain("right")
        case .home: return .plain("home")
        case .end: return .plain("end")
        case .pageUp: return .plain("pageUp")
        case .pageDown: return .plain("pageDown")
        }
    }

    /// The key a wire key names; nil for anything malformed (an unknown
    /// name, a `char` that is not exactly one character, a function key
    /// out of range), which the server ignores.
    public static func key(_ w: WireKey) -> Key? {
        func one(_ t: String?) -> Character? {
            guard let t, t.count == 1, let c = t.first else { return nil }
            return c
        }
        switch w.key {
        case "char":
            // A control character is never typed text: the terminal turns
            // those into named keys, so one arriving here is refused.
            guard let c = one(w.text), !c.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return nil }
            return .char(c)
        case "function":
            guard let n = w.number, (1...63).contains(n) else { return nil }
            return .function(n)
        case "ctrl":
            guard let c = one(w.text), c.isASCII, c.isLetter else { return nil }
            return .ctrl(Character(c.lowercased()))
        case "alt":
            return one(w.text).map { .alt($0) }
        case "click":
            guard let x = w.x, let y = w.y, (0...10_000).contains(x), (0...10_000).contains(y) else { return nil }
            return .click(x: x, y: y)
        case "enter": return .enter
        case "escape": return .escape
        case "tab": return .tab
        case "backTab": return .backTab
        case "backspace": return .backspace
        case "delete": return .delete
        case "insert": return .insert
        case "up": return .up
        case "down": return .down
        case "left": return .left
        case "right": return .right
        case "home": return .home
        case "end": return .end
        case "pageUp": return .pageUp
        case "pageDown": return .pageDown
        default: return nil
        }
    }

    /// The frame that turns `previous` (what the client shows; nil: nothing
    /// yet) into `grid`.
    public static func frame(_ grid: CellGrid, from previous: CellGrid?) -> ScreenFrame {
        let full = previous == nil || previous!.size != grid.size
        let runs = grid.diff(from: full ? nil : previous).map {
            WireRun(x: $0.x, y: $0.y, text: $0.text, role: $0.style.role.rawValue,
                    bold: $0.style.bold, reverse: $0.style.reverse, underline: $0.style.underline)
        }
        return ScreenFrame(full: full, width: grid.width, height: grid.height, runs: runs,
                           cursor: grid.cursor.map { WirePoint(x: $0.x, y: $0.y) })
    }

    /// Whether `frame` changes nothing the client shows.
    public static func isEmpty(_ frame: ScreenFrame, comparedTo previous: CellGrid?) -> Bool {
        !frame.full && frame.runs.isEmpty && frame.cursor.map { Point(x: $0.x, y: $0.y) } == previous?.cursor
    }

    /// Applies a frame to the client's copy of the screen. Text is laid out
    /// cell by cell with the same widths the server used; anything outside
    /// the grid is dropped (a frame is untrusted input like any other).
    public static func apply(_ frame: ScreenFrame, to grid: inout CellGrid) {
        let width = min(max(0, frame.width), 2000)
        let height = min(max(0, frame.height), 1000)
        if frame.full || grid.width != width || grid.height != height {
            grid = CellGrid(width: width, height: height)
        }
        for run in frame.runs {
            let style = Style(Role(rawValue: run.role) ?? .normal, bold: run.bold ?? false,
                              reverse: run.reverse ?? false, underline: run.underline ?? false)
            grid.put(run.text, x: run.x, y: run.y, style: style)
        }
        grid.cursor = frame.cursor.map { Point(x: $0.x, y: $0.y) }
    }
}
