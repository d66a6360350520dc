import BSCApp
import BSCCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Draft files are hostile until checked (issue 15): what is planted under
/// the temp name is never written through or waited on, and a drafts
/// folder that is a link gets nothing.
@Suite("Draft files in a hostile folder")
struct DraftStoreTests {
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "drafts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return dir
    }

    func draft(_ summary: String) -> CallDraft {
        var d = CallDraft()
        d.summary = summary
        return d
    }

    @Test func aLinkOrAFIFOUnderTheTempNameIsReplacedNotFollowed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/victim.txt"
        try "the victim's own text\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let store = DraftStore(directory: dir + "/drafts", login: "amy", terminal: "t1", interval: 0)
        defer { store.close() }
        let temp = dir + "/drafts/.amy.t1.json.tmp"
        #expect(symlink(victim, temp) == 0)
        store.update(draft("first call"), now: Instant(millis: 1_000))
        #expect(store.lastError == nil, "\(store.lastError ?? "")")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the victim's own text\n", "the draft was written through a planted link")
        #expect(store.load()?.summary == "first call")

        // A FIFO: opening it for writing would wait for a reader forever.
        #expect(mkfifo(temp, 0o600) == 0)
        store.update(draft("second call"), now: Instant(millis: 2_000))
        #expect(store.lastError == nil, "\(store.lastError ?? "")")
        #expect(store.load()?.summary == "second call")
    }

    @Test func aDraftsFolderThatIsALinkGetsNothing() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let elsewhere = dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        #expect(symlink(elsewhere, dir + "/drafts") == 0)
        let store = DraftStore(directory: dir + "/drafts", login: "amy", terminal: "t1", interval: 0)
        defer { store.close() }
        store.update(draft("a call"), now: Instant(millis: 1_000))
        #expect(store.lastError?.contains("not a folder of this user's own") == true, "\(store.lastError ?? "no error")")
        let written = try FileManager.default.contentsOfDirectory(atPath: elsewhere).filter { $0.hasSuffix(".json") || $0.hasSuffix(".tmp") }
        #expect(written.isEmpty, "a draft went through the link: \(written)")
    }
}
