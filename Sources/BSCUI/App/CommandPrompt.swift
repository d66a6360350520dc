import BSCCore

/// One `:` command a screen understands, as the command line completes
/// and lists it.
public struct CommandHelp: Hashable, Sendable {
    /// The command word, e.g. "open".
    public var name: String
    /// What it takes, e.g. "REF" (empty for none).
    public var argument: String
    public var help: String
    public init(_ name: String, _ argument: String = "", help: String) {
        self.name = name
        self.argument = argument
        self.help = help
    }
    /// "open REF", as listed in help and in the unknown-command line.
    public var usage: String { argument.isEmpty ? name : name + " " + argument }
}

/// The `:` command line (vim, k9s, tig): a line of text at the bottom,
/// Tab completes the command word, Enter runs it, Esc closes it.
public struct CommandPrompt: Sendable {
    public var field = TextFieldState()
    public init() {}

    /// Splits "open  BSC-000123" into ("open", "BSC-000123").
    public static func parse(_ line: String) -> (name: String, argument: String) {
        var text = Substring(line.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix(":") { text = text.dropFirst() }
        let name = text.prefix { $0 != " " }
        let rest = text.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        return (name.lowercased(), rest)
    }

    /// Completes the command word from `commands`: the one match, or the
    /// longest prefix they share. Returns the names that still match.
    @discardableResult
    public mutating func complete(from commands: [CommandHelp]) -> [String] {
        let (name, argument) = Self.parse(field.text)
        guard argument.isEmpty else { return [] }
        let matches = Array(Set(commands.map(\.name).filter { $0.hasPrefix(name) })).sorted()
        guard let first = matches.first else { return [] }
        var common = first
        for m in matches.dropFirst() {
            while !m.hasPrefix(common) { common.removeLast() }
        }
        if matches.count == 1 { common += " " }
        if common.count > name.count || matches.count == 1 { field.text = common }
        return matches
    }
}
