/// Protocol version 3: the terminal front desk as a remote screen. The
/// server runs the desk's screens for each terminal on its one projection
/// and sends frames (cells by semantic role); the client only forwards
/// keys and draws. See docs/protocol.md, "Screens".

/// Client → server: run the front desk for this connection.
public struct ScreenOpen: Codable, Sendable, Equatable {
    public static let typeName = "screen.open"
    public var type = ScreenOpen.typeName
    public var width: Int
    public var height: Int
    /// Whether the terminal draws Unicode box and symbol characters.
    public var unicode: Bool
    /// A call draft the client kept while the server was away (the call
    /// form's draft as JSON text, as `draft` messages carried it): the
    /// server restores it into the call form.
    public var draft: String?
    /// The draft id the server gave that draft (`draft` messages), so the
    /// server's own older copy of it is replaced, not offered twice.
    public var draftId: String?
    /// Version 4: the live board on its own (`bscdesk board`) instead of
    /// the front desk.
    public var board: ScreenBoard?

    public init(width: Int, height: Int, unicode: Bool = true, draft: String? = nil, draftId: String? = nil, board: ScreenBoard? = nil) {
        self.width = width
        self.height = height
        self.unicode = unicode
        self.draft = draft
        self.draftId = draftId
        self.board = board
    }
}

/// The board's options, as `bscdesk board` takes them.
public struct ScreenBoard: Codable, Sendable, Equatable {
    /// All columns instead of the wallboard.
    public var detailed: Bool
    /// Only the queues of the login's own team.
    public var team: Bool
    public init(detailed: Bool = false, team: Bool = false) {
        self.detailed = detailed
        self.team = team
    }
}

/// One key press in the protocol's own terms (BSCProtocol knows nothing of
/// the UI's key type). `key` names it; `text` is the character of `char`,
/// `ctrl` and `alt`; `number` the function key's; `x`/`y` a click's cell.
public struct WireKey: Codable, Sendable, Equatable {
    /// Keys with no payload, by their wire names.
    public static let plainNames: Set<String> = [
        "enter", "escape", "tab", "backTab", "backspace", "delete", "insert",
        "up", "down", "left", "right", "home", "end", "pageUp", "pageDown",
    ]

    public var key: String
    public var text: String?
    public var number: Int?
    public var x: Int?
    public var y: Int?

    public init(key: String, text: String? = nil, number: Int? = nil, x: Int? = nil, y: Int? = nil) {
        self.key = key
        self.text = text
        self.number = number
        self.x = x
        self.y = y
    }

    public static func char(_ c: Character) -> WireKey { WireKey(key: "char", text: String(c)) }
    public static func function(_ n: Int) -> WireKey { WireKey(key: "function", number: n) }
    public static func ctrl(_ c: Character) -> WireKey { WireKey(key: "ctrl", text: String(c)) }
    public static func alt(_ c: Character) -> WireKey { WireKey(key: "alt", text: String(c)) }
    public static func click(x: Int, y: Int) -> WireKey { WireKey(key: "click", x: x, y: y) }
    public static func plain(_ name: String) -> WireKey { WireKey(key: name) }
}

/// Client → server: keys pressed, oldest first (a paste arrives as one
/// batch).
public struct ScreenKeys: Codable, Sendable, Equatable {
    public static let typeName = "keys"
    public var type = ScreenKeys.typeName
    public var keys: [WireKey]
    public init(keys: [WireKey]) { self.keys = keys }
}

/// Client → server: the terminal's new size.
public struct ScreenResize: Codable, Sendable, Equatable {
    public static let typeName = "resize"
    public var type = ScreenResize.typeName
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// Cells that changed, on one row, in one style. `role` is a role's name
/// (the client's theme gives it colours); emphasis is sent only when set.
public struct WireRun: Codable, Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var text: String
    public var role: String
    public var bold: Bool?
    public var reverse: Bool?
    public var underline: Bool?

    public init(x: Int, y: Int, text: String, role: String, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.x = x
        self.y = y
        self.text = text
        self.role = role
        self.bold = bold ? true : nil
        self.reverse = reverse ? true : nil
        self.underline = underline ? true : nil
    }
}

public struct WirePoint: Codable, Sendable, Equatable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// Server → client: what changed on the screen since the last frame sent
/// (`full`: the whole screen, after open, a resize or a redraw request).
/// `cursor` nil hides it.
public struct ScreenFrame: Codable, Sendable, Equatable {
    public static let typeName = "frame"
    public var type = ScreenFrame.typeName
    public var full: Bool
    public var width: Int
    public var height: Int
    public var runs: [WireRun]
    public var cursor: WirePoint?

    public init(full: Bool, width: Int, height: Int, runs: [WireRun], cursor: WirePoint?) {
        self.full = full
        self.width = width
        self.height = height
        self.runs = runs
        self.cursor = cursor
    }
}

/// Server → client: the call form's unsaved draft (JSON text) whenever it
/// changes, nil once it is saved or cleared. The client keeps the newest
/// only in memory, and writes it to a file of its own only if the server
/// goes away.
public struct ScreenDraft: Codable, Sendable, Equatable {
    public static let typeName = "draft"
    public var type = ScreenDraft.typeName
    public var draftId: String
    public var draft: String?
    public init(draftId: String, draft: String?) {
        self.draftId = draftId
        self.draft = draft
    }
}

/// Server → client: files for the client to write at `path` (plus each
/// file's suffix) as its own user, never replacing a file: the server never
/// opens a path a client names.
public struct ScreenFile: Codable, Sendable, Equatable {
    public static let typeName = "file"
    public var type = ScreenFile.typeName
    public var path: String
    public var files: [OutputFile]
    public init(path: String, files: [OutputFile]) {
        self.path = path
        self.files = files
    }
}

/// Server → client: the desk was quit (F10, Ctrl-C); the client exits 0.
/// `message`, when set, is one line for the client to print (the server
/// is stopping, say).
public struct ScreenClosed: Codable, Sendable, Equatable {
    public static let typeName = "screen.closed"
    public var type = ScreenClosed.typeName
    public var message: String?
    public init(message: String? = nil) { self.message = message }
}

/// Draft ids are made by the server: letters, digits and dashes only, so
/// one sent back by a client can never name a path.
public enum DraftIds {
    public static func isValid(_ s: String) -> Bool {
        (1...64).contains(s.utf8.count) && s.utf8.allSatisfy { (48...57).contains($0) || (97...122).contains($0) || $0 == 45 }
    }
}
