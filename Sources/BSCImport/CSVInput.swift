import BSCCore
import BSCJournal
import CSV
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An import file, checked once and then read in chunks as often as the
/// import needs (plan, write): a regular file, not a link; UTF-8 (a byte
/// order mark is dropped); its delimiter found from the header line. Rows
/// are parsed by CSV.swift, one chunk of whole records at a time, so no
/// pass holds more of the file than a chunk.
public final class CSVInput: @unchecked Sendable {
    public let fileName: String
    public let delimiter: Unicode.Scalar
    public let hadBOM: Bool
    /// SHA-256 of the file's bytes (hex): part of the batch id, so the same
    /// file imports as the same batch.
    public let digest: String
    /// The file's size in bytes.
    public let size: Int
    /// Whether every row naming one ticket in `ticketColumn` (given at
    /// init) comes in one run of rows, as exports write them: then a
    /// single pass can hand each ticket on when the next begins, and write
    /// as it reads. False when they are apart, or when the check cannot be
    /// sure (a quote or line break it does not read as CSV.swift would);
    /// nil without a ticket column.
    public let ticketRowsTogether: Bool?
    /// How far the pass now running has got: the bytes of the file whose
    /// rows it has handed on (for progress). Set by `forEachRow`.
    public private(set) var passPosition = 0

    /// Where the bytes come from. Immutable after init; `pread` needs no
    /// shared offset, so the input can be read from any thread.
    private enum Source {
        case file(Int32)
        case memory([UInt8])
    }
    private let source: Source

    /// A run of whole records, and a hash of its bytes as first read: a
    /// later pass that finds other bytes stops (the file changed).
    struct Chunk {
        var offset: Int
        var count: Int
        var hash: UInt64
    }
    private let chunks: [Chunk]

    /// Files larger than this are refused (a 600,000-row event log is
    /// about 180 MB).
    public static let maximumBytes = 2 << 30
    /// About this many bytes per chunk (a chunk ends at a record's end):
    /// parsed, one holds about twice that in fields.
    public static let chunkBytes = 1 << 20

