/// A theme that cannot be used, with the file, the key and what is allowed,
/// so a user can fix their theme without reading the source.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The theme file ("default (built-in)" for embedded themes).
    public var file: String
    /// Dotted path of the offending key, nil for whole-file problems.
    public var key: String?
    public var message: String

    public init(file: String, key: String? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        if let key { return "\(file): \(key): \(message)" }
        return "\(file): \(message)"
    }
}
