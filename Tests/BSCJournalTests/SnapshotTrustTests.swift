import BSCTestSupport
import BSCCore
import BSCJournal
import Foundation
import Testing

/// The snapshot is only a cache, and is trusted only while the journal is
/// byte for byte what it covered (issue 15, item 7): the old fingerprints
/// hashed the first and last 4 KiB, so a same-length edit of a line in
/// between kept an old snapshot in use, and `list` showed the old name.
@Suite("Snapshot trust")
struct SnapshotTrustTests {
    func setUp() throws -> (Journal, String) {
        let clock = ManualClock(Timestamp.parse("2026-10-15T09:00:00.000Z")!)
        let dir = Fixture.tempDir()
        let j = Journal(directory: dir + "/journal", clock: clock)
        // Enough lines that the edited one is past the first 4 KiB and
        // before the last 4 KiB of its segment.
        try Fixture.appendTickets(j, 40)
        clock.set(Timestamp.parse("2026-11-24T09:00:00.000Z")!)
        try Fixture.appendTickets(j, 40)
        var store = TicketStore(customerServices: "customer-services", restrictedQueues: [])
        var c = JournalCursor()
        try j.read(from: &c) { store.apply($0.event) } issue: { _ in }
        let path = dir + "/cache/snapshot.bin"
        try Snapshot.write(ProjectionSnapshot(store: store, cursor: c, issues: []), journal: j, to: path)
        _ = try Snapshot.read(from: path, journal: j, customerServices: "customer-services", restrictedQueues: [])
        return (j, path)
    }

    /// Replaces "Caller" with "Callex" in line `line` of `segment`, keeping
    /// the length and putting the modification time back.
    func editInPlace(_ j: Journal, _ segment: String, line: Int) throws {
        let p = j.directory + "/" + segment
        let attrs = try FileManager.default.attributesOfItem(atPath: p)
        var lines = try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let before = lines[line - 1]
        lines[line - 1] = before.replacingOccurrences(of: "\"Caller\"", with: "\"Callex\"")
        #expect(lines[line - 1] != before && lines[line - 1].utf8.count == before.utf8.count)
        let fd = open(p, O_WRONLY)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        #expect(pwrite(fd, bytes, bytes.count, 0) == bytes.count)
        close(fd)
        try FileManager.default.setAttributes([.modificationDate: attrs[.modificationDate]!], ofItemAtPath: p)
    }

    func expectRejected(_ j: Journal, _ path: String) {
        #expect(throws: SnapshotError.self) {
            _ = try Snapshot.read(from: path, journal: j, customerServices: "customer-services", restrictedQueues: [])
        }
    }

    @Test func aSameLengthEditInTheGrowingSegmentRejectsTheSnapshot() throws {
        let (j, path) = try setUp()
        try editInPlace(j, "2026-11.jsonl", line: 20)
        expectRejected(j, path)
    }

    @Test func aSameLengthEditInAnOlderSegmentRejectsTheSnapshot() throws {
        let (j, path) = try setUp()
        try editInPlace(j, "2026-10.jsonl", line: 20)
        expectRejected(j, path)
    }

    @Test func appendsAfterTheSnapshotKeepItUsable() throws {
        let (j, path) = try setUp()
        try Fixture.appendTickets(j, 3)
        let snap = try Snapshot.read(from: path, journal: j, customerServices: "customer-services", restrictedQueues: [])
        #expect(snap.cursor.lastSeq == 80)
        #expect(snap.cursor.tickets == 80)
    }
}
