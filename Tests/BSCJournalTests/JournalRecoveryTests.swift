import BSCTestSupport
import BSCCore
import Foundation
import Testing
@testable import BSCJournal

@Suite("Journal recovery and faults")
struct JournalRecoveryTests {
    func journal(_ fs: FileLayer = PosixFileLayer()) -> Journal {
        Journal(directory: Fixture.tempDir() + "/journal", fs: fs, clock: ManualClock(Fixture.t0))
    }

    /// Truncating the journal at every byte offset of its last lines loads
    /// exactly the complete prefix, and the next append repairs the tail.
    @Test func truncationAtEveryOffsetLoadsTheCompletePrefix() throws {
        let j = journal()
        let written = try Fixture.appendTickets(j, 5, summary: "Zoë 山田 note")
        let path = try Fixture.segmentPath(j)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let lineEnds = full.enumerated().filter { $0.element == 10 }.map(\.offset)
        let firstOfLastThree = lineEnds[lineEnds.count - 4] + 1
        for cut in firstOfLastThree...full.count {
            try full.prefix(cut).write(to: URL(fileURLWithPath: path))
            let complete = lineEnds.filter { $0 < cut }.count
            let (events, issues) = try Fixture.loadAll(j)
            #expect(events.map(\.id) == written.prefix(complete).map(\.id), "cut at \(cut)")
            #expect(issues.isEmpty, "cut at \(cut): \(issues)")
        }
        // Cut mid-line, then append: the fragment goes aside, numbering resumes.
        try full.prefix(lineEnds[2] + 20).write(to: URL(fileURLWithPath: path))
        var c: JournalCursor? = nil
        let r = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(r.repairedFragment != nil)
        #expect(r.events[0].ref == TicketRef(4))
        #expect(r.events[0].seq == 4)
        let (events, issues) = try Fixture.loadAll(j)
        #expect(events.count == 4)
        #expect(issues.isEmpty)
        let fragment = try Data(contentsOf: URL(fileURLWithPath: j.directory + "/" + r.repairedFragment!))
        #expect(fragment.count == 19)
    }

