import BSCCore
import XCTest

/// The reference model checked against facts worked out by hand, so that
/// a disagreement with the engine can be trusted to point at the engine.
final class ReferenceModelSelfTests: XCTestCase {
    typealias Cal = ReferenceCalendar

    func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 {
        Cal.instant(localDay: Cal.dayNumber(y, m, d), hour: h, minute: mi)
    }

    func testLondonClockChangesAndBankHolidays() {
        // 2026: summer time from Sun 29 March 01:00 UTC to Sun 25 October 01:00 UTC.
        XCTAssertEqual(Cal.civil(Cal.lastSunday(2026, 3)).day, 29)
        XCTAssertEqual(Cal.civil(Cal.lastSunday(2026, 10)).day, 25)
        let mar30 = Cal.dayNumber(2026, 3, 30)
        XCTAssertEqual(Cal.hours(of: mar30).0, Int64(mar30) * Cal.day + 8 * Cal.hour, "09:00 BST is 08:00 UTC")
        let oct26 = Cal.dayNumber(2026, 10, 26)
        XCTAssertEqual(Cal.hours(of: oct26).0, Int64(oct26) * Cal.day + 9 * Cal.hour, "09:00 GMT is 09:00 UTC")
        // 00:30 UTC on 29 March is still the 29th locally; 23:30 UTC on 28 March is the 28th (GMT).
        XCTAssertEqual(Cal.localDay(Int64(Cal.dayNumber(2026, 3, 28)) * Cal.day + 23 * Cal.hour + 30 * Cal.minute), Cal.dayNumber(2026, 3, 28))
        // 23:30 UTC on 1 April is 00:30 BST on the 2nd.
        XCTAssertEqual(Cal.localDay(Int64(Cal.dayNumber(2026, 4, 1)) * Cal.day + 23 * Cal.hour + 30 * Cal.minute), Cal.dayNumber(2026, 4, 2))
        // Easter 2026: Good Friday 3 April and Easter Monday 6 April are closed.
        XCTAssertFalse(Cal.isWorkingDay(Cal.dayNumber(2026, 4, 3)))
        XCTAssertFalse(Cal.isWorkingDay(Cal.dayNumber(2026, 4, 6)))
        XCTAssertTrue(Cal.isWorkingDay(Cal.dayNumber(2026, 4, 2)))
        // Thu 2 April 16:00 → Tue 7 April 10:00: 1 h + 1 h.
        XCTAssertEqual(Cal.workingMillis(from: at(2026, 4, 2, 16), to: at(2026, 4, 7, 10)), 2 * Cal.hour)
        // Across the October change: Fri 23 Oct 09:00 → Mon 26 Oct 17:00 is 16 h.
        XCTAssertEqual(Cal.workingMillis(from: at(2026, 10, 23, 9), to: at(2026, 10, 26, 17)), 16 * Cal.hour)
        // Three working days from Thu 09:00 end at Mon 17:00 (a window used up at closing ends then).
        XCTAssertEqual(Cal.addingWorking(24 * Cal.hour, to: at(2026, 11, 26, 9)), at(2026, 11, 30, 17))
        XCTAssertEqual(Cal.addingWorking(Cal.hour, to: at(2026, 11, 28, 12)), at(2026, 11, 30, 10), "a Saturday start waits for Monday")
    }

    private func opened(_ n: Int, _ at: Int64, name: String = "Caller", ref: String? = nil, category: String = "cs.general",
                        queue: String = "customer-services") -> Event {
        Event(id: "o\(n)", at: Instant(millis: at), user: "amy", ref: TicketRef(n),
              body: .opened(caller: Caller(name: name, type: .employee, reference: ref), category: category, queue: queue,
                            priority: .normal, contact: ContactRecord(channel: .phone, summary: "s", received: Instant(millis: at)), details: [:]))
    }

    private func event(_ n: Int, _ at: Int64, _ body: EventBody) -> Event {
        Event(id: "e\(n)-\(at)", at: Instant(millis: at), user: "amy", ref: TicketRef(n), body: body)
    }

