import TOMLKit

/// One theme file as written, before inheritance and palette resolution.
struct ThemeFile {
    enum ColorRef: Hashable {
        case literal(TerminalColor)
        case palette(String)
    }
    struct RoleSpec: Hashable {
        var fg: ColorRef?
        var bg: ColorRef?
        var attributes: TextAttributes?
    }

    var name: String
    var file: String
    var inherits: String?
    var palette: [String: ColorRef] = [:]
    var roles: [String: RoleSpec] = [:]

    /// Every key a `[roles]` table may use: the role keys and their parents.
    static let roleKeys: Set<String> = {
        var keys = Set<String>()
        for role in Role.allCases { keys.formUnion(role.fallbackKeys) }
        return keys
    }()

    static var allowedColours: String {
        "\"default\", an ANSI name (\(TerminalColor.names.joined(separator: ", "))), an index 0–255 or a [palette] name"
    }

    static func parse(_ text: String, name: String, file: String) throws -> ThemeFile {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ThemeError(file: file, "not valid TOML: \(e.description) at line \(e.source.begin.line), column \(e.source.begin.column)")
        }
        var theme = ThemeFile(name: name, file: file)
        for key in table.keys.sorted() {
            let value = table[key]!
            switch key {
            case "inherits":
                guard let parent = value.string, ThemeLoader.isValidName(parent) else {
                    throw ThemeError(file: file, key: key, "must be a theme name (letters, digits, - and _)")
                }
                theme.inherits = parent
            case "name", "description":
                guard value.string != nil else { throw ThemeError(file: file, key: key, "must be a string") }
            case "palette":
                guard let t = value.table else { throw ThemeError(file: file, key: key, "must be a table of name = colour") }
                for pk in t.keys.sorted() {
                    guard let c = try Self.colourLiteral(t[pk]!, file: file, key: "palette.\(pk)", allowPalette: false) else {
                        throw ThemeError(file: file, key: "palette.\(pk)", "expected \"default\", an ANSI name or an index 0–255")
                    }
                    theme.palette[pk] = c
                }
            case "roles":
                guard let t = value.table else { throw ThemeError(file: file, key: key, "must be a table of role = style") }
                try theme.parseRoles(t, prefix: "")
            default:
                throw ThemeError(file: file, key: key, "unknown key; allowed: inherits, name, description, [palette], [roles]")
            }
        }
        return theme
    }

    /// Reads `[roles]`, accepting quoted dotted keys ("sla.breached") and
    /// nested tables (sla.breached written as a dotted TOML key).
    private mutating func parseRoles(_ t: TOMLTable, prefix: String) throws {
        for k in t.keys.sorted() {
            let key = prefix.isEmpty ? k : "\(prefix).\(k)"
            let v = t[k]!
            guard Self.roleKeys.contains(key) else {
                throw ThemeError(file: file, key: "roles.\(key)", "unknown role; known roles: \(Role.allCases.map(\.themeKey).joined(separator: ", "))")
            }
            if let sub = v.table {
                let styleFields: Set<String> = ["fg", "bg", "modifiers"]
                let fields = Set(sub.keys)
                let own = fields.intersection(styleFields)
                if !own.isEmpty {
                    roles[key] = try parseStyleTable(sub, key: "roles.\(key)", only: own)
                }
                let children = fields.subtracting(styleFields)
                if !children.isEmpty {
                    let childTable = TOMLTable()
                    for c in children { childTable[c] = sub[c] }
                    try parseRoles(childTable, prefix: key)
                }
            } else if let array = v.array {
                roles[key] = try parseStyleList(array, key: "roles.\(key)")
            } else if v.string != nil || v.int != nil {
                roles[key] = RoleSpec(fg: try Self.colourLiteral(v, file: file, key: "roles.\(key)", allowPalette: true))
            } else {
                throw ThemeError(file: file, key: "roles.\(key)", "expected a colour, a list like [\"amber\", \"bold\"] or a table { fg, bg, modifiers }")
            }
        }
    }

    private func parseStyleTable(_ t: TOMLTable, key: String, only: Set<String>) throws -> RoleSpec {
        var spec = RoleSpec()
        if let fg = t["fg"] { spec.fg = try Self.colourLiteral(fg, file: file, key: "\(key).fg", allowPalette: true) }
        if let bg = t["bg"] { spec.bg = try Self.colourLiteral(bg, file: file, key: "\(key).bg", allowPalette: true) }
        if let m = t["modifiers"] {
            guard let list = m.array else { throw ThemeError(file: file, key: "\(key).modifiers", "must be a list such as [\"bold\", \"reverse\"]") }
            var attrs: TextAttributes = []
            for item in list {
                guard let s = item.string, let a = Self.attribute(s) else {
                    throw ThemeError(file: file, key: "\(key).modifiers", "unknown modifier \(item.debugDescription); allowed: bold, dim, reverse, underline")
                }
                attrs.insert(a)
            }
            spec.attributes = attrs
        }
        return spec
    }

    /// lazygit style: attribute names and up to two colours (fg, then bg).
    private func parseStyleList(_ list: TOMLArray, key: String) throws -> RoleSpec {
        var spec = RoleSpec()
        var attrs: TextAttributes = []
        for item in list {
            if let s = item.string, let a = Self.attribute(s) {
                attrs.insert(a)
                continue
            }
            let c = try Self.colourLiteral(item, file: file, key: key, allowPalette: true)
            if spec.fg == nil { spec.fg = c } else if spec.bg == nil { spec.bg = c } else {
                throw ThemeError(file: file, key: key, "more than two colours; a list holds fg, bg and modifiers (bold, dim, reverse, underline)")
            }
        }
        if !attrs.isEmpty { spec.attributes = attrs }
        return spec
    }

    static func attribute(_ s: String) -> TextAttributes? {
        TextAttributes.names.first { $0.0 == s }?.1
    }

    /// A colour literal, or a palette reference checked later.
    private static func colourLiteral(_ v: TOMLValueConvertible, file: String, key: String, allowPalette: Bool) throws -> ColorRef? {
        if let i = v.int {
            guard let c = TerminalColor(index: i) else {
                throw ThemeError(file: file, key: key, "colour index \(i) is out of range; expected 0–255 or -1 for the terminal default")
            }
            return .literal(c)
        }
        guard let s = v.string else {
            throw ThemeError(file: file, key: key, "expected \(Self.allowedColours)")
        }
        if let c = TerminalColor(name: s) { return .literal(c) }
        if s.hasPrefix("#") {
            throw ThemeError(file: file, key: key, "\"\(s)\": RGB colours are not supported; use an index 0–255")
        }
        if allowPalette && ThemeLoader.isValidName(s) { return .palette(s) }
        throw ThemeError(file: file, key: key, "unknown colour \"\(s)\"; expected \(Self.allowedColours)")
    }
}