    /// `ticketColumn`: the column naming each row's ticket, for formats
    /// with several rows per ticket (see `ticketRowsTogether`).
    public convenience init(path: String, ticketColumn: String? = nil) throws(ImportError) {
        let fd: Int32
        do {
            fd = try SafeFile.open(path, flags: O_RDONLY)
        } catch {
            throw ImportError("cannot read \(terminalSafe(path)): \(terminalSafe(error.description))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw ImportError("cannot read \(terminalSafe(path)): \(String(cString: strerror(e)))")
        }
        guard st.st_size <= Self.maximumBytes else {
            close(fd)
            throw ImportError("\(terminalSafe(path)) is larger than 2 GiB; split it and import the parts")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        try self.init(source: .file(fd), size: Int(st.st_size), fileName: name, ticketColumn: ticketColumn)
    }

    /// `chunkBytes`: about how much of the file one chunk holds.
    public convenience init(bytes: [UInt8], fileName: String, ticketColumn: String? = nil, chunkBytes: Int = CSVInput.chunkBytes) throws(ImportError) {
        try self.init(source: .memory(bytes), size: bytes.count, fileName: fileName, ticketColumn: ticketColumn, chunkBytes: chunkBytes)
    }

    /// Reads the whole file once: its digest, whether it is UTF-8, where
    /// its chunks of whole records begin and end, and whether each
    /// ticket's rows are together.
    private init(source: Source, size: Int, fileName: String, ticketColumn: String?, chunkBytes: Int = CSVInput.chunkBytes) throws(ImportError) {
        self.source = source
        self.fileName = fileName
        // On a throw below, deinit does not run: close the file here.
        var ok = false
        defer { if !ok, case .file(let fd) = source { close(fd) } }
        var sha = SHA256()
        let head = try Self.read(source, fileName: fileName, at: 0, count: min(size, 1 << 20))
        hadBOM = head.starts(with: [0xEF, 0xBB, 0xBF])
        let bodyStart = hadBOM ? 3 : 0
        guard size > bodyStart else { throw ImportError("\(terminalSafe(fileName)) is empty") }
        delimiter = Self.detectDelimiter(head[bodyStart...])
        let delimiterByte = UInt8(truncatingIfNeeded: delimiter.value)
        var scanner = RecordScanner(delimiter: delimiterByte)
        var runs = ticketColumn.map { TicketRunCheck(column: $0, delimiter: delimiterByte) }
        var chunks: [Chunk] = []
        var pending: [UInt8] = []  // bytes not yet in a chunk
        var pendingOffset = bodyStart  // the file offset of pending[0]
        func chunk(_ range: Range<Int>) throws(ImportError) {
            let bytes = pending[range]
            try Self.checkUTF8(bytes, bodyOffset: pendingOffset + range.lowerBound - bodyStart, fileName: fileName)
            chunks.append(Chunk(offset: pendingOffset + range.lowerBound, count: range.count,
                                hash: bytes.withUnsafeBytes { SnapshotHash.bytes($0) }))
        }
        let least = max(1, chunkBytes)
        var at = 0
        while at < size {
            let block = at == 0 ? head : try Self.read(source, fileName: fileName, at: at, count: min(1 << 20, size - at))
            sha.update(data: block)
            let skip = at == 0 ? bodyStart : 0
            let base = pending.count - skip
            pending.append(contentsOf: block[skip...])
            // Chunks end at the first record end at least `least` bytes on.
            var cuts: [Int] = []
            var start = 0
            block.withUnsafeBufferPointer { b in
                for i in skip..<b.count where scanner.feed(b[i]) && base + i + 1 - start >= least {
                    start = base + i + 1
                    cuts.append(start)
                }
                if runs?.together == true { runs!.feed(b[skip...]) }
            }
            var from = 0
            for c in cuts {
                try chunk(from..<c)
                from = c
            }
            if from > 0 {
                pending.removeFirst(from)
                pendingOffset += from
            }
            at += block.count
        }
        if !pending.isEmpty { try chunk(0..<pending.count) }
        runs?.finish()
        self.ticketRowsTogether = runs?.together
        self.chunks = chunks
        self.size = size
        self.digest = ImportIds.hex(sha.finalize())
        ok = true
    }

    deinit {
        if case .file(let fd) = source { close(fd) }
    }

    /// A small text file (a mapping), checked like an export: a regular
    /// file, not a link, UTF-8 (a byte order mark is dropped), at most `limit` bytes.
    public static func smallText(path: String, limit: Int, what: String) throws(ImportError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: limit + 1)
        } catch {
            throw ImportError("cannot read \(terminalSafe(path)): \(terminalSafe(error.description))")
        }
        guard bytes.count <= limit else { throw ImportError("\(terminalSafe(path)) is too large for \(what)") }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        try checkUTF8(body, bodyOffset: 0, fileName: path)
        return String(decoding: body, as: UTF8.self)
    }