    @Test func zeroFilledAndGarbageTailsAreReportedNotGlued() throws {
        let j = journal()
        try Fixture.appendTickets(j, 3)
        let path = try Fixture.segmentPath(j)
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(Data(repeating: 0, count: 4096))
        h.write(Data("\n".utf8))
        h.write(Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }.filter { $0 != 10 }))
        h.closeFile()
        let (events, issues) = try Fixture.loadAll(j)
        #expect(events.count == 3)
        #expect(issues.count == 1)  // the zero block ends with a newline; the garbage has none
        #expect(issues.first?.line == 4)
        var c: JournalCursor? = nil
        let r = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(r.repairedFragment != nil)
        #expect(r.events[0].ref == TicketRef(4))
        #expect(try Fixture.loadAll(j).events.count == 4)
    }

    /// A corrupt line in the middle is reported with file and line number and
    /// skipped; every other event still loads; the file is not rewritten.
    @Test func corruptLineInTheMiddleIsReportedAndSkipped() throws {
        let j = journal()
        try Fixture.appendTickets(j, 10)
        let path = try Fixture.segmentPath(j)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[4] = String(lines[4].prefix(30)) + "#garbage" + String(lines[4].dropFirst(38))
        text = lines.joined(separator: "\n")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let (events, issues) = try Fixture.loadAll(j)
        #expect(events.count == 9)
        #expect(issues.count == 1)
        #expect(issues[0].line == 5)
        #expect(issues[0].description.hasPrefix("2026-11.jsonl:5: "))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func randomByteFlipsLoseOnlyTheDamagedLines() throws {
        let j = journal()
        try Fixture.appendTickets(j, 200)
        let path = try Fixture.segmentPath(j)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SplitMix(seed: 42)
        var damagedLines = Set<Int>()
        let lineOf: (Int) -> Int = { off in bytes[0..<off].filter { $0 == 10 }.count + 1 }
        for _ in 0..<20 {
            let off = Int(rng.next() % UInt64(bytes.count - 1000)) + 500
            guard bytes[off] != 10 else { continue }
            damagedLines.insert(lineOf(off))
            bytes[off] = bytes[off] == UInt8(ascii: "{") ? UInt8(ascii: "[") : UInt8(ascii: "{")
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (events, issues) = try Fixture.loadAll(j)
        // A flip inside a string may still parse; a line never silently vanishes.
        #expect(events.count + issues.count == 200)
        #expect(Set(issues.map(\.line)).isSubset(of: damagedLines))
        #expect(events.count >= 200 - damagedLines.count)
    }

    @Test func failedWriteLeavesNoPartialLineAndSavesNothing() throws {
        for errno in [ENOSPC, EIO] {
            let fs = FaultyFileLayer()
            let j = journal(fs)
            try Fixture.appendTickets(j, 3)
            fs.failures[.write] = (nth: 4, errno: errno)
            var c: JournalCursor? = nil
            #expect(throws: JournalError.self) { try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] } }
            let (events, issues) = try Fixture.loadAll(j)
            #expect(events.count == 3)
            #expect(issues.isEmpty)
            #expect(try j.unterminatedTail() == nil)
            // A restart is clean: the next append takes the next number.
            let r = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
            #expect(r.events[0].ref == TicketRef(4))
        }
    }

    @Test func shortWriteIsRolledBackWithAClearMessage() throws {
        let fs = FaultyFileLayer()
        let j = journal(fs)
        try Fixture.appendTickets(j, 2)
        fs.shortWriteBytes = 17
        var c: JournalCursor? = nil
        do {
            _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
            Issue.record("short write was acknowledged")
        } catch let e as JournalError {
            #expect(e.description.contains("only 17 of"))
            #expect(e.description.contains("nothing was saved"))
        }
        #expect(try j.unterminatedTail() == nil)
        #expect(try Fixture.loadAll(j).events.count == 2)
        #expect(fs.calls.contains("ftruncate \(try FileManager.default.attributesOfItem(atPath: Fixture.segmentPath(j))[.size] as! Int)"))
    }

    /// No event is acknowledged before its fdatasync has returned, and a
    /// failed sync is reported as an unknown outcome, never retried into a
    /// false success.
    @Test func acknowledgementWaitsForDatasync() throws {
        let fs = FaultyFileLayer()
        let j = journal(fs)
        try Fixture.appendTickets(j, 1)
        let before = fs.calls.count
        var c: JournalCursor? = nil
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        let seq = Array(fs.calls[before...])
        let w = seq.lastIndex { $0.hasPrefix("write") }!
        let s = seq.lastIndex(of: "fdatasync")!
        let u = seq.lastIndex(of: "unlock")!
        // The line is written under the lock; the sync runs after the
        // unlock (concurrent writers' syncs overlap) and is the last call
        // before append returns, i.e. before anything is acknowledged.
        #expect(w < u && u < s)
        #expect(s == seq.count - 1)

        fs.failures[.fdatasync] = (nth: 3, errno: EIO)
        do {
            _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
            Issue.record("acknowledged despite a failed fdatasync")
        } catch let e as JournalError {
            guard case .outcomeUnknown = e else { Issue.record("wrong error \(e)"); return }
            #expect(e.description.contains("outcome is unknown"))
        }
        #expect(fs.calls.filter { $0 == "fdatasync" }.count == 3)  // not retried
    }

    @Test func failedTruncateDuringRollbackIsAnUnknownOutcome() throws {
        let fs = FaultyFileLayer()
        let j = journal(fs)
        try Fixture.appendTickets(j, 1)
        fs.shortWriteBytes = 10
        fs.failures[.ftruncate] = (nth: 1, errno: EIO)
        var c: JournalCursor? = nil
        do {
            _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
            Issue.record("acknowledged")
        } catch let e as JournalError {
            guard case .outcomeUnknown = e else { Issue.record("wrong error \(e)"); return }
        }
    }

    @Test func lockHeldByAStoppedProcessTimesOutClearly() throws {
        let j = journal()
        try Fixture.appendTickets(j, 1)
        let fd = open(j.directory + "/.lock", O_RDWR)
        #expect(flock(fd, LOCK_EX) == 0)
        defer { close(fd) }
        // flock is per open file description: a second description conflicts.
        j.lockTimeoutSeconds = 0.2
        var c: JournalCursor? = nil
        do {
            _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
            Issue.record("appended while locked")
        } catch let e as JournalError {
            #expect(e.description.contains("locked by another bscdesk process"))
            #expect(e.description.contains("nothing was saved"))
        }
    }

    @Test func writerThatNeverReadTakesNumbersFromTheTail() throws {
        let j = journal()
        try Fixture.appendTickets(j, 3)
        // Append some non-opening events after the last ticket.
        var c: JournalCursor? = nil
        _ = try j.append(cursor: &c) { _ in [Event(id: "n1", at: Fixture.t0, user: "u", ref: TicketRef(2), body: .noted(text: "x"))] }
        let fresh = Journal(directory: j.directory, clock: ManualClock(Fixture.t0))
        var none: JournalCursor? = nil
        let r = try fresh.append(cursor: &none) { tail in
            #expect(tail.seq == 4)
            #expect(tail.tickets == 3)
            return [Fixture.opened(tail.nextRef)]
        }
        #expect(r.events[0].ref == TicketRef(4))
        #expect(r.events[0].seq == 5)
    }

    @Test func followerCatchesUpUnderTheLock() throws {
        let j = journal()
        var mine: JournalCursor? = JournalCursor()
        _ = try j.append(cursor: &mine) { tail in [Fixture.opened(tail.nextRef)] }
        try Fixture.appendTickets(Journal(directory: j.directory, clock: ManualClock(Fixture.t0)), 2)
        var seen: [Int] = []
        let r = try j.append(cursor: &mine, follow: { seen.append($0.ref.number) }) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(seen == [2, 3])
        #expect(r.events[0].ref == TicketRef(4))
        // The cursor is past our own line: nothing more to read.
        var c = mine!
        var more = 0
        try j.read(from: &c) { _ in more += 1 } issue: { _ in }
        #expect(more == 0)
    }

    @Test func hashChainLinksEveryLine() throws {
        let j = journal()
        try Fixture.appendTickets(j, 4)
        var prev = JournalTail.genesisHash
        let text = try String(contentsOfFile: Fixture.segmentPath(j), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let body = Array(line.utf8.prefix(line.utf8.count - 72))  // ,"h":"<64>"}
            let h = Journal.chainHash(previous: prev, body: body)
            #expect(line.hasSuffix(#","h":""# + h + "\"}"))
            prev = h
        }
    }

    @Test func segmentsFollowTheMonthOfWriting() throws {
        let clock = ManualClock(Timestamp.parse("2026-10-31T23:59:59.000Z")!)
        let j = Journal(directory: Fixture.tempDir() + "/journal", clock: clock)
        var c: JournalCursor? = nil
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        clock.set(Timestamp.parse("2026-11-01T00:00:01.000Z")!)
        _ = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(try j.segments() == ["2026-10.jsonl", "2026-11.jsonl"])
        // A clock that goes back a month never writes behind the newest
        // segment, nor into it (a segment after the current month is never
        // written into): nothing is saved, and it says why.
        clock.set(Timestamp.parse("2026-10-15T00:00:00.000Z")!)
        #expect(throws: JournalError.self) { try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] } }
        #expect(try j.skippedEntries().map(\.description) == ["2026-11.jsonl: is named for a month after the current one (2026-10): read, but never written into"])
        let (events, _) = try Fixture.loadAll(j)
        #expect(events.map(\.seq) == [1, 2])
        clock.set(Timestamp.parse("2026-11-01T00:00:02.000Z")!)
        let r = try j.append(cursor: &c) { tail in [Fixture.opened(tail.nextRef)] }
        #expect(r.events[0].seq == 3)
    }

    @Test func filesAreCreatedOwnerOnly() throws {
        let j = journal()
        try Fixture.appendTickets(j, 1)
        let attrs = try FileManager.default.attributesOfItem(atPath: Fixture.segmentPath(j))
        #expect((attrs[.posixPermissions] as! Int) & 0o077 == 0)
    }
}
