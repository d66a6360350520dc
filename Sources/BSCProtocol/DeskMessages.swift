/// Version 2's commands that stream files back or change the desk as a
/// whole: export, subject access, erasure, retention, configuration.

/// `export`: the figures for the client to write at `--out`. `outName` is
/// the file's name only (the CSV sidecar names it); the server never sees
/// or opens the path.
public struct ExportArgs: Codable, Sendable, Equatable {
    public var period: String?
    public var from: String?
    public var to: String?
    public var by: [String]
    public var series: String?
    public var format: String
    public var outName: String
    public var bom: Bool
    public init(period: String? = nil, from: String? = nil, to: String? = nil, by: [String] = [], series: String? = nil,
                format: String = "csv", outName: String, bom: Bool = false) {
        self.period = period
        self.from = from
        self.to = to
        self.by = by
        self.series = series
        self.format = format
        self.outName = outName
        self.bom = bom
    }
}

/// `sar`: one person's tickets by `caller`, or `tickets` by reference.
public struct SarArgs: Codable, Sendable, Equatable {
    public var caller: String?
    public var tickets: [String]
    public init(caller: String? = nil, tickets: [String] = []) {
        self.caller = caller
        self.tickets = tickets
    }
}

/// `erase`: with `preview`, lists what would go (and returns the tickets
/// in the response's `tickets`) and changes nothing; without, erases.
/// The client confirms between the two and erases exactly the tickets
/// the preview returned.
public struct EraseArgs: Codable, Sendable, Equatable {
    public var caller: String?
    public var tickets: [String]
    public var reason: String?
    public var preview: Bool
    public init(caller: String? = nil, tickets: [String] = [], reason: String? = nil, preview: Bool) {
        self.caller = caller
        self.tickets = tickets
        self.reason = reason
        self.preview = preview
    }
}

public struct RetentionArgs: Codable, Sendable, Equatable {
    public var apply: Bool
    public init(apply: Bool = false) { self.apply = apply }
}

/// `config show`, or `config set KEY VALUE`.
public struct ConfigArgs: Codable, Sendable, Equatable {
    /// "show", "set" or "replace" (`config edit`).
    public var action: String
    public var key: String?
    public var value: String?
    /// For "replace": the whole edited file, and the text it was edited
    /// from (refused if the file has changed since).
    public var text: String?
    public var base: String?
    public init(action: String, key: String? = nil, value: String? = nil, text: String? = nil, base: String? = nil) {
        self.action = action
        self.key = key
        self.value = value
        self.text = text
        self.base = base
    }
}

extension Request {
    public init(id: Int, export: ExportArgs) { self.init(id, .export, nil); self.export = export }
    public init(id: Int, eventId: String? = nil, sar: SarArgs) { self.init(id, .sar, eventId); self.sar = sar }
    public init(id: Int, eventId: String? = nil, erase: EraseArgs) { self.init(id, .erase, eventId); self.erase = erase }
    public init(id: Int, eventId: String? = nil, retention: RetentionArgs) { self.init(id, .retention, eventId); self.retention = retention }
    public init(id: Int, eventId: String? = nil, config: ConfigArgs) { self.init(id, .config, eventId); self.config = config }
}
