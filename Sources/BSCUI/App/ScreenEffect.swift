import BSCCore

/// Something a screen wants done outside itself (a write, a file): it
/// returns the effect (`ScreenOutcome.perform`, `Screen.effectsOnOpen`)
/// and the app's runner performs it, so screens do no I/O and can be
/// tested as values.
public enum ScreenEffect: Sendable, Equatable {
    /// Record that this user opened a restricted ticket (who and when).
    case recordView(TicketRef)
    /// Write the figures of a reporting period as CSV, with the
    /// definitions file beside it, never over an existing file.
    case exportMetrics(period: String, breakdowns: [String], path: String)
}

/// Performs screens' effects for the app (the front desk's is
/// `DeskEffects`). The message, if any, is shown on the bottom line.
public protocol EffectRunner {
    func perform(_ effect: ScreenEffect) -> Message?
}
