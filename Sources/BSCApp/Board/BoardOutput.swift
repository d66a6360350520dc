import BSCCore

/// `bscdesk board --print --format json`: the board's figures once, for
/// scripts and checks. The same snapshot the live board draws, as this
/// person may see it.
extension Desk {
    /// The board as this person may see it: their team's queues when
    /// `teamOnly`; agents see every queue but only their own row.
    public func boardAsSeen(_ snapshot: BoardSnapshot, teamOnly: Bool) -> BoardSnapshot {
        var s = snapshot
        if teamOnly { s = s.filtered(toQueues: profile.queues) }
        if profile.role < .teamLeader { s.agents = s.agents.filter { $0.login == login } }
        return s
    }
}

public enum BoardOutput {
    public enum Format: String, CaseIterable, Sendable { case text, json }

    public static func json(_ s: BoardSnapshot, zone: ZoneRules, teamOnly: Bool) -> JSONOut {
        let week = ReportingPeriod.isoWeek(containing: s.today)
        return .object([
            ("report", .string("bscdesk queue board")),
            ("as_at", .time(s.computedAt)), ("as_at_local", .string(zone.localDateTime(s.computedAt).description)),
            ("today", .string(s.today.description)),
            ("week", .object([("label", .string(week.label)), ("first_day", .string(week.firstDay.description)),
                              ("last_day", .string(week.lastDay.description))])),
            ("team_only", .bool(teamOnly)),
            ("fcr_today", rate(s.fcrToday)), ("fcr_week", rate(s.fcrWeek)),
            ("sla_today", rate(s.slaToday)), ("sla_week", rate(s.slaWeek)),
            ("totals", .object([("open", .int(Int64(s.totalOpen))), ("unassigned", .int(Int64(s.totalUnassigned))),
                                ("at_risk", .int(Int64(s.totalAtRisk))), ("breached", .int(Int64(s.totalBreached))),
                                ("callbacks_due", .int(Int64(s.totalCallbacksDue)))])),
            ("queues", .array(s.queues.map(queue))),
            ("people", .array(s.agents.map(person))),
        ])
    }

    static func rate(_ a: Attainment) -> JSONOut {
        .object([
            ("numerator", .int(Int64(a.numerator))), ("denominator", .int(Int64(a.denominator))),
            ("value", a.percent.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null), ("text", .string(a.percentText)),
            ("target", .double(a.target)), ("rag", .string(a.rag.text)), ("provisional", .bool(a.provisional)),
        ])
    }

    static func queue(_ q: QueueFigures) -> JSONOut {
        .object([
            ("id", .string(q.id)), ("name", .string(q.name)),
            ("open", .int(Int64(q.open))), ("unassigned", .int(Int64(q.unassigned))), ("pending", .int(Int64(q.pending))),
            ("new_today", .int(Int64(q.newToday))), ("resolved_today", .int(Int64(q.resolvedToday))),
            ("at_risk", .int(Int64(q.atRisk))), ("breached", .int(Int64(q.breached))),
            ("callbacks_due", .int(Int64(q.callbacksDue))), ("callbacks_later_today", .int(Int64(q.callbacksLaterToday))),
            ("oldest_working_ms", q.oldestWorkingMillis.map { .int($0) } ?? .null),
            ("oldest_ref", .opt(q.oldestRef?.description)),
            ("target_hours", q.targetHours.map { .double($0) } ?? .null),
        ])
    }

    static func person(_ a: AgentFigures) -> JSONOut {
        .object([
            ("login", .string(a.login)), ("name", .string(a.name)), ("role", .opt(a.role?.rawValue)),
            ("queues", .array(a.queues.map { .string($0) })),
            ("held", .int(Int64(a.held))), ("contacts_today", .int(Int64(a.contactsToday))),
            ("resolutions_today", .int(Int64(a.resolutionsToday))),
            ("timed_contacts_today", .int(Int64(a.timedContactsToday))), ("handle_ms_today", .int(a.handleMillisToday)),
            ("aht_today_ms", a.averageHandleMillis.map { .int($0) } ?? .null),
        ])
    }
}
