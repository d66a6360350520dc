import BSCApp
import BSCCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk-bench stress-append`: the load generator behind the append
/// benchmark and the fault and concurrency campaigns. It logs tickets in a
/// loop through the real Desk and prints each reference only after its
/// append has returned (fsynced), so a parent that kills it knows exactly
/// what was acknowledged. The data directory comes from BSCDESK_DATA, as
/// for bscdesk.
enum StressAppend {
    static let usage = "usage: bscdesk-bench stress-append [--count N] [--summary-bytes N] [--label TEXT] [--latency]"

    static func run(_ arguments: [String]) -> Int32 {
        var count = 100, summaryBytes = 40, label = "w", latency = false
        var args = arguments[...]
        while let a = args.popFirst() {
            switch a {
            case "--count": count = args.popFirst().flatMap { Int($0) } ?? -1
            case "--summary-bytes": summaryBytes = args.popFirst().flatMap { Int($0) } ?? -1
            case "--label": label = args.popFirst() ?? ""
            case "--latency": latency = true
            default:
                FileHandle.standardError.write("bscdesk-bench: unknown option for stress-append; \(usage)\n".data(using: .utf8)!)
                return 64
            }
        }
        guard count >= 0, summaryBytes >= 0, !label.isEmpty else {
            FileHandle.standardError.write("bscdesk-bench: --count and --summary-bytes take whole numbers, --label a word; \(usage)\n".data(using: .utf8)!)
            return 64
        }
        // A file-size limit (ulimit -f) must give a clean EFBIG, as in bscdesk.
        signal(SIGXFSZ, SIG_IGN)
        do {
            let desk = try Desk.open(dataOption: nil, environment: ProcessInfo.processInfo.environment)
            let pad = String(repeating: "x", count: min(summaryBytes, 3900))
            for i in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                let r = try desk.logFirstContact(.init(
                    caller: Caller(name: "Stress \(label)", type: .employee), channel: .phone, category: "cs.general-enquiry",
                    summary: "\(label)-\(i) \(pad)", outcome: .resolved))
                let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1000
                let line = latency ? "\(r.ref) \(label)-\(i) \(micros)\n" : "\(r.ref) \(label)-\(i)\n"
                FileHandle.standardOutput.write(line.data(using: .utf8)!)
            }
            for notice in desk.notices { FileHandle.standardError.write("bscdesk: note: \(terminalSafe(notice))\n".data(using: .utf8)!) }
            return 0
        } catch {
            // Everything in the block throws DeskError.
            FileHandle.standardError.write("bscdesk: \(terminalSafe(error.message, lineBreaks: .space))\n".data(using: .utf8)!)
            return error.status.rawValue
        }
    }
}
