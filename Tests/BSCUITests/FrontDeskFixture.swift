import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
@testable import BSCUI

/// A desk in a fresh temporary data directory with a manual clock, so
/// screens render exactly. `tester` is the supervisor; `agent` works
/// customer services; `appt` works appointeeship (a restricted queue).
final class FrontDeskFixture {
    let dir: String
    let clock: ManualClock
    /// Tuesday 2026-11-24 09:30 UTC (= London time in winter).
    static let start = Instant(millis: 1_795_512_600_000)

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscui-" + UUID().uuidString).path
        clock = ManualClock(Self.start)
        _ = try desk()  // creates the directory and its configuration
        let config = dir + "/data/bscdesk.toml"
        let extra = """

        [users.agent]
        name = "Agent"
        role = "agent"
        queues = ["customer-services"]

        [users.appt]
        name = "Appointee officer"
        role = "agent"
        queues = ["appointeeship"]

        """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
        handle.seekToEndOfFile()
        handle.write(Data(extra.utf8))
        try handle.close()
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func desk(_ user: String = "tester") throws -> Desk {
        let d = try Desk.open(dataOption: dir + "/data", environment: ["BSCDESK_USER": user, "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                              clock: clock, ids: SequentialIds(prefix: user))
        try d.load()
        return d
    }

    func session(_ user: String = "tester", drafts: Bool = true) throws -> DeskSession {
        let d = try desk(user)
        return DeskSession(desk: d, drafts: drafts ? DraftStore(directory: d.data.draftsPath, login: user) : nil)
    }

    /// A session as the front desk starts one: the history is loading in
    /// the background and is adopted by a later tick.
    func loadingSession(_ user: String = "tester") throws -> (DeskSession, HistoryLoad) {
        let d = try Desk.open(dataOption: dir + "/data", environment: ["BSCDESK_USER": user, "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                              clock: clock, ids: SequentialIds(prefix: user))
        let load = try d.startLoadingHistory()
        return (DeskSession(desk: d, drafts: DraftStore(directory: d.data.draftsPath, login: user), history: load), load)
    }

    @discardableResult
    func log(_ desk: Desk, caller: String, reference: String? = nil, category: String = "payroll.salary-query",
             outcome: Desk.NewContact.Outcome = .keepOpen, details: [String: String] = [:]) throws -> TicketRef {
        try desk.logFirstContact(Desk.NewContact(caller: Caller(name: caller, type: .employee, reference: reference), channel: .phone,
                                                 category: category, summary: "Earlier call", details: details, outcome: outcome)).ref
    }
}

extension TestTerminal {
    /// The top-level screen shown by the front desk shell.
    var shell: FrontDeskShell { app.stack[0] as! FrontDeskShell }
}

extension TestTerminal {
    /// The bottom of the frame as one line: the function-key bar, or the
    /// message, which wraps over as many rows as it needs.
    var bottomText: String {
        guard let m = app.message else { return rows.last ?? "" }
        let n = min(MessageLine(m).lines(width: frame.width).count, max(1, (frame.height - 1) / 2))
        return rows.suffix(n).joined(separator: " ")
    }
}