    private static func read(_ source: Source, fileName: String, at offset: Int, count: Int) throws(ImportError) -> [UInt8] {
        switch source {
        case .memory(let bytes):
            guard offset + count <= bytes.count else { throw ImportError("\(terminalSafe(fileName)) changed while it was being read; run the import again") }
            return Array(bytes[offset..<(offset + count)])
        case .file(let fd):
            var out = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset + got)) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw ImportError("cannot read \(terminalSafe(fileName)): \(String(cString: strerror(errno)))") }
                guard n > 0 else { throw ImportError("\(terminalSafe(fileName)) changed while it was being read (it is shorter); run the import again") }
                got += n
            }
            return out
        }
    }

    private static func checkUTF8(_ bytes: ArraySlice<UInt8>, bodyOffset: Int, fileName: String) throws(ImportError) {
        if String(validating: bytes, as: UTF8.self) != nil { return }
        var it = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var good = 0
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let e): good += e.count
            case .emptyInput: return
            case .error:
                throw ImportError("\(terminalSafe(fileName)) is not UTF-8 (near byte \(bodyOffset + good + 1)); export it as UTF-8 and try again")
            }
        }
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
    /// is passed to `bad` instead. Reads the file again, chunk by chunk; a
    /// chunk that is not what it was when the file was opened stops it.
    /// CSV.swift parses the next chunks on a thread of their own while the
    /// caller works on this one (at most two chunks wait, parsed).
    public func forEachRow(_ row: (_ line: Int, _ fields: [String]) throws -> Void,
                           bad: (_ line: Int, _ fields: [String], _ reason: String) throws -> Void,
                           header check: ([String]) throws -> Void = { _ in }) throws -> [String] {
        let parser = ChunkParser(input: self)
        parser.start()
        defer { parser.stop() }
        var header: [String]? = nil
        passPosition = 0
        var k = 0
        while let rows = try parser.next() {
            defer {
                passPosition = chunks[k].offset + chunks[k].count
                k += 1
            }
            for (here, fields) in rows {
                guard let h = header else {
                    guard !(fields.count == 1 && fields[0].isEmpty) else { throw ImportError("\(terminalSafe(fileName)) has no header row") }
                    header = fields
                    try check(fields)
                    continue
                }
                if fields.count == 1 && fields[0].isEmpty { continue }  // a blank line
                if fields.count != h.count {
                    try bad(here, fields, "has \(fields.count) fields; the header has \(h.count)")
                    continue
                }
                try row(here, fields)
            }
        }
        guard let header else { throw ImportError("\(terminalSafe(fileName)) has no header row") }
        return header
    }

    /// One chunk's records, each with its first line number.
    fileprivate func parse(_ k: Int, firstLine: Int) throws(ImportError) -> (rows: [(Int, [String])], nextLine: Int) {
        let chunk = chunks[k]
        let bytes = try Self.read(source, fileName: fileName, at: chunk.offset, count: chunk.count)
        guard bytes.withUnsafeBytes({ SnapshotHash.bytes($0) }) == chunk.hash else {
            throw ImportError("\(terminalSafe(fileName)) changed while it was being imported (near byte \(chunk.offset + 1)); run the import again")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: String(decoding: bytes, as: UTF8.self), hasHeaderRow: false, delimiter: delimiter)
        } catch {
            throw ImportError("\(terminalSafe(fileName)): cannot read line \(firstLine): \(error)")
        }
        var line = firstLine
        var rows: [(Int, [String])] = []
        while let fields = reader.next() {
            rows.append((line, fields))
            line += 1 + Self.newlines(in: fields)
        }
        if let e = reader.error { throw ImportError("\(terminalSafe(fileName)): stopped reading at line \(line): \(e)") }
        return (rows, line)
    }

    fileprivate var chunkCount: Int { chunks.count }

    /// The header row's fields, read from the first chunk (as `forEachRow`
    /// reads them); [] for an empty file.
    public func header() throws(ImportError) -> [String] {
        guard !chunks.isEmpty else { return [] }
        return try parse(0, firstLine: 1).rows.first?.1 ?? []
    }

    static func newlines(in fields: [String]) -> Int {
        var n = 0
        for f in fields where f.utf8.contains(0x0A) { n += f.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        return n
    }
}

/// Parses an input's chunks in order on a thread of its own, keeping at
/// most two parsed chunks waiting for the reader.
private final class ChunkParser: @unchecked Sendable {
    let input: CSVInput
    private let condition = NSCondition()
    private var ready: [Result<[(Int, [String])], ImportError>] = []
    private var finished = false
    private var stopping = false
    private var running = false

    init(input: CSVInput) { self.input = input }

