import BSCCore
#if canImport(Glibc)
import Glibc
#endif

/// Checks the hash chain of the whole journal. Each line's `h` is SHA-256
/// of the previous line's `h` and this line's bytes before `,"h":`, so an
/// edited, deleted, inserted or reordered line breaks the chain at (or just
/// after) the change. A chain alone cannot see its tail cut off or a chain
/// recomputed from scratch: for that, compare the head with one recorded
/// earlier (`against`).
public struct ChainVerifier {
    public struct Report: Sendable, Equatable {
        public var events: Int
        public var files: Int
        public var headHash: String
        public var headSeq: Int64
        /// The first problem, if any: file, line and what is wrong.
        public var firstBreak: String?
        /// Whether `against` was found in the chain (nil if not asked).
        public var foundEarlierHead: Bool?
        /// Bytes after the last newline (a torn or in-progress line).
        public var unterminatedBytes: Int64
        /// Whole events in `torn/` whose seq the journal gave to another
        /// line since: an event (perhaps acknowledged) cut out, its seq
        /// reused after the gap. One line each.
        public var reusedSeqs: [String] = []
        /// Files in `torn/` that were not read (a link, a FIFO, another
        /// user's file, one too large to be a line): one line each.
        public var skippedFragments: [String] = []
    }

    let journal: Journal

    public init(journal: Journal) { self.journal = journal }

