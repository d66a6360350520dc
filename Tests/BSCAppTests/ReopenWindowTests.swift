import Foundation
import Testing
import BSCCore
@testable import BSCApp

/// Issue 12: the reopen window was rounded in the metrics engine and
/// truncated in the board, the call form's repeat warning and the caller
/// hints, so they disagreed at its last millisecond. `ReopenWindow`
/// computes it once.
@Suite("Reopen window: one computation")
struct ReopenWindowTests {
    @Test func windowIsRoundedToTheMillisecond() {
        // 2.3 × 28,800,000 is 66,239,999.99… in floating point.
        #expect(ReopenWindow(days: 2.3, workingDayMillis: 28_800_000).millis == 66_240_000)
        #expect(ReopenWindow(days: 3, workingDayMillis: 28_800_000).millis == 86_400_000)
    }

    /// 2.3 working days after Monday 10:00 is Wednesday 12:24:00.000
    /// (7 h + 8 h + 3.4 h). A contact received at exactly that moment is
    /// inside the window for the figures, the repeat warning and the hints.
    @Test func engineAndRepeatWarningsAgreeAtTheLastMillisecond() throws {
        var w = try TriageWorld(at: londonTime("2026-11-23", 10))  // Monday
        w.config.reopenWindowDays = 2.3
        let d = try w.desk("ann")
        let first = try d.logFirstContact(w.contact("Zoë Smith", ref: "E7", category: "payroll.payslip", outcome: .resolved)).ref
        let edge = londonTime("2026-11-25", 12, 24)
        let caller = Caller(name: "Zoe Smith", type: .employee, reference: "E7")

        w.clock.set(edge)
        #expect(d.repeatContactWarning(caller: caller, category: "payroll.payslip", now: edge) == [first])
        var callers = CallerIndex()
        callers.update(from: d)
        let entry = try #require(callers.entry(for: caller))
        #expect(d.repeatHints(for: entry, category: "payroll.payslip", now: edge).map(\.ref) == [first])

        w.clock.set(Instant(millis: edge.millis + 1))
        #expect(d.repeatContactWarning(caller: caller, category: "payroll.payslip", now: w.clock.now()).isEmpty)
        #expect(d.repeatHints(for: entry, category: "payroll.payslip", now: w.clock.now()).isEmpty)

        // The same caller's new ticket received at the edge disqualifies the first.
        w.clock.set(edge)
        let second = try d.logFirstContact(w.contact("Zoe Smith", ref: "E7", category: "payroll.payslip")).ref
        #expect(d.repeatOf(try d.ticket(second)) == first)
        #expect(d.metricsEngine().index.disqualification(of: first) == .sameCallerNewTicket)
    }
}
