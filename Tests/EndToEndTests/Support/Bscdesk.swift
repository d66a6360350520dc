import Foundation

/// Runs the real `bscdesk` binary that `swift build` put beside the test
/// bundle, in a data directory of the test's own.
struct Bscdesk {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var firstErrorLine: String { stderr.split(separator: "\n").first.map(String.init) ?? "" }
    }

    static var binary: String { builtBinary("bscdesk") }

    /// The benchmark binary: its `stress-append` is the load generator of
    /// the fault and concurrency campaigns.
    static var bench: String { builtBinary("bscdesk-bench") }

    private static func builtBinary(_ name: String) -> String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        // The test bundle may be a directory (macOS) or a file (Linux).
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent(name).path
    }

    let data: String
    var user = "tester"
    var extraEnvironment: [String: String] = [:]

    /// A fresh data directory in a new temporary folder; `tester` becomes its
    /// first supervisor.
    static func fresh(user: String = "tester") throws -> Bscdesk {
        let dir = try TempDir.make()
        return Bscdesk(data: dir + "/data", user: user)
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["BSCDESK_DATA"] = data
        env["BSCDESK_USER"] = user
        env["BSCDESK_SYSTEM_CONFIG"] = "/nonexistent"
        env["TZ"] = "UTC"
        for (k, v) in extraEnvironment { env[k] = v }
        return env
    }

    func `as`(_ login: String) -> Bscdesk {
        var copy = self
        copy.user = login
        return copy
    }

    @discardableResult
    func run(_ args: [String], stdin: String? = nil, binary: String = Bscdesk.binary) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin {
            let inPipe = Pipe()
            p.standardInput = inPipe
            try p.run()
            inPipe.fileHandleForWriting.write(stdin.data(using: .utf8)!)
            try inPipe.fileHandleForWriting.close()
        } else {
            p.standardInput = FileHandle.nullDevice
            try p.run()
        }
        // Read both pipes before waiting so a chatty child cannot block.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Logs a call and returns its reference; fails the test on error.
    func log(caller: String = "Test Caller", category: String = "payroll.salary-query", channel: String = "phone",
             summary: String = "A question", extra: [String] = []) throws -> String {
        let r = try run(["log", "--caller", caller, "--channel", channel, "--category", category, "--summary", summary] + extra)
        guard r.status == 0 else { throw TestFailure("log failed (\(r.status)): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var journalDirectory: String { data + "/journal" }

    func journalLines() throws -> [String] {
        var lines: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: journalDirectory).sorted() where name.hasSuffix(".jsonl") {
            let text = try String(contentsOfFile: journalDirectory + "/" + name, encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init)
        }
        return lines
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

enum TempDir {
    static func make() throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base.path
    }
}
