import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk import` streams: it reads the export in chunks and appends in
/// bounded batches, so beyond the desk it loads (the projection any
/// command holds) its memory does not grow with the file. Measured as the
/// child's peak RSS (`ru_maxrss` from wait4, the kernel's VmHWM of that
/// process), never as a time.
final class ImportMemoryTests: XCTestCase {
    /// Runs `bscdesk` to its end; its exit status and peak RSS in MB.
    func peak(_ desk: Bscdesk, _ args: [String]) throws -> (status: Int32, mb: Double) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Bscdesk.binary] + args).map { strdup($0) } + [nil]
        let envp = desk.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Bscdesk.binary, &actions, nil, argv, envp)
        guard spawned == 0 else { throw NSError(domain: "spawn", code: Int(spawned)) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exit, Double(usage.ru_maxrss) / 1024)
    }

    func testImportMemoryDoesNotGrowWithTheFile() throws {
        // 10,000 incidents: about 59,000 rows, 18 MB. Holding the file and
        // its parsed rows (as import did before it streamed) costs more
        // than 30 MB on top of the desk at this size.
        let file = try TempDir.make() + "/incident_event_log.csv"
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: Bscdesk.bench)
        gen.arguments = ["gen-servicenow", "--tickets", "10000", "--out", file]
        gen.standardOutput = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        XCTAssertEqual(gen.terminationStatus, 0)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        XCTAssertGreaterThan(size, 15_000_000)

        let desk = try Bscdesk.fresh()
        let imported = try peak(desk, ["import", "servicenow", file, "--yes"])
        XCTAssertEqual(imported.status, 0)
        // The floor: the same desk loaded by a command that reads no file.
        let loaded = try peak(desk, ["show", "INC0000001"])
        XCTAssertEqual(loaded.status, 0)
        // Nothing to write: the one reading of --yes goes through the whole file.
        let again = try peak(desk, ["import", "servicenow", file, "--yes"])
        XCTAssertEqual(again.status, 0)
        let report = String(format: "import %.0f MB, re-import %.0f MB, the loaded desk %.0f MB (file %.0f MB)",
                            imported.mb, again.mb, loaded.mb, Double(size) / 1e6)
        print("ImportMemoryTests: " + report)
        // Chunks of 4 MB (bytes, text, fields) and the numbers seen: well under 16 MB.
        XCTAssertLessThan(again.mb - loaded.mb, 16, report)
        // Plus one append of 5,000 events and the projection growing as it is written.
        XCTAssertLessThan(imported.mb - loaded.mb, 48, report)
    }
}
