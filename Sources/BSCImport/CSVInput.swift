import BSCCore
import BSCJournal
import CSV
#if canImport(Glibc)
import Glibc
#endif

/// An import file, read whole and checked: a regular file, not a link;
/// UTF-8 (a byte order mark is dropped); its delimiter found from the
/// header line. Rows are parsed by CSV.swift.
public struct CSVInput: Sendable {
    public let fileName: String
    public let text: String
    public let delimiter: Unicode.Scalar
    public let hadBOM: Bool
    /// SHA-256 of the file's bytes (hex): part of the batch id, so the same
    /// file imports as the same batch.
    public let digest: String

    /// Files larger than this are refused (a 600,000-row event log is
    /// about 150 MB).
    public static let maximumBytes = 2 << 30

    public init(path: String) throws(ImportError) {
        let fd: Int32
        do {
            fd = try SafeFile.open(path, flags: O_RDONLY)
        } catch {
            throw ImportError("cannot read \(terminalSafe(path)): \(terminalSafe(error.description))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ImportError("cannot read \(terminalSafe(path)): \(String(cString: strerror(errno)))") }
        guard st.st_size <= Self.maximumBytes else { throw ImportError("\(terminalSafe(path)) is larger than 2 GiB; split it and import the parts") }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ImportError("cannot read \(terminalSafe(path)): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            got += n
        }
        bytes.removeSubrange(got...)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        try self.init(bytes: bytes, fileName: name)
    }

    public init(bytes: [UInt8], fileName: String) throws(ImportError) {
        self.fileName = fileName
        self.digest = ImportIds.sha256Hex(bytes)
        var body = bytes[...]
        hadBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hadBOM { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            var bad = 0
            var it = body.makeIterator()
            var parser = Unicode.UTF8.ForwardParser()
            scan: while true {
                switch parser.parseScalar(from: &it) {
                case .valid(let e): bad += e.count
                case .emptyInput, .error: break scan
                }
            }
            throw ImportError("\(terminalSafe(fileName)) is not UTF-8 (near byte \(bad + 1)); export it as UTF-8 and try again")
        }
        guard !text.isEmpty else { throw ImportError("\(terminalSafe(fileName)) is empty") }
        self.text = text
        self.delimiter = Self.detectDelimiter(body)
    }

    /// The delimiter of the header line: whichever of `,` `;` and tab
    /// appears most often outside quotes (`;` in decimal-comma locales).
    static func detectDelimiter(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var quoted = false
        for b in bytes {
            if b == 0x22 { quoted.toggle(); continue }
            if !quoted && (b == 0x0A || b == 0x0D) { break }
            if !quoted, counts[b] != nil { counts[b]! += 1 }
        }
        let best = counts.max { ($0.value, $0.key) < ($1.value, $1.key) }!
        return best.value == 0 ? "," : Unicode.Scalar(best.key)
    }

    public var delimiterName: String {
        switch delimiter {
        case ";": return "semicolon"
        case "\t": return "tab"
        default: return "comma"
        }
    }

    /// Calls `row` with each record's first line number (the header is line
    /// 1) and its fields. A row whose field count differs from the header's
    /// is passed to `bad` instead.
    public func forEachRow(_ row: (_ line: Int, _ fields: [String]) throws -> Void,
                           bad: (_ line: Int, _ fields: [String], _ reason: String) throws -> Void,
                           header check: ([String]) throws -> Void = { _ in }) throws -> [String] {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, delimiter: delimiter)
        } catch {
            throw ImportError("\(terminalSafe(fileName)): cannot read its header row: \(error)")
        }
        guard let header = reader.headerRow, !header.isEmpty else { throw ImportError("\(terminalSafe(fileName)) has no header row") }
        try check(header)
        var line = 2 + Self.newlines(in: header)
        while let fields = reader.next() {
            let here = line
            line += 1 + Self.newlines(in: fields)
            if fields.count == 1 && fields[0].isEmpty { continue }  // a blank line
            if fields.count != header.count {
                try bad(here, fields, "has \(fields.count) fields; the header has \(header.count)")
                continue
            }
            try row(here, fields)
        }
        if let e = reader.error { throw ImportError("\(terminalSafe(fileName)): stopped reading at line \(line): \(e)") }
        return header
    }

    static func newlines(in fields: [String]) -> Int {
        var n = 0
        for f in fields where f.utf8.contains(0x0A) { n += f.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        return n
    }
}

/// One line naming what was wrong and what is allowed.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
