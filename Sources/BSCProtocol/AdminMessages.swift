/// Version 4's checks, look-ups and administration, which before ran only
/// in-process: `verify` (the hash chain), `doctor` (the journal's damage
/// and warnings), `categories` (the queues and their categories) and
/// `migrate` (a journal of before encryption brought under it).

/// `verify`: the server's journal chain; `against` is a head recorded
/// earlier that must still be in it.
public struct VerifyArgs: Codable, Sendable, Equatable {
    public var against: String?
    public init(against: String? = nil) { self.against = against }
}

/// `doctor`: `all` lists every damaged line and warning (else the first
/// 50 of each); `strict` makes warnings count as damage.
public struct DoctorArgs: Codable, Sendable, Equatable {
    public var all: Bool
    public var strict: Bool
    public init(all: Bool = false, strict: Bool = false) {
        self.all = all
        self.strict = strict
    }
}

/// `categories`: `format` is `table` or `json`.
public struct CategoriesArgs: Codable, Sendable, Equatable {
    public var format: String
    public init(format: String = "table") { self.format = format }
}

/// `migrate`: with `dryRun`, the plan only.
public struct MigrateArgs: Codable, Sendable, Equatable {
    public var dryRun: Bool
    public init(dryRun: Bool = false) { self.dryRun = dryRun }
}

extension Request {
    public init(id: Int, verify: VerifyArgs) { self.init(id, .verify, nil); self.verify = verify }
    public init(id: Int, doctor: DoctorArgs) { self.init(id, .doctor, nil); self.doctor = doctor }
    public init(id: Int, categories: CategoriesArgs) { self.init(id, .categories, nil); self.categories = categories }
    public init(id: Int, migrate: MigrateArgs) { self.init(id, .migrate, nil); self.migrate = migrate }
}
/// Version 4's `import`: the client reads another helpdesk's export and
/// its mapping as its own user and sends their content; the server never
/// opens a path a client names. One file per request.
public struct ImportArgs: Codable, Sendable, Equatable {
    public enum Step: String, Codable, Sendable {
        /// The summary, and the rejected rows as a file; writes nothing.
        case plan
        /// Plans again from the same bytes and writes.
        case write
        /// A mapping with the defaults for the file's values, as files.
        case writeMapping = "write-mapping"
        /// Takes batch `batch` out of every view and figure.
        case void
    }
    public var step: Step
    public var format: String?
    public var file: ImportFile?
    /// The mapping file's text, and its name for messages.
    public var mapping: String?
    public var mappingName: String?
    /// Time zone of dates without one (else the configuration's).
    public var zone: String?
    /// `write-mapping`: the mapping's file name, for its header.
    public var outName: String?
    public var batch: String?

    public init(step: Step, format: String? = nil, file: ImportFile? = nil, mapping: String? = nil, mappingName: String? = nil,
                zone: String? = nil, outName: String? = nil, batch: String? = nil) {
        self.step = step
        self.format = format
        self.file = file
        self.mapping = mapping
        self.mappingName = mappingName
        self.zone = zone
        self.outName = outName
        self.batch = batch
    }
}

/// An export's bytes: `name` (no folder) and `content` in base64, so a
/// file that is not UTF-8 arrives unchanged.
public struct ImportFile: Codable, Sendable, Equatable {
    public var name: String
    public var content: String
    public init(name: String, content: String) {
        self.name = name
        self.content = content
    }
}

extension Request {
    public init(id: Int, import args: ImportArgs) { self.init(id, .import, nil); self.import = args }
}
