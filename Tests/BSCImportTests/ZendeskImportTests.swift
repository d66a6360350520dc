import BSCApp
import BSCCore
import BSCImport
import XCTest

/// The hand-made Zendesk CSV export (Fixtures/): ISO 8601 dates with a
/// `+0000` or `-0500` zone or `Z`, pending and on-hold tickets, reopen
/// counts, a missing group, a status Zendesk does not have, a date that
/// is not one. 22 rows, 20 tickets. Expected figures worked out by hand.
final class ZendeskImportTests: XCTestCase {
    func testImportedFiguresMatchTheHandCount() throws {
        let desk = try makeImportDesk()
        let plan = try importFixture(.zendesk, "zendesk_tickets.csv", mapping: "zendesk_mapping.toml", into: desk)
        XCTAssertEqual(plan.rows, 22)
        XCTAssertEqual(plan.rejected.map(\.line), [12, 14])
        XCTAssertEqual(plan.rejected.map(\.reason), [
            "created_at \"tomorrow\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)",
            "status \"deleted\" is not a Zendesk status",
        ])
        XCTAssertEqual(plan.tickets, 20)
        let r = try desk.figures("2016-11", by: ["channel"])
        XCTAssertEqual(r.overall.tally.ticketsOpened, 20)
        // Resolved, never routed: 20 less 3 Payroll, 2 pending or on hold, 2 new or open.
        XCTAssertEqual(r.overall[.flr].numerator, 13)
        XCTAssertEqual(r.overall[.flr].denominator, 20)
        // Resolved in November: 16; reopened: tickets 6 and 15.
        XCTAssertEqual(r.overall[.reopenRate].numerator, 2)
        XCTAssertEqual(r.overall[.reopenRate].denominator, 16)
        // Outside target: 10 (11 working hours > 8), 15 (16 > 8), 21 (11 > 8).
        XCTAssertEqual(r.overall[.slaAttainment].numerator, 13)
        XCTAssertEqual(r.overall[.slaAttainment].denominator, 16)
        let channels = Dictionary(uniqueKeysWithValues: r.breakdowns[0].rows.map { ($0.key, $0.metrics.tally.ticketsOpened) })
        XCTAssertEqual(channels["phone"], 11)
        XCTAssertEqual(channels["email"], 6)
        XCTAssertEqual(channels["e-form"], 2)
        XCTAssertEqual(channels["web-chat"], 1)
        // 09:00 at -0500 is 14:00 UTC.
        let t5 = try desk.ticket(try XCTUnwrap(desk.ticketRef(sourceRef: "5")))
        XCTAssertEqual(t5.receivedAt, Timestamp.parse("2016-11-03T14:00:00.000Z"))
        let t9 = try desk.ticket(try XCTUnwrap(desk.ticketRef(sourceRef: "9")))
        XCTAssertEqual(t9.status, .pending)
        XCTAssertEqual(t9.pendingReason, .thirdParty)
        XCTAssertEqual(try desk.ticket(try XCTUnwrap(desk.ticketRef(sourceRef: "15"))).reopenedAt.count, 2)
    }
}
