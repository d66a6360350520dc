import BSCJournal
import Foundation
import Testing

/// `SafeFile.readWhole`, the read of a data directory's small files
/// (knowledge articles, themes): the whole file or a refusal that names it.
@Suite("Safe file reads")
struct SafeFileTests {
    func file(_ bytes: Int) throws -> String {
        let path = Fixture.tempDir() + "/f"
        try Data(repeating: 0x61, count: bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aFileAtTheBoundIsReadWhole() throws {
        let path = try file(4096)
        #expect(try SafeFile.readWhole(path, maxBytes: 4096).count == 4096)
        #expect(try SafeFile.readWhole(path, maxBytes: 4096, owner: geteuid()).count == 4096)
    }

    @Test func aFileOneByteOverTheBoundIsRefusedNotCut() throws {
        let path = try file(4097)
        #expect(throws: FileError.self) { try SafeFile.readWhole(path, maxBytes: 4096) }
        do {
            _ = try SafeFile.readWhole(path, maxBytes: 4096)
        } catch {
            #expect(error.description == "\(path) is 4097 bytes; larger than 4 KiB, the most bscdesk reads for such a file")
        }
    }

    @Test func aLinkAFIFOAndAnotherOwnerAreRefused() throws {
        let dir = Fixture.tempDir()
        let target = try file(10)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: target)
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        func reason(_ p: String, owner: uid_t? = nil) -> String? {
            do {
                _ = try SafeFile.readWhole(p, maxBytes: 1 << 20, owner: owner)
                return nil
            } catch { return error.reason }
        }
        #expect(reason(dir + "/link")?.hasPrefix("is a symbolic link") == true)
        #expect(reason(dir + "/fifo") == "is a FIFO, not a regular file")
        #expect(reason(target, owner: geteuid() &+ 1)?.hasPrefix("is owned by user id \(geteuid())") == true)
    }
}
