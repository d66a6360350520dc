import Foundation
import Testing

/// `export --out` never overwrites figures by accident and leaves nothing
/// behind when it fails (issue 15's smaller cases).
@Suite struct ExportSafetyTests {
    @Test func anExistingFileIsRefusedUnlessForced() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "one call")
        let dir = try TempDir.make()
        let out = dir + "/fcr.csv"
        let first = try desk.run(["export", "--period", "2026/27", "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        try Data("kept by the supervisor\n".utf8).write(to: URL(fileURLWithPath: out))

        let again = try desk.run(["export", "--period", "2026/27", "--out", out])
        #expect(again.status == 64)
        #expect(again.firstErrorLine.contains("already exists"), "\(again.stderr)")
        #expect(again.firstErrorLine.contains("--force"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "kept by the supervisor\n", "a refused export changed the file")

        let forced = try desk.run(["export", "--period", "2026/27", "--out", out, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        // Replaced by a fresh export (its as-at time differs, its header does not).
        let after = try String(contentsOfFile: out, encoding: .utf8)
        #expect(after != "kept by the supervisor\n")
        #expect(after.hasPrefix("section,dimension,group,period,"), "\(after.prefix(80))")
        #expect(!before.isEmpty)
    }

    @Test func aDirectoryAsTheTargetLeavesNothingBehind() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.log(summary: "one call")
        let dir = try TempDir.make()
        for target in [dir + "/", dir] {
            let r = try desk.run(["export", "--period", "2026/27", "--out", target])
            #expect(r.status == 64, "\(target): \(r.stderr)")
            #expect(r.firstErrorLine.contains("is a directory"), "\(r.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(left.isEmpty, "left behind: \(left)")
        }
    }
}
