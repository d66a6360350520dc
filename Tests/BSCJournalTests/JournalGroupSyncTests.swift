import BSCTestSupport
import BSCCore
import Foundation
import Testing
@testable import BSCJournal

/// The team server's append path: a writer chaining on its own last
/// append without reading it back, and files synced with each group.
@Suite("Journal group sync")
struct JournalGroupSyncTests {
    func journal(_ dir: String) -> Journal {
        Journal(directory: dir, clock: ManualClock(Fixture.t0))
    }

    /// A writer keeping its cursor chains on the tail it wrote; when another
    /// writer appended in between, on that writer's line instead. The
    /// chain verifies end to end.
    @Test func aWriterChainsOnItsOwnTailAndOnAnotherWritersLines() throws {
        let dir = Fixture.tempDir() + "/journal"
        let mine = journal(dir)
        let other = journal(dir)
        var c: JournalCursor? = JournalCursor()
        for round in 0..<4 {
            for _ in 0..<3 { _ = try mine.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] } }
            var fresh: JournalCursor? = nil
            let theirs = try other.append(cursor: &fresh) { tail in [Fixture.opened(tail.nextRef)] }
            #expect(theirs.events[0].seq == Int64(round * 4 + 4))
        }
        let last = try mine.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(last.events[0].seq == 17)
        #expect(last.events[0].ref == TicketRef(17))
        let report = try ChainVerifier(journal: mine).verify()
        #expect(report.events == 17)
        #expect(report.firstBreak == nil, "\(report.firstBreak ?? "")")
    }

    /// A companion's failed sync (the key store's) fails the group: the
    /// sync throws "outcome unknown", counts as a failed sync, and the
    /// segments it held are not reported synced later.
    @Test func aFailedCompanionSyncFailsTheGroup() throws {
        let j = journal(Fixture.tempDir() + "/journal")
        j.defersSync = true
        var calls = 0
        j.companionSync = { () throws(FileError) in
            calls += 1
            throw FileError("fsync", "keys/tickets/b-0000.keys", EIO)
        }
        var c: JournalCursor? = JournalCursor()
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(throws: JournalError.self) { try j.syncDeferred() }
        #expect(calls == 1)
        #expect(j.syncFailures == 1)
        j.companionSync = nil
        #expect(try j.syncDeferred() == 0)
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(try j.syncDeferred() == 1)
        #expect(j.syncFailures == 1)
    }

    /// The server's segment scan, kept while the folder is unchanged,
    /// still sees a link planted after it was kept: skipped, not read.
    @Test func aLinkPlantedAfterAKeptScanIsStillSkipped() throws {
        let j = journal(Fixture.tempDir() + "/journal")
        j.defersSync = true
        var c: JournalCursor? = JournalCursor()
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        // Wait until the folder's times are old enough for the scan to be kept.
        var waits = 0
        while DirectoryStamp(j.directory)?.settled != true && waits < 50 { usleep(200_000); waits += 1 }
        #expect(DirectoryStamp(j.directory)?.settled == true, "the journal folder's times never got two seconds old")
        let kept = try j.segments()
        #expect(kept.count == 1)
        #expect(try j.segments() == kept)
        let target = Fixture.tempDir() + "/elsewhere"
        #expect(FileManager.default.createFile(atPath: target, contents: Data()))
        #expect(symlink(target, j.directory + "/2026-02.jsonl") == 0)
        #expect(try j.segments() == kept)
        let skipped = try j.skippedEntries()
        #expect(skipped.contains { $0.file == "2026-02.jsonl" }, "\(skipped)")
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(try Fixture.loadAll(j).events.count == 2)
    }
}
