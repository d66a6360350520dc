/// What a piece of text *is*, never what colour it has: the theme maps
/// roles to colours and attributes, so screens stay theme-agnostic and the
/// monochrome theme can still tell a selection from a breach.
///
/// `themeKey` is the dotted name used in theme files; a dotted role falls
/// back to its parent (`sla.breached` → `sla` → `normal`).
public enum Role: String, CaseIterable, Sendable, Hashable {
    case normal, dim, title, header
    case selection, selectionInactive
    case statusBar
    case functionKeyLabel, functionKeyKey
    case input, inputFocused, placeholder
    case error, warning, success
    case ragRed, ragAmber, ragGreen
    case slaBreached, slaAtRisk, slaOnTrack
    case changedUp, changedDown
    case border, help, badge, restricted

    public var themeKey: String {
        switch self {
        case .normal: "normal"
        case .dim: "dim"
        case .title: "title"
        case .header: "header"
        case .selection: "selection"
        case .selectionInactive: "selection.inactive"
        case .statusBar: "status-bar"
        case .functionKeyLabel: "function-key.label"
        case .functionKeyKey: "function-key.key"
        case .input: "input"
        case .inputFocused: "input.focused"
        case .placeholder: "input.placeholder"
        case .error: "error"
        case .warning: "warning"
        case .success: "success"
        case .ragRed: "rag.red"
        case .ragAmber: "rag.amber"
        case .ragGreen: "rag.green"
        case .slaBreached: "sla.breached"
        case .slaAtRisk: "sla.at-risk"
        case .slaOnTrack: "sla.on-track"
        case .changedUp: "changed.up"
        case .changedDown: "changed.down"
        case .border: "border"
        case .help: "help"
        case .badge: "badge"
        case .restricted: "restricted"
        }
    }

    /// Theme keys tried in order: the role's own key, then each parent, then
    /// `normal`.
    public var fallbackKeys: [String] {
        var keys: [String] = []
        var key = themeKey
        while true {
            keys.append(key)
            guard let dot = key.lastIndex(of: ".") else { break }
            key = String(key[..<dot])
        }
        if keys.last != "normal" { keys.append("normal") }
        return keys
    }
}