    static let marker = Array(#","h":""#.utf8)

    public func verify(against earlierHead: String? = nil) throws -> Report {
        var prev = JournalTail.genesisHash
        var expectedSeq: Int64 = 1
        var tickets: Int64 = 0
        var events = 0
        var firstBreak: String? = nil
        var found: Bool? = earlierHead.map { $0 == JournalTail.genesisHash }
        var unterminated: Int64 = 0
        let segments = try journal.segments()
        for (si, segment) in segments.enumerated() {
            let bytes = try readAll(journal.directory + "/" + segment)
            var lineNo = 0
            var start = 0
            while start < bytes.count {
                guard let nl = bytes[start...].firstIndex(of: 10) else {
                    if si == segments.count - 1 { unterminated = Int64(bytes.count - start) }
                    else if firstBreak == nil { firstBreak = "\(segment):\(lineNo + 1): an unfinished line in the middle of the journal" }
                    break
                }
                lineNo += 1
                defer { start = nl + 1 }
                guard firstBreak == nil else { continue }
                let line = bytes[start..<nl]
                guard let cut = Self.lastMarker(in: line), line.last == 125,
                      nl - (cut + Self.marker.count) == 66 else {
                    firstBreak = "\(segment):\(lineNo): the line has no chain hash (edited or inserted)"
                    continue
                }
                let stored = String(decoding: bytes[(cut + Self.marker.count)..<(nl - 2)], as: UTF8.self)
                let h = Journal.chainHash(previous: prev, body: Array(bytes[start..<cut]))
                guard h == stored else {
                    firstBreak = "\(segment):\(lineNo): the chain breaks here: this line was edited, or a line before it was deleted, inserted or reordered"
                    continue
                }
                if let seq = Self.integer("seq", in: line), seq != expectedSeq {
                    firstBreak = "\(segment):\(lineNo): sequence \(seq) where \(expectedSeq) was expected: lines were deleted, inserted or reordered and the chain recomputed"
                    continue
                }
                // Tickets issued: the same as before, or one more on the
                // line that opens that ticket.
                let opens = Self.contains(line, Self.openedType)
                if let t = Self.integer("tickets", in: line), t != (opens ? tickets &+ 1 : tickets) {
                    firstBreak = "\(segment):\(lineNo): \"tickets\": \(t) where \(opens ? tickets &+ 1 : tickets) was expected: a forged line"
                    continue
                } else if opens {
                    tickets &+= 1
                }
                if let earlierHead, stored == earlierHead { found = true }
                prev = h
                expectedSeq &+= 1
                events += 1
            }
        }
        let torn = try tornFragments(upTo: expectedSeq - 1)
        return Report(events: events, files: segments.count, headHash: prev, headSeq: expectedSeq - 1,
                      firstBreak: firstBreak, foundEarlierHead: found, unterminatedBytes: unterminated,
                      reusedSeqs: torn.reused, skippedFragments: torn.skipped)
    }

    /// The most of a torn fragment read: a fragment is one cut line, and
    /// no event bscdesk writes comes near this.
    public static let fragmentLimit = 1 << 20

    /// Fragments in `torn/` that are whole events numbered within the
    /// chain: an older writer cut a line that lacked only its newline and
    /// gave its seq to the next event. The chain alone cannot see that.
    /// Fragments are opened like every journal file (no link followed, no
    /// FIFO waited on, a regular file of the right owner); one that is not
    /// is named in `skipped`, never read.
    func tornFragments(upTo head: Int64) throws -> (reused: [String], skipped: [String]) {
        let torn = journal.directory + "/torn"
        guard journal.fs.exists(torn) else { return ([], []) }
        let decoder = EventDecoder()
        var out: [String] = []
        var skipped: [String] = []
        for name in try journal.fs.list(torn) where name.hasSuffix(".fragment") {
            let bytes: [UInt8]
            do {
                bytes = try readAll(torn + "/" + name, limit: Int64(Self.fragmentLimit))
            } catch {
                skipped.append("torn/\(name): \((error as? FileError)?.reason ?? String(describing: error)); skipped")
                continue
            }
            guard let d = try? decoder.decode(bytes), d.hash != nil, d.event.seq <= head else { continue }
            out.append("torn/\(name) holds a whole event (seq \(d.event.seq), \(d.event.ref)) that was cut from the journal, and seq \(d.event.seq) was given to another event since")
        }
        return (out, skipped)
    }

    static func lastMarker(in line: ArraySlice<UInt8>) -> Int? {
        var i = line.endIndex - marker.count
        while i >= line.startIndex {
            if line[i] == marker[0] && Array(line[i..<(i + marker.count)]) == marker { return i }
            i -= 1
        }
        return nil
    }

    static let openedType = Array(#""type":"ticket.opened""#.utf8)

    static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        var i = line.startIndex
        while i + needle.count <= line.endIndex {
            if line[i] == needle[0] && line[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// The first `"key":<digits>` of the line; nil if absent or too large
    /// (no arithmetic on journal data may trap).
    static func integer(_ name: String, in line: ArraySlice<UInt8>) -> Int64? {
        let key = Array("\"\(name)\":".utf8)
        var i = line.startIndex
        while i + key.count < line.endIndex {
            if line[i] == key[0] && line[i..<(i + key.count)].elementsEqual(key) {
                var v: Int64 = 0
                var j = i + key.count
                while j < line.endIndex, line[j] >= 48, line[j] <= 57 {
                    let (m, o1) = v.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(line[j] - 48))
                    if o1 || o2 { return Int64.max }
                    v = a
                    j += 1
                }
                return v
            }
            i += 1
        }
        return nil
    }

    func readAll(_ path: String, limit: Int64 = .max) throws -> [UInt8] {
        let fd = try journal.fs.open(path, flags: O_RDONLY, mode: 0)
        defer { journal.fs.close(fd) }
        let size = try journal.fs.size(fd, path: path)
        if size > limit {
            throw FileError("read", path, EFBIG, detail: "is \(size) bytes, more than a torn line can be (at most \(limit))")
        }
        var out = [UInt8](repeating: 0, count: Int(size))
        var off = 0
        while off < out.count {
            let n = try out.withUnsafeMutableBytes { b throws(FileError) in
                try journal.fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[off...]), offset: Int64(off), path: path)
            }
            if n <= 0 { break }
            off += n
        }
        return Array(out[0..<off])
    }
}
