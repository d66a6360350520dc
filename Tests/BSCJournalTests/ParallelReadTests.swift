import BSCTestSupport
import BSCCore
import Foundation
import Testing
@testable import BSCJournal

/// A parallel replay must be indistinguishable from a sequential one:
/// the same events in the same order, the same issues with the same file
/// and line, the same cursor and byte count. Tiny chunks make a small
/// journal cross many chunk and segment boundaries.
@Suite("Parallel replay")
struct ParallelReadTests {
    struct Outcome: Equatable {
        var seqs: [Int64]
        var ids: [String]
        var issues: [String]
        var cursor: JournalCursor
        var bytes: Int64
    }

    func read(_ j: Journal, from start: JournalCursor = JournalCursor(), threads: Int, chunk: Int = 300) throws -> Outcome {
        j.parallelRead.threads = threads
        j.parallelRead.minimumBytes = 0
        j.parallelRead.chunkBytes = chunk
        var c = start
        var seqs: [Int64] = []
        var ids: [String] = []
        var issues: [String] = []
        let bytes = try j.read(from: &c, parallel: true) { d in
            seqs.append(d.event.seq)
            ids.append(d.event.id)
        } issue: { issues.append("\($0.file):\($0.line): \($0.reason)") }
        return Outcome(seqs: seqs, ids: ids, issues: issues, cursor: c, bytes: bytes)
    }

    /// Three monthly segments of tickets with damage in each: a corrupt
    /// line, an empty line, a line longer than a chunk, a torn tail.
    func damagedJournal() throws -> Journal {
        let clock = ManualClock(Timestamp.parse("2026-09-10T09:00:00.000Z")!)
        let j = Journal(directory: Fixture.tempDir() + "/journal", clock: clock)
        var c: JournalCursor? = nil
        for month in ["2026-09", "2026-10", "2026-11"] {
            clock.set(Timestamp.parse("\(month)-10T09:00:00.000Z")!)
            for k in 0..<25 {
                let summary = k == 7 ? String(repeating: "long line ", count: 80) : "Summary \(k)"
                _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef, summary: summary)] }
            }
            let h = FileHandle(forWritingAtPath: j.directory + "/\(month).jsonl")!
            h.seekToEndOfFile()
            h.write(Data("{\"v\":1,\"seq\":\"broken\"}\n\n".utf8))
            h.closeFile()
            for _ in 0..<5 {
                _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
            }
        }
        let h = FileHandle(forWritingAtPath: j.directory + "/2026-11.jsonl")!
        h.seekToEndOfFile()
        h.write(Data("{\"v\":1,\"seq\":91,\"id\":\"torn".utf8))
        h.closeFile()
        return j
    }

    @Test func parallelReadMatchesSequentialReadExactly() throws {
        let j = try damagedJournal()
        let sequential = try read(j, threads: 0)
        #expect(sequential.seqs.count == 90)
        #expect(sequential.issues.count == 6)
        for threads in [1, 2, 3] {
            for chunk in [64, 300, 4096, 1 << 20] {
                let parallel = try read(j, threads: threads, chunk: chunk)
                #expect(parallel == sequential, "threads \(threads), chunk \(chunk)")
            }
        }
    }

    @Test func parallelReadContinuesFromAMidJournalCursor() throws {
        let j = try damagedJournal()
        // A cursor after line 10 of the first segment, as a reader that
        // stopped there would hold.
        let first = try Data(contentsOf: URL(fileURLWithPath: j.directory + "/2026-09.jsonl"))
        let tenth = first.enumerated().filter { $0.element == 10 }.map(\.offset)[9]
        let mid = JournalCursor(segment: "2026-09.jsonl", offset: Int64(tenth + 1), line: 10)
        let sequential = try read(j, from: mid, threads: 0)
        let parallel = try read(j, from: mid, threads: 2, chunk: 200)
        #expect(parallel == sequential)
        #expect(sequential.seqs.first == 11)
        #expect(sequential.issues.first == "2026-09.jsonl:26: \"seq\" must be an integer")
        #expect(sequential.cursor.segment == "2026-11.jsonl")
    }

    @Test func eventHandlerErrorStopsTheReadAndTheThreads() throws {
        let j = try damagedJournal()
        j.parallelRead = ParallelReadSettings()
        j.parallelRead.threads = 2
        j.parallelRead.minimumBytes = 0
        j.parallelRead.chunkBytes = 128
        struct Stop: Error {}
        var c = JournalCursor()
        var count = 0
        #expect(throws: Stop.self) {
            try j.read(from: &c, parallel: true) { _ in
                count += 1
                if count == 40 { throw Stop() }
            } issue: { _ in }
        }
        #expect(count == 40)
    }

    @Test func appendedLinesAfterAParallelReadAreReadNextTime() throws {
        let j = try damagedJournal()
        let first = try read(j, threads: 2, chunk: 256)
        // Finish the torn line (a writer in progress), then append more.
        let h = FileHandle(forWritingAtPath: j.directory + "/2026-11.jsonl")!
        h.seekToEndOfFile()
        h.write(Data("\"}\n".utf8))
        h.closeFile()
        var c: JournalCursor? = nil
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        let rest = try read(j, from: first.cursor, threads: 2, chunk: 256)
        let restSequential = try read(j, from: first.cursor, threads: 0)
        #expect(rest == restSequential)
        #expect(rest.seqs == [91])
        #expect(rest.issues.count == 1)  // the finished torn line is not a valid event
    }
}

