/// How a cell is drawn: a semantic role plus optional emphasis that adds to
/// whatever attributes the theme gives the role.
public struct Style: Hashable, Sendable {
    public var role: Role
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ role: Role = .normal, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    public static let normal = Style(.normal)

    public func bolded() -> Style { var s = self; s.bold = true; return s }
    public func reversed() -> Style { var s = self; s.reverse = true; return s }
    public func underlined() -> Style { var s = self; s.underline = true; return s }
}
