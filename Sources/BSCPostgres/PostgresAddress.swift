import BSCCore
import BSCJournal
import PostgresNIO

/// Where a PostgreSQL store lives: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
/// TLS is not used: the servers reach PostgreSQL over loopback or a private
/// link (see docs/postgresql.md). The password never appears in messages.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    public init(user: String, password: String? = nil, host: String, port: Int, database: String) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    static let usage = "give --store as postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"

    /// Parses a store URL; the error names what was wrong and what is allowed.
    public init(parsing text: String) throws(EventStoreError) {
        var rest = Substring(text)
        var matched = false
        for scheme in ["postgresql://", "postgres://"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            matched = true
            break
        }
        guard matched else { throw .rejected("bad --store: it must start with postgresql://; \(Self.usage)") }
        guard let at = rest.lastIndex(of: "@") else { throw .rejected("bad --store: no USER@ before the host; \(Self.usage)") }
        let credentials = rest[..<at]
        rest = rest[rest.index(after: at)...]
        if let colon = credentials.firstIndex(of: ":") {
            user = Self.unescape(credentials[..<colon])
            password = Self.unescape(credentials[credentials.index(after: colon)...])
        } else {
            user = Self.unescape(credentials)
            password = nil
        }
        guard let slash = rest.firstIndex(of: "/") else { throw .rejected("bad --store: no /DATABASE after the host; \(Self.usage)") }
        let hostPort = rest[..<slash]
        var db = rest[rest.index(after: slash)...]
        if let q = db.firstIndex(of: "?") { db = db[..<q] }
        database = Self.unescape(db)
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = String(hostPort[..<colon])
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), p > 0, p < 65536 else {
                throw .rejected("bad --store: the port must be a number from 1 to 65535; \(Self.usage)")
            }
            port = p
        } else {
            host = String(hostPort)
            port = 5432
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !user.isEmpty, !host.isEmpty, !database.isEmpty else {
            throw .rejected("bad --store: USER, HOST and DATABASE must not be empty; \(Self.usage)")
        }
        guard !(user + host + database).unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw .rejected("bad --store: control characters are not allowed; \(Self.usage)")
        }
    }

    /// %XX escapes, as in any URL.
    private static func unescape(_ s: Substring) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.first {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: "%"), bytes.count >= 2,
               let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Without the password.
    public var description: String { "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        var c = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        c.options.connectTimeout = .seconds(5)
        return c
    }
}