/// A parallel replay with a prepare step leaves each `enc` blob in the
/// line for it (no string made) and gives the string back to events it
/// leaves unprepared; blobs that are escaped or not ASCII come as strings,
/// and a blob that is not UTF-8 is still a damaged line with its number.
@Suite("Parallel replay: blobs in place")
struct ParallelReadBlobTests {
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Int64: (bytes: String?, enc: String?)] = [:]
        func add(_ seq: Int64, _ bytes: String?, _ enc: String?) { lock.withLock { items[seq] = (bytes, enc) } }
        var all: [Int64: (bytes: String?, enc: String?)] { lock.withLock { items } }
    }

    /// Six openings, each given an `enc` field; line 3's is not UTF-8.
    func journalWithBlobs() throws -> Journal {
        let clock = ManualClock(Timestamp.parse("2026-09-10T09:00:00.000Z")!)
        let j = Journal(directory: Fixture.tempDir() + "/journal", clock: clock)
        var c: JournalCursor? = nil
        for _ in 0..<6 { _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] } }
        let path = j.directory + "/2026-09.jsonl"
        let lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 10)
        #expect(lines.count == 6)
        let blobs: [[UInt8]] = [Array("QUJDRA==".utf8), Array("RUZHSA==".utf8), [0x51, 0xFF, 0x4A, 0x44], Array(#"QUJD\/RA=="#.utf8),
                                Array("é5".utf8), Array("SUpLTA==".utf8)]
        var out = Data()
        for (line, blob) in zip(lines, blobs) {
            out.append(line.dropLast())  // the closing brace
            out.append(contentsOf: Array(#","enc":""#.utf8) + blob + Array(#""}"#.utf8) + [10])
        }
        try out.write(to: URL(fileURLWithPath: path))
        return j
    }

    @Test func blobsReachPrepareInPlaceAndComeBackAsStringsWhenUnprepared() throws {
        let j = try journalWithBlobs()
        j.parallelRead.threads = 0
        var c = JournalCursor()
        var sequentialIssues: [String] = []
        var sequentialEnc: [Int64: String] = [:]
        try j.read(from: &c, parallel: true) { d in sequentialEnc[d.event.seq] = d.event.enc } issue: {
            sequentialIssues.append("\($0.file):\($0.line): \($0.reason)")
        }
        #expect(sequentialIssues.count == 1)
        #expect(sequentialIssues.first?.hasPrefix("2026-09.jsonl:3: invalid UTF-8") == true)
        #expect(sequentialEnc == [1: "QUJDRA==", 2: "RUZHSA==", 4: "QUJD/RA==", 5: "é5", 6: "SUpLTA=="])

        for chunk in [64, 4096] {
            j.parallelRead.threads = 2
            j.parallelRead.minimumBytes = 0
            j.parallelRead.chunkBytes = chunk
            let seen = Seen()
            var p = JournalCursor()
            var issues: [String] = []
            var after: [Int64: (prepared: Bool, enc: String?, bytes: Bool)] = [:]
            try j.read(from: &p, parallel: true, prepare: { d in
                seen.add(d.event.seq, d.encBytes?.string, d.event.enc)
                // Even events are "decrypted" here; odd ones left for the fold.
                d.prepared = d.event.seq % 2 == 0
            }) { d in
                after[d.event.seq] = (d.prepared, d.event.enc, d.encBytes != nil)
            } issue: { issues.append("\($0.file):\($0.line): \($0.reason)") }
            #expect(issues == sequentialIssues, "chunk \(chunk)")
            let s = seen.all
            #expect(s.keys.sorted() == [1, 2, 4, 5, 6])
            for seq in [Int64(1), 2, 6] {
                #expect(s[seq]?.bytes == sequentialEnc[seq] && s[seq]?.enc == nil, "seq \(seq) in place")
            }
            for seq in [Int64(4), 5] {
                #expect(s[seq]?.bytes == nil && s[seq]?.enc == sequentialEnc[seq], "seq \(seq) as a string")
            }
            #expect(after.values.allSatisfy { !$0.bytes })
            // Unprepared events get their blob back; prepared ones in place keep none.
            #expect(after[1]?.enc == "QUJDRA==" && after[5]?.enc == "é5")
            #expect(after[2]?.enc == nil && after[6]?.enc == nil)
            #expect(after[4]?.enc == "QUJD/RA==")
        }
    }
}
