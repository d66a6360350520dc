import BSCCore
import BSCUI

/// An in-memory terminal for tests (ratatui's TestBackend, bubbletea's
/// teatest): feed keys, resize, tick, and read the frame as rows of text.
public struct TestTerminal {
    public var app: UIApp
    public private(set) var frame: CellGrid
    /// How many frames were drawn: tests can check that a key caused one.
    public private(set) var frameCount = 0

    public init(root: any Screen, width: Int = 80, height: Int = 24, now: Instant = Instant(millis: 0), confirmQuit: Bool = true,
                effects: (any EffectRunner)? = nil) {
        app = UIApp(root: root, size: Size(width: width, height: height), now: now, confirmQuit: confirmQuit)
        app.effects = effects
        frame = CellGrid(width: width, height: height)
        draw()
    }

    public mutating func draw() {
        frame = app.render()
        app.needsFullRepaint = false
        frameCount += 1
    }

    public mutating func press(_ keys: Key...) { press(keys) }
    public mutating func press(_ keys: [Key]) {
        for k in keys where app.handle(k) { draw() }
    }
    /// Types each character as a `.char` key.
    public mutating func type(_ text: String) { press(text.map { Key.char($0) }) }

    public mutating func resize(width: Int, height: Int) {
        app.resize(to: Size(width: width, height: height))
        press(.resize)
    }

    public mutating func tick(now: Instant) {
        if app.tick(now: now) { draw() }
    }

    /// Frame rows, trailing blanks trimmed.
    public var rows: [String] { frame.rows() }
    public var cursor: Point? { frame.cursor }
    public var isFinished: Bool { app.isFinished }
}
