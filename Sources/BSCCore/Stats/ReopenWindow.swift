/// The reopen window (docs/metrics.md): working time after a resolution in
/// which a reopen, a repeat contact or the same caller's new ticket in the
/// same category still counts against it. Configured in working days;
/// computed here only, in whole milliseconds, rounded (2.3 days of 8 hours
/// is 66,240,000 ms, where truncating the floating-point product gave one
/// less). Its end is inclusive.
public struct ReopenWindow: Sendable, Equatable {
    public let millis: Int64

    public init(millis: Int64) { self.millis = millis }

    public init(days: Double, workingDayMillis: Int64) {
        millis = Int64((days * Double(workingDayMillis)).rounded())
    }

    /// The window's last instant after `moment` (inclusive).
    public func end(after moment: Instant, calendar: WorkingCalendar) -> Instant {
        calendar.addingWorkingMillis(millis, to: moment)
    }

    /// Whether `at` falls at or before the end of the window opened at `moment`.
    public func isOpen(at: Instant, after moment: Instant, calendar: WorkingCalendar) -> Bool {
        at <= end(after: moment, calendar: calendar)
    }
}

extension DeskConfiguration {
    public var reopenWindow: ReopenWindow { ReopenWindow(days: reopenWindowDays, workingDayMillis: workingDayMillis) }
}
