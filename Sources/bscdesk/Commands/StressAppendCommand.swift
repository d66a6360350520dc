import ArgumentParser
import BSCApp
import BSCCore
import Foundation

/// For fault and concurrency tests and benchmarks: logs tickets in a loop
/// and prints each reference only after its append has returned (fsynced),
/// so a parent that kills this process knows exactly what was acknowledged.
struct StressAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stress-append", abstract: "Test support: append tickets in a loop, acknowledging each.", shouldDisplay: false)
    @OptionGroup var global: GlobalOptions
    @Option var count: Int = 100
    @Option(help: "Pad each summary to about this many bytes (bigger writes tear more often).") var summaryBytes: Int = 40
    @Option(help: "Label put in each summary, to tell writers apart.") var label: String = "w"
    @Flag(help: "Print the append latency in microseconds after each reference.") var latency = false

    func run() throws {
        try runDesk(global) { desk in
            let pad = String(repeating: "x", count: max(0, min(summaryBytes, 3900)))
            for i in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                let r = try desk.logFirstContact(.init(
                    caller: Caller(name: "Stress \(label)", type: .employee), channel: .phone, category: "cs.general-enquiry",
                    summary: "\(label)-\(i) \(pad)", outcome: .resolved))
                let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1000
                let line = latency ? "\(r.ref) \(label)-\(i) \(micros)\n" : "\(r.ref) \(label)-\(i)\n"
                FileHandle.standardOutput.write(line.data(using: .utf8)!)
            }
        }
    }
}
