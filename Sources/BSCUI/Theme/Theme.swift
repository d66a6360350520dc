/// A terminal colour: -1 is the terminal's own default colour, 0–15 the
/// ANSI colours, 16–255 the xterm 256-colour palette.
public struct TerminalColor: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public init?(index: Int) {
        guard (-1...255).contains(index) else { return nil }
        self.index = index
    }
    private init(unchecked: Int) { index = unchecked }

    public static let `default` = TerminalColor(unchecked: -1)
    public static func ansi(_ i: Int) -> TerminalColor { TerminalColor(unchecked: max(0, min(15, i))) }

    /// The 16 ANSI names in index order.
    public static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// "default", an ANSI name (also "gray"/"grey" for bright-black) or nil.
    public init?(name: String) {
        switch name {
        case "default": self = .default
        case "gray", "grey": self.init(unchecked: 8)
        default:
            guard let i = Self.names.firstIndex(of: name) else { return nil }
            self.init(unchecked: i)
        }
    }

    public var description: String {
        if index == -1 { return "default" }
        if index < 16 { return Self.names[index] }
        return String(index)
    }

    /// Approximate RGB of a palette index (xterm defaults), for down-sampling.
    var rgb: (Int, Int, Int) {
        switch index {
        case 0..<16: return Self.ansiRGB[index]
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255]
            let i = index - 16
            return (levels[i / 36], levels[(i / 6) % 6], levels[i % 6])
        case 232..<256:
            let g = 8 + (index - 232) * 10
            return (g, g, g)
        default: return (0, 0, 0)
        }
    }

    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The closest colour a terminal with `colors` colours can show.
    public func limited(to colors: Int) -> TerminalColor {
        if index < 0 || colors >= 256 { return self }
        let available = colors >= 16 ? 16 : 8
        if index < available { return self }
        if index < 16 { return TerminalColor(unchecked: index - 8) }  // bright → normal on 8 colours
        let (r, g, b) = rgb
        var best = 0
        var bestDistance = Int.max
        for i in 0..<available {
            let (r2, g2, b2) = Self.ansiRGB[i]
            let d = (r - r2) * (r - r2) + (g - g2) * (g - g2) + (b - b2) * (b - b2)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return TerminalColor(unchecked: best)
    }
}

/// Text attributes a role can carry; with no colour these alone must keep
/// roles apart (the monochrome theme).
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)

    public static let names: [(String, TextAttributes)] = [("bold", .bold), ("dim", .dim), ("reverse", .reverse), ("underline", .underline)]
}

/// What a role looks like: colours and attributes.
public struct ThemeStyle: Hashable, Sendable {
    public var fg: TerminalColor
    public var bg: TerminalColor
    public var attributes: TextAttributes
    public init(fg: TerminalColor = .default, bg: TerminalColor = .default, attributes: TextAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }
}

/// A resolved theme: a style for every role. Built by `ThemeLoader`.
public struct Theme: Hashable, Sendable {
    public var name: String
    public private(set) var styles: [Role: ThemeStyle]

    public init(name: String, styles: [Role: ThemeStyle]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: Role) -> ThemeStyle { styles[role] ?? ThemeStyle() }

    /// The role's style plus the cell's own emphasis flags.
    public func resolve(_ style: Style) -> ThemeStyle {
        var s = self.style(for: style.role)
        if style.bold { s.attributes.insert(.bold) }
        if style.reverse { s.attributes.formSymmetricDifference(.reverse) }
        if style.underline { s.attributes.insert(.underline) }
        return s
    }

    /// This theme as a terminal with `colors` colours can show it: 256-colour
    /// indices become the nearest of 16 (or 8); below 8 colours only
    /// attributes remain.
    public func adapted(toColors colors: Int) -> Theme {
        var copy = self
        for (role, s) in styles {
            var t = s
            if colors < 8 {
                t.fg = .default
                t.bg = .default
            } else {
                t.fg = s.fg.limited(to: colors)
                t.bg = s.bg.limited(to: colors)
            }
            copy.styles[role] = t
        }
        return copy
    }

    /// True when no role uses a colour (the monochrome contract).
    public var isAttributesOnly: Bool { styles.values.allSatisfy { $0.fg == .default && $0.bg == .default } }
}
