import BSCJournal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds, parses, merges and validates themes. User themes (`<name>.toml`
/// in the search paths, first match wins) override built-ins of the same
/// name; `inherits` builds on another theme, and a file inheriting its own
/// name builds on the built-in one.
public enum ThemeLoader {
    public static let builtinNames = BuiltinThemes.all.map(\.name)

    static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Picks the theme for a terminal: NO_COLOR (non-empty) or fewer than 8
    /// colours → monochrome; fewer than 256 colours → `<name>-16` when it
    /// exists; then every colour is limited to what the terminal shows.
    public static func select(name: String?, searchPaths: [String], owner: uid_t? = nil, environment: [String: String], colors: Int,
                              skipped: (String) -> Void = { _ in }) throws -> Theme {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            return try load(name: "monochrome", searchPaths: searchPaths, owner: owner, skipped: skipped).adapted(toColors: 0)
        }
        if colors < 8 { return try load(name: "monochrome", searchPaths: searchPaths, owner: owner, skipped: skipped).adapted(toColors: 0) }
        let requested = name ?? "default"
        var chosen = requested
        if colors < 256, exists(name: requested + "-16", searchPaths: searchPaths, owner: owner) { chosen = requested + "-16" }
        return try load(name: chosen, searchPaths: searchPaths, owner: owner, skipped: skipped).adapted(toColors: colors)
    }

    /// Loads one theme by name, with inheritance resolved and validated.
    /// A user theme file that may not be used (a link, a FIFO, not a
    /// regular file, not `owner`'s, larger than `SafeFile.themeBytes`) is
    /// never read: `skipped` gets one line naming it and why, and the
    /// search goes on as if it were not there (the next folder, then the
    /// built-in of that name).
    public static func load(name: String, searchPaths: [String] = [], owner: uid_t? = nil,
                            skipped: (String) -> Void = { _ in }) throws -> Theme {
        var chain: [ThemeFile] = []
        var seen: [String] = []
        var next: (name: String, skipUserFor: String?)? = (name, nil)
        while let (n, skip) = next {
            let key = skip == nil ? n : n + " (built-in)"
            if seen.contains(key) {
                throw ThemeError(file: chain.last?.file ?? n, key: "inherits", "inheritance cycle: \((seen + [key]).joined(separator: " → "))")
            }
            seen.append(key)
            let file = try source(name: n, searchPaths: skip == n ? [] : searchPaths, owner: owner, requestedBy: chain.last, skipped: skipped)
            chain.append(file)
            if let parent = file.inherits {
                // "inherits = own name" means the built-in of that name.
                next = (parent, parent == n ? parent : nil)
            } else {
                next = nil
            }
        }
        return try resolve(chain: chain)
    }

    static func exists(name: String, searchPaths: [String], owner: uid_t? = nil) -> Bool {
        BuiltinThemes.text(named: name) != nil || searchPaths.contains { SafeFile.entryProblem(path(in: $0, name: name), owner: owner) == nil }
    }

    static func path(in directory: String, name: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + name + ".toml"
    }

    private static func source(name: String, searchPaths: [String], owner: uid_t?, requestedBy: ThemeFile?,
                               skipped: (String) -> Void) throws -> ThemeFile {
        guard isValidName(name) else {
            throw ThemeError(file: requestedBy?.file ?? name, key: requestedBy == nil ? nil : "inherits", "\"\(name)\" is not a theme name (letters, digits, - and _)")
        }
        for dir in searchPaths {
            let p = path(in: dir, name: name)
            var st = stat()
            guard lstat(p, &st) == 0 else { continue }
            // Themes live in the data directory: opened the safe way (no
            // link followed, no FIFO waited on, a regular file of the
            // right owner and size), as the journal's files are.
            let data: [UInt8]
            do {
                data = try SafeFile.readWhole(p, maxBytes: SafeFile.themeBytes, owner: owner)
            } catch {
                skipped("theme \(p) not used: it \(error.reason)")
                continue
            }
            guard let text = String(data: Data(data), encoding: .utf8) else { throw ThemeError(file: p, "is not UTF-8 text") }
            return try ThemeFile.parse(text, name: name, file: p)
        }
        if let text = BuiltinThemes.text(named: name) {
            return try ThemeFile.parse(text, name: name, file: "\(name) (built-in)")
        }
        let available = Set(builtinNames + searchPaths.flatMap(userThemeNames)).sorted()
        throw ThemeError(
            file: requestedBy?.file ?? name, key: requestedBy == nil ? nil : "inherits",
            "no theme named \"\(name)\"; available: \(available.joined(separator: ", "))")
    }

    static func userThemeNames(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
    }

    /// Merges the chain (child first) and resolves palette names and role
    /// fallbacks field by field: a role without `bg` takes its parent's.
    static func resolve(chain: [ThemeFile]) throws -> Theme {
        var palette: [String: ThemeFile.ColorRef] = [:]
        var roles: [String: (ThemeFile.RoleSpec, String)] = [:]
        for file in chain.reversed() {
            palette.merge(file.palette) { _, new in new }
            for (k, v) in file.roles { roles[k] = (v, file.file) }
        }
        func colour(_ ref: ThemeFile.ColorRef, file: String, key: String) throws -> TerminalColor {
            switch ref {
            case .literal(let c): return c
            case .palette(let p):
                guard case .literal(let c)? = palette[p] else {
                    let names = palette.keys.sorted().joined(separator: ", ")
                    throw ThemeError(
                        file: file, key: key,
                        "unknown colour \"\(p)\"; expected \(ThemeFile.allowedColours)" + (names.isEmpty ? "" : " (palette: \(names))"))
                }
                return c
            }
        }
        // Validate every reference, even ones no role ends up using.
        var resolved: [String: (fg: TerminalColor?, bg: TerminalColor?, attrs: TextAttributes?)] = [:]
        for (k, (spec, file)) in roles {
            resolved[k] = (
                try spec.fg.map { try colour($0, file: file, key: "roles.\(k).fg") },
                try spec.bg.map { try colour($0, file: file, key: "roles.\(k).bg") },
                spec.attributes
            )
        }
        var styles: [Role: ThemeStyle] = [:]
        for role in Role.allCases {
            let chainKeys = role.fallbackKeys
            let fg = chainKeys.lazy.compactMap { resolved[$0]?.fg }.first ?? .default
            let bg = chainKeys.lazy.compactMap { resolved[$0]?.bg }.first ?? .default
            let attrs = chainKeys.lazy.compactMap { resolved[$0]?.attrs }.first ?? []
            styles[role] = ThemeStyle(fg: fg, bg: bg, attributes: attrs)
        }
        return Theme(name: chain.first?.name ?? "", styles: styles)
    }
}
