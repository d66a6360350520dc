/// A resolution target in working time.
public enum SLATarget: Hashable, Sendable, CustomStringConvertible {
    case workingMillis(Int64)
    /// `n` × the calendar's working day (3 days = 24 working hours with 09:00–17:00).
    case workingDays(Int)

    public static func workingHours(_ n: Int) -> SLATarget { .workingMillis(Int64(n) * 3_600_000) }
    public static func workingMinutes(_ n: Int) -> SLATarget { .workingMillis(Int64(n) * 60_000) }

    public func millis(in calendar: WorkingCalendar) -> Int64 {
        switch self {
        case .workingMillis(let ms): return ms
        case .workingDays(let n): return Int64(n) * calendar.workingDayMillis
        }
    }

    public var description: String {
        switch self {
        case .workingDays(let n): return n == 1 ? "1 working day" : "\(n) working days"
        case .workingMillis(let ms) where ms % 3_600_000 == 0:
            return ms == 3_600_000 ? "1 working hour" : "\(ms / 3_600_000) working hours"
        case .workingMillis(let ms): return "\(ms / 60_000) working minutes"
        }
    }
}

/// Where an SLA clock stands. Each state has a word and a symbol so that
/// meaning is never carried by colour alone.
public enum SLAState: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case onTrack, atRisk, breached, paused
    /// Resolved within target.
    case met
    /// Resolved after the target was used up.
    case missed

    public var label: String {
        switch self {
        case .onTrack: return "on track"
        case .atRisk: return "at risk"
        case .breached: return "BREACHED"
        case .paused: return "paused"
        case .met: return "met"
        case .missed: return "missed"
        }
    }

    public var symbol: String {
        switch self {
        case .onTrack: return "○"
        case .atRisk: return "!"
        case .breached: return "✗"
        case .paused: return "‖"
        case .met: return "✓"
        case .missed: return "✗"
        }
    }

    /// For terminals without Unicode.
    public var asciiSymbol: String {
        switch self {
        case .onTrack: return "o"
        case .atRisk: return "!"
        case .breached: return "X"
        case .paused: return "="
        case .met: return "v"
        case .missed: return "X"
        }
    }

    public var isResolved: Bool { self == .met || self == .missed }

    public var description: String { label }
}

public struct SLAStatus: Hashable, Sendable {
    /// When the target runs out; nil while paused with the target not yet used up.
    public var due: Instant?
    public var elapsedWorkingMillis: Int64
    public var targetWorkingMillis: Int64
    public var state: SLAState

    /// Working time left; negative once overdue.
    public var remainingWorkingMillis: Int64 { targetWorkingMillis - elapsedWorkingMillis }
}

/// An SLA clock on the working calendar, with pauses (awaiting the customer
/// or a third party) taken out.
///
/// Breach is strict: the target is breached when elapsed working time
/// *exceeds* it, so a ticket resolved exactly at its due time has met it.
/// At risk: elapsed ≥ `atRiskShare` × target and not breached.
/// A breached clock stays breached while paused; otherwise a paused clock
/// shows `paused`.
public struct SLAClock: Sendable {
    public var calendar: WorkingCalendar
    public var startedAt: Instant
    public var target: SLATarget
    /// Closed pause intervals, normalised on init.
    public private(set) var pauses: [Range<Instant>]
    /// Start of a pause that has not ended yet.
    public var pausedSince: Instant?
    public var resolvedAt: Instant?
    public var atRiskShare: Double

    public init(
        calendar: WorkingCalendar = .standard,
        startedAt: Instant,
        target: SLATarget,
        pauses: [Range<Instant>] = [],
        pausedSince: Instant? = nil,
        resolvedAt: Instant? = nil,
        atRiskShare: Double = 0.75
    ) {
        self.calendar = calendar
        self.startedAt = startedAt
        self.target = target
        self.pauses = WorkingCalendar.normalised(pauses)
        self.pausedSince = pausedSince
        self.resolvedAt = resolvedAt
        self.atRiskShare = atRiskShare
    }

    public func status(now: Instant) -> SLAStatus {
        let targetMillis = target.millis(in: calendar)
        // Resolution ends the clock and any open pause with it.
        let end = resolvedAt ?? now
        var closedPauses = pauses
        var openPause = pausedSince
        if let since = pausedSince, let resolvedAt {
            if since < resolvedAt { closedPauses = WorkingCalendar.normalised(pauses + [since..<resolvedAt]) }
            openPause = nil
        }
        // Nothing counts after an open pause began.
        let countUntil = openPause.map { max(startedAt, min(end, $0)) } ?? end
        let elapsed = calendar.workingMillis(from: startedAt, to: countUntil, excluding: closedPauses)
        let due = calendar.addingWorkingMillis(
            targetMillis, to: startedAt, pauses: closedPauses, pausedSince: openPause)

        let state: SLAState
        if resolvedAt != nil {
            state = elapsed > targetMillis ? .missed : .met
        } else if elapsed > targetMillis {
            state = .breached
        } else if let since = openPause, since <= now {
            state = .paused
        } else if Double(elapsed) >= atRiskShare * Double(targetMillis) {
            state = .atRisk
        } else {
            state = .onTrack
        }
        return SLAStatus(due: due, elapsedWorkingMillis: elapsed, targetWorkingMillis: targetMillis, state: state)
    }
}