    /// Issue 12: log Mon 09:00, pending 10:00, route 11:00, resolve 15:00 → 5 working hours.
    func testRouteWhilePendingEndsThePause() {
        let events = [opened(1, at(2026, 11, 23, 9)), event(1, at(2026, 11, 23, 10), .pending(reason: .customer)),
                      event(1, at(2026, 11, 23, 11), .routed(queue: "payroll", details: [:], note: nil)),
                      event(1, at(2026, 11, 23, 15), .resolved(note: nil, firstContact: false))]
        let m = ReferenceModel(events: events, now: at(2026, 11, 24, 9))
        XCTAssertEqual(m.slaVerdict(1)?.elapsedMillis, 5 * Cal.hour)
        // Without the resolve the clock runs again after the route.
        let open = ReferenceModel(events: Array(events.dropLast()), now: at(2026, 11, 23, 16))
        XCTAssertEqual(open.slaVerdict(1)?.state, .onTrack)
        XCTAssertEqual(open.slaVerdict(1)?.elapsedMillis, 6 * Cal.hour)
    }

    /// Issue 12: bank-details (category target 1d) received Mon 09:00, resolved Tue 15:00: missed, everywhere.
    func testCategoryTargetOverridesTheQueue() {
        let events = [opened(1, at(2026, 11, 23, 9), category: "exchequer.bank-details", queue: "exchequer"),
                      event(1, at(2026, 11, 24, 15), .resolved(note: nil, firstContact: false))]
        let m = ReferenceModel(events: events, now: at(2026, 11, 25, 9))
        XCTAssertEqual(m.slaVerdict(1)?.state, .missed)
        let d = Cal.dayNumber(2026, 11, 24)
        XCTAssertEqual(m.overall(first: d, last: d).slaMet, 0)
        XCTAssertEqual(m.overall(first: d, last: d).slaTargeted, 1)
    }

    /// Issue 12: refs `E200 004` and `E200004`, same category, both FCR → gross FCR 1 of 2.
    func testReferencesIgnoreAllSpaces() {
        let events = [opened(1, at(2026, 11, 23, 9), name: "A", ref: "E200 004"),
                      event(1, at(2026, 11, 23, 9, 5), .resolved(note: nil, firstContact: true)),
                      opened(2, at(2026, 11, 23, 11), name: "B", ref: "e200004"),
                      event(2, at(2026, 11, 23, 11, 5), .resolved(note: nil, firstContact: true))]
        let m = ReferenceModel(events: events, now: at(2026, 11, 30, 9))
        let d = Cal.dayNumber(2026, 11, 23)
        XCTAssertEqual(m.overall(first: d, last: d).fcr, 1)
        XCTAssertEqual(m.overall(first: d, last: d).opened, 2)
        XCTAssertEqual(m.overall(first: d, last: d).disqualifiedSameCaller, 1)
        // Different references decide even when the names match; a missing one falls back to the name.
        XCTAssertFalse(ReferenceModel.sameCaller(m.tickets[1]!, { var t = m.tickets[1]!; t.callerRef = "E200005"; return t }()))
        XCTAssertTrue(ReferenceModel.sameCaller({ var t = m.tickets[1]!; t.callerName = "  zoë SMITH " ; return t }(),
                                                { var t = m.tickets[2]!; t.callerRef = nil; t.callerName = "Zoe Smith"; return t }()))
    }

    func testGeneratorIsDeterministicAndCoversTheIssuesCases() {
        var a = HistoryGenerator(seed: 42), b = HistoryGenerator(seed: 42)
        XCTAssertEqual(a.make().events, b.make().events)
        var seen: Set<String> = []
        for seed in 1...400 as ClosedRange<UInt64> {
            var g = HistoryGenerator(seed: seed)
            seen.formUnion(g.make().features)
        }
        for feature in ["route while pending", "reopen", "repeat contact", "name-only caller", "references with spaces and case",
                        "merge", "category corrected", "caller-name corrected", "caller-ref corrected", "bank holiday",
                        "clock change", "pending", "resolved at first contact", "anonymous"] {
            XCTAssertTrue(seen.contains(feature), "no history had \(feature)")
        }
    }
}
