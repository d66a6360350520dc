import Foundation
import Testing

@Suite("Many processes writing at once", .serialized)
struct ConcurrencyTests {
    /// 8 processes, released together from a start barrier, each logging 200
    /// tickets with the real binary: nothing lost, nothing duplicated, every
    /// reference unique, sequence numbers contiguous.
    @Test func eightProcessesLogging200TicketsEach() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])  // creates the data directory first
        let dir = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path
        let barrier = dir + "/go"
        let writers = 8, each = 200
        var procs: [(Process, Pipe)] = []
        for w in 0..<writers {
            let script = """
            while [ ! -e '\(barrier)' ]; do sleep 0.005; done
            for i in $(seq 1 \(each)); do
              "$BIN" log --caller "Writer \(w)" --channel phone --category cs.general-enquiry --summary "w\(w)-$i" --resolved || echo "FAILED $i" >&2
            done
            """
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", script]
            var env = desk.environment
            env["BIN"] = Bscdesk.binary
            env["BENCH"] = Bscdesk.bench
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.standardError
            try p.run()
            procs.append((p, out))
        }
        _ = FileManager.default.createFile(atPath: barrier, contents: Data())
        var refs: [String] = []
        for (p, out) in procs {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            refs += String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(refs.count == writers * each)
        #expect(Set(refs).count == writers * each, "duplicate references handed out")
        let lines = try desk.journalLines()
        #expect(lines.count == writers * each * 2)  // opened + resolved per ticket
        var seqs: [Int] = []
        var opened: [String] = []
        var summaries = Set<String>()
        for obj in try desk.journalObjects() {
            seqs.append(obj["seq"] as! Int)
            if obj["type"] as? String == "ticket.opened" {
                opened.append(obj["ref"] as! String)
                summaries.insert(obj["summary"] as! String)
            }
        }
        #expect(seqs == Array(1...(writers * each * 2)))
        #expect(Set(opened) == Set(refs))
        #expect(summaries.count == writers * each)
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
    }

    /// A writer killed with SIGKILL at random moments never loses an event it
    /// acknowledged; at most its last line is torn, and the next write moves
    /// the fragment aside and carries on.
    @Test func killedWriterNeverLosesAnAcknowledgedEvent() throws {
        let desk = try Bscdesk.fresh()
        _ = try desk.run(["categories"])
        var acknowledged = Set<String>()
        var torn = 0
        var rng = SystemRandomNumberGenerator()
        let rounds = Int(ProcessInfo.processInfo.environment["BSCDESK_KILL_ROUNDS"] ?? "") ?? 200
        for round in 0..<rounds {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Bscdesk.bench)
            // Big summaries make each write long enough to be cut.
            p.arguments = ["stress-append", "--count", "100000", "--summary-bytes", "3800", "--label", "r\(round)"]
            p.environment = desk.environment
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 20_000...150_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2 { acknowledged.insert(String(parts[1])) }
            }
            // The next writer repairs any torn tail.
            let tornDir = desk.journalDirectory + "/torn"
            let before = (try? FileManager.default.contentsOfDirectory(atPath: tornDir).count) ?? 0
            _ = try desk.log(summary: "after round \(round)")
            let after = (try? FileManager.default.contentsOfDirectory(atPath: tornDir).count) ?? 0
            torn += after - before
        }
        // Every line is complete and parses; every acknowledged event is there.
        var present = Set<String>()
        for obj in try desk.journalObjects() {
            if let s = obj["summary"] as? String, let tag = s.split(separator: " ").first { present.insert(String(tag)) }
        }
        let lost = acknowledged.subtracting(present)
        print("fault campaign kill-loop: rounds \(rounds), faults injected \(rounds), events acknowledged \(acknowledged.count), events lost \(lost.count), torn tails repaired \(torn)")
        #expect(acknowledged.count > rounds)
        #expect(lost.isEmpty, "lost acknowledged events: \(lost.prefix(5))")
        let doctor = try desk.run(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
    }
}