    func start() {
        running = true
        let thread = Thread { [self] in work() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func work() {
        var line = 1
        for k in 0..<input.chunkCount {
            let result: Result<[(Int, [String])], ImportError>
            do {
                let parsed = try input.parse(k, firstLine: line)
                line = parsed.nextLine
                result = .success(parsed.rows)
            } catch {
                result = .failure(error)
            }
            condition.lock()
            while ready.count >= 2 && !stopping { condition.wait() }
            let stop = stopping
            if !stop {
                ready.append(result)
                condition.broadcast()
            }
            condition.unlock()
            if stop { break }
            if case .failure = result { break }
        }
        condition.lock()
        finished = true
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk's rows; nil after the last.
    func next() throws(ImportError) -> [(Int, [String])]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let r = ready.removeFirst()
        condition.broadcast()
        return try r.get()
    }

    /// Stops the thread and waits for it to end (it reads the input).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }
}

/// Finds where records end, byte by byte, by the rules CSV.swift parses
/// with: a quote opens a quoted field only at a field's start; in a quoted
/// field a quote followed by the delimiter or a line break ends it, two
/// quotes are one; a line feed outside quotes ends a record. Chunks are
/// cut just after such a line feed, so each holds whole records (and, as
/// a line feed is never part of a longer UTF-8 sequence, whole characters).
struct RecordScanner {
    enum State { case fieldStart, unquoted, quoted, afterQuote }
    let delimiter: UInt8
    var state = State.fieldStart

    init(delimiter: UInt8) { self.delimiter = delimiter }

    /// Takes the next byte; true when it ends a record with a line feed.
    @inline(__always)
    mutating func feed(_ b: UInt8) -> Bool {
        switch state {
        case .quoted:
            if b == 0x22 { state = .afterQuote }
            return false
        case .fieldStart:
            if b == 0x22 { state = .quoted; return false }
        case .afterQuote:
            // `""` is a quote in the field; a delimiter or line break ends
            // the field; anything else keeps it open (CSV.swift's reading).
            if b != delimiter && b != 0x0A && b != 0x0D { state = .quoted; return false }
        case .unquoted:
            break
        }
        if b == delimiter { state = .fieldStart; return false }
        if b == 0x0A || b == 0x0D {
            state = .fieldStart
            return b == 0x0A
        }
        state = .unquoted
        return false
    }
}

/// Checks, byte by byte as the file is opened, that the rows of each
/// ticket (the value of one column, trimmed, `?` and empty left out, as
/// the format readers read it) come in one run. Records end where
/// `RecordScanner` ends them; a quote it would not read as CSV.swift does
/// in that column, a line break in its value, or a carriage return that
/// ends a record on its own, make it unsure: `together` is then false
/// and the import reads the file first to learn each ticket's last row.
/// Rows the import rejects count here too, so it is never less strict.
struct TicketRunCheck {
    let name: String
    let delimiter: UInt8
    private(set) var together = true
    private var column: Int? = nil
    private var inHeader = true
    private var field = 0
    private var state = RecordScanner.State.fieldStart
    private var value: [UInt8] = []
    private var key: String? = nil
    private var afterCR = false
    private var current: String? = nil
    private var seen: Set<String> = []

    init(column name: String, delimiter: UInt8) {
        self.name = name
        self.delimiter = delimiter
    }

    private var capturing: Bool { inHeader || field == column }

    mutating func feed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        for b in bytes {
            feed(b)
            if !together { return }
        }
    }

    @inline(__always)
    private mutating func feed(_ b: UInt8) {
        if afterCR {
            afterCR = false
            guard b == 0x0A else { together = false; return }
            endRecord()
            return
        }
        switch state {
        case .quoted:
            if b == 0x22 {
                state = .afterQuote
            } else if capturing {
                if b == 0x0A || b == 0x0D { together = false; return }
                value.append(b)
            }
            return
        case .fieldStart:
            if b == 0x22 { state = .quoted; return }
        case .afterQuote:
            if b == 0x22 {
                if capturing { value.append(b) }
                state = .quoted
                return
            }
            if b != delimiter && b != 0x0A && b != 0x0D {
                if capturing { together = false }
                state = .quoted
                return
            }
        case .unquoted:
            if b == 0x22 && capturing { together = false; return }
        }
        if b == delimiter {
            endField()
            state = .fieldStart
            return
        }
        if b == 0x0A || b == 0x0D {
            endField()
            state = .fieldStart
            if b == 0x0A { endRecord() } else { afterCR = true }
            return
        }
        if capturing { value.append(b) }
        state = .unquoted
    }

    private var headerFields: [String] = []

    private mutating func endField() {
        if inHeader {
            headerFields.append(String(decoding: value, as: UTF8.self))
        } else if field == column {
            key = String(decoding: value, as: UTF8.self)
        }
        value.removeAll(keepingCapacity: true)
        field += 1
    }

    private mutating func endRecord() {
        defer {
            field = 0
            key = nil
        }
        if inHeader {
            inHeader = false
            column = headerFields.firstIndex { trimmed($0) == name }
            headerFields = []
            if column == nil { together = false }
            return
        }
        guard let k = key.flatMap(present) else { return }
        guard k != current else { return }
        if seen.contains(k) { together = false; return }
        seen.insert(k)
        current = k
    }

    /// The end of the file: its last record may have no line break.
    mutating func finish() {
        guard together else { return }
        if afterCR {
            afterCR = false
            endRecord()
        } else if field > 0 || !value.isEmpty || state != .fieldStart {
            if state == .quoted { together = false; return }  // an unclosed quote
            endField()
            endRecord()
        }
        if inHeader { together = false }
    }
}

/// One line naming what was wrong and what is allowed.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
