/// Which SLA target a ticket is held to, the one rule for `stats`, the
/// board, `show` and the ticket list (see docs/metrics.md): the target of
/// the ticket's category (as it is now) where the category sets one, else
/// that of the queue the ticket is in now; no target, no SLA. Targets are
/// configured in working hours and compared in whole milliseconds, rounded.
public struct SLAPolicy: Sendable {
    public let taxonomy: Taxonomy
    /// Share of the target used up at which an open ticket is "at risk".
    public let atRiskShare: Double

    public init(taxonomy: Taxonomy, atRiskShare: Double = 0.75) {
        self.taxonomy = taxonomy
        self.atRiskShare = atRiskShare
    }

    /// Working hours as the milliseconds every comparison uses.
    public static func millis(hours: Double) -> Int64 { Int64((hours * 3_600_000).rounded()) }

    /// The resolution target for a ticket of this category in this queue, in working ms.
    public func resolutionTargetMillis(category: String, queue: String) -> Int64? {
        (taxonomy.category(category)?.resolutionTargetHours ?? taxonomy.queue(queue)?.resolutionTargetHours).map(Self.millis(hours:))
    }

    /// The first-response target, by the same rule.
    public func firstResponseTargetMillis(category: String, queue: String) -> Int64? {
        (taxonomy.category(category)?.firstResponseTargetHours ?? taxonomy.queue(queue)?.firstResponseTargetHours).map(Self.millis(hours:))
    }

    public func resolutionTargetMillis(_ t: Ticket) -> Int64? { resolutionTargetMillis(category: t.category, queue: t.queue) }

    /// The resolution clock: from the first contact's received time, on
    /// working time with pending pauses taken out; nil without a target.
    /// Met when the elapsed working time is at most the target.
    public func resolutionStatus(_ t: Ticket, now: Instant, calendar: WorkingCalendar) -> SLAStatus? {
        guard let target = resolutionTargetMillis(t) else { return nil }
        return SLAClock(
            calendar: calendar, startedAt: t.receivedAt, target: .workingMillis(target),
            pauses: t.pauses.map { $0.start..<$0.end }, pausedSince: t.pendingSince,
            resolvedAt: t.resolvedAt, atRiskShare: atRiskShare).status(now: now)
    }

    /// The first-response clock: from the first contact's arrival to the
    /// first routing, assignment, note or resolution, with pauses taken out.
    public func firstResponseStatus(_ t: Ticket, now: Instant, calendar: WorkingCalendar) -> SLAStatus? {
        guard let target = firstResponseTargetMillis(category: t.category, queue: t.queue) else { return nil }
        return SLAClock(
            calendar: calendar, startedAt: t.receivedAt, target: .workingMillis(target),
            pauses: t.pauses.map { $0.start..<$0.end }, pausedSince: t.firstResponseAt == nil ? t.pendingSince : nil,
            resolvedAt: t.firstResponseAt, atRiskShare: atRiskShare).status(now: now)
    }
}
