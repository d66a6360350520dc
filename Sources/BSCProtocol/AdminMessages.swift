/// Version 4's checks and look-ups, which before ran only in-process:
/// `verify` (the hash chain), `doctor` (the journal's damage and
/// warnings) and `categories` (the queues and their categories).

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

extension Request {
    public init(id: Int, verify: VerifyArgs) { self.init(id, .verify, nil); self.verify = verify }
    public init(id: Int, doctor: DoctorArgs) { self.init(id, .doctor, nil); self.doctor = doctor }
    public init(id: Int, categories: CategoriesArgs) { self.init(id, .categories, nil); self.categories = categories }
}
