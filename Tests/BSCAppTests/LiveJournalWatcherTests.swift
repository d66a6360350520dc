import BSCCore
import Foundation
import Testing
@testable import BSCApp

/// The watcher in both modes on a real directory. No timings are asserted:
/// each wait has a generous deadline and only asks "was it seen at all".
@Suite(.serialized) struct LiveJournalWatcherTests {
    static func scratch() throws -> String {
        let p = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-watch-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    /// Polls until the watcher reports a change or 5 s pass.
    static func seen(_ w: JournalWatcher) -> Bool {
        for _ in 0..<500 {
            if w.changed() { return true }
            usleep(10_000)
        }
        return false
    }

    static func append(_ path: String, _ text: String) throws {
        let h = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)!
        }()
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        try h.close()
    }

    @Test(arguments: [[:], ["BSCDESK_NO_INOTIFY": "1"]])
    func seesAppendsAndNewSegments(environment: [String: String]) throws {
        let dir = try Self.scratch()
        try Self.append(dir + "/2026-11.jsonl", "{}\n")
        let w = JournalWatcher(directory: dir, environment: environment, pollIntervalMillis: 20)
        #expect(w.mode == (environment.isEmpty ? .inotify : .polling))
        usleep(50_000)
        #expect(!w.changed())  // nothing happened since it started
        try Self.append(dir + "/2026-11.jsonl", "{\"a\":1}\n")
        #expect(Self.seen(w))
        usleep(50_000)
        #expect(!w.changed())  // each change is reported once
        // A new month's segment.
        try Self.append(dir + "/2026-12.jsonl", "{}\n")
        #expect(Self.seen(w))
        // And appends to it (polling must follow the newest segment).
        usleep(50_000)
        _ = w.changed()
        try Self.append(dir + "/2026-12.jsonl", "{\"b\":2}\n")
        #expect(Self.seen(w))
    }

    @Test(arguments: [[:], ["BSCDESK_NO_INOTIFY": "1"]])
    func aJournalDirectoryCreatedLaterIsPickedUp(environment: [String: String]) throws {
        let dir = try Self.scratch() + "/journal"
        let w = JournalWatcher(directory: dir, environment: environment, pollIntervalMillis: 20)
        #expect(!w.changed())
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.append(dir + "/2026-11.jsonl", "{}\n")
        #expect(Self.seen(w))
    }

    @Test func theFeedFoldsAnotherDesksWritesWhenTheWatcherFires() throws {
        let now = BoardFixture.london(2026, 11, 24, 11)
        let f = try BoardFixture(now: now)
        let amy = try f.other("amy")
        // The first write creates the journal directory.
        try amy.logFirstContact(.init(caller: Caller(name: "A", type: .employee), channel: .phone, category: "cs.general-enquiry", summary: "x"))
        let feed = BoardFeed(desk: f.desk, watcher: JournalWatcher(directory: f.desk.data.journalPath, environment: ["BSCDESK_NO_INOTIFY": "1"], pollIntervalMillis: 10), now: now)
        try f.desk.refresh()
        feed.recompute(now: now)
        #expect(feed.snapshot.queue(QueueID.customerServices)?.open == 1)
        try amy.logFirstContact(.init(caller: Caller(name: "B", type: .employee), channel: .phone, category: "cs.general-enquiry", summary: "y"))
        var updated = false
        for _ in 0..<500 where !updated {
            updated = feed.tick(now: now) && feed.snapshot.queue(QueueID.customerServices)?.open == 2
            usleep(10_000)
        }
        #expect(updated)
        #expect(feed.changes.change(.queue(QueueID.customerServices, .open), now: now) == .up)
    }
}
