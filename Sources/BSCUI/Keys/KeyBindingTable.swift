/// One entry of a screen's key table: the keys, what the function-key bar
/// shows (nil keeps it off the bar), the help text and the action.
public struct KeyBinding<Action>: CustomStringConvertible {
    public var keys: [Key]
    public var barLabel: String?
    public var help: String
    public var action: Action

    public init(_ keys: [Key], bar barLabel: String? = nil, help: String, action: Action) {
        precondition(!keys.isEmpty, "a key binding needs at least one key")
        self.keys = keys
        self.barLabel = barLabel
        self.help = help
        self.action = action
    }

    public init(_ key: Key, bar barLabel: String? = nil, help: String, action: Action) {
        self.init([key], bar: barLabel, help: help, action: action)
    }

    public var description: String { keys.map(\.label).joined(separator: ",") + " " + help }
}

extension KeyBinding: Sendable where Action: Sendable {}

/// One screen's keys (tig/htop style): the single source for dispatch, the
/// function-key bar and the help overlay, so they cannot disagree.
public struct KeyBindingTable<Action> {
    public var entries: [KeyBinding<Action>]

    public init(_ entries: [KeyBinding<Action>]) { self.entries = entries }

    /// The action bound to `key`, first entry wins.
    public func action(for key: Key) -> Action? {
        entries.first { $0.keys.contains(key) }?.action
    }

    /// The action-free description the bar and help overlay draw from.
    public var help: KeyHelp {
        KeyHelp(entries.map { KeyHelp.Entry(keys: $0.keys, barLabel: $0.barLabel, help: $0.help) })
    }

    /// Keys bound twice (a likely mistake); tests can assert this is empty.
    public var duplicateKeys: [Key] {
        var seen = Set<Key>()
        var dups: [Key] = []
        for e in entries {
            for k in e.keys {
                if !seen.insert(k).inserted { dups.append(k) }
            }
        }
        return dups
    }
}

extension KeyBindingTable: Sendable where Action: Sendable {}

/// What a key table looks like to the user, without its actions: what
/// `Screen.keyHelp` returns and what `FunctionKeyBar` and `HelpOverlay` draw.
public struct KeyHelp: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var keys: [Key]
        public var barLabel: String?
        public var help: String
        public init(keys: [Key], barLabel: String? = nil, help: String) {
            self.keys = keys
            self.barLabel = barLabel
            self.help = help
        }
        /// "F1, ?" — every key, in table order.
        public var keyList: String { keys.map(\.label).joined(separator: ", ") }
        /// The key shown on the bar: the function key if there is one.
        public var barKey: Key {
            keys.first { if case .function = $0 { return true } else { return false } } ?? keys[0]
        }
    }

    public var entries: [Entry]
    public init(_ entries: [Entry] = []) { self.entries = entries }

    /// Entries shown on the bar, function keys first in number order, then
    /// the others in table order (htop's F1…F10 layout).
    public var barEntries: [Entry] {
        let onBar = entries.filter { $0.barLabel != nil }
        func fn(_ e: Entry) -> Int? { if case .function(let n) = e.barKey { return n } else { return nil } }
        let fns = onBar.filter { fn($0) != nil }.sorted { fn($0)! < fn($1)! }
        return fns + onBar.filter { fn($0) == nil }
    }

    /// This table followed by `other`'s entries whose keys are all still free.
    public func merged(with other: KeyHelp) -> KeyHelp {
        let taken = Set(entries.flatMap(\.keys))
        let extra = other.entries.compactMap { e -> Entry? in
            let free = e.keys.filter { !taken.contains($0) }
            if free.isEmpty { return nil }
            var copy = e
            copy.keys = free
            return copy
        }
        return KeyHelp(entries + extra)
    }
}
