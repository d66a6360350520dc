import BSCApp
import BSCCore
import BSCImport
import XCTest

/// The hand-made osTicket export (Fixtures/): a UTF-8 byte order mark,
/// `;` between fields, CRLF, day-first dates, a subject holding a quoted
/// `;`, the October 2016 clock change (one ticket opened at 01:30 on the
/// night the clocks went back, an hour that happened twice), a bad date,
/// a ticket number given twice, reopen counts. 22 rows, 20 tickets.
/// Expected figures worked out by hand from the file.
final class OSTicketImportTests: XCTestCase {
    func testBOMSemicolonAndRejects() throws {
        let desk = try makeImportDesk()
        let input = try CSVInput(path: fixturePath("osticket_tickets.csv"))
        XCTAssertTrue(input.hadBOM)
        XCTAssertEqual(input.delimiterName, "semicolon")
        let plan = try Importer.plan(.osticket, input: input, mapping: try fixtureMapping("osticket_mapping.toml", desk: desk), zone: .london, desk: desk)
        XCTAssertEqual(plan.rows, 22)
        XCTAssertEqual(plan.header.first, "Ticket Number")
        XCTAssertEqual(plan.rejected.map(\.line), [11, 20])
        XCTAssertEqual(plan.rejected.map(\.reason), [
            "Date Created \"32/10/2016 09:00\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)",
            "Ticket Number 100001 appears twice; the first row was imported",
        ])
        XCTAssertEqual(plan.tickets, 20)
        var grouping = TicketGrouping()
        var subjects: [String] = []
        _ = try Importer.forEachTicket(.osticket, input: input, zone: .london, mapping: plan.mapping, grouping: &grouping,
                                       ticket: { subjects.append($0.subject) }, reject: { _ in })
        XCTAssertEqual(subjects.first, "Pay day; when is it?")
        XCTAssertEqual(plan.adaptations, [:])
    }

    func testImportedFiguresMatchTheHandCount() throws {
        let desk = try makeImportDesk()
        try importFixture(.osticket, "osticket_tickets.csv", mapping: "osticket_mapping.toml", into: desk)
        let r = try desk.figures("2016-10", by: ["channel"])
        XCTAssertEqual(r.overall.tally.ticketsOpened, 20)
        // Resolved and still with customer services: all but the four Payroll tickets and the two open ones.
        XCTAssertEqual(r.overall[.flr].numerator, 14)
        XCTAssertEqual(r.overall[.flr].denominator, 20)
        // Resolved in October: 18; reopened: 100006 and 100013.
        XCTAssertEqual(r.overall[.reopenRate].numerator, 2)
        XCTAssertEqual(r.overall[.reopenRate].denominator, 18)
        // Outside target: 100004 (10 working hours > 8), 100007 (32 > 24), 100022 (10 > 8).
        // 100018 (09:00 to 18:00: 8 working hours) and 100003 (8) are within, the end being inclusive;
        // 100016 spans the clock change: 1 + 3 = 4 working hours.
        XCTAssertEqual(r.overall[.slaAttainment].numerator, 15)
        XCTAssertEqual(r.overall[.slaAttainment].denominator, 18)
        let channels = Dictionary(uniqueKeysWithValues: r.breakdowns[0].rows.map { ($0.key, $0.metrics.tally.ticketsOpened) })
        XCTAssertEqual(channels["phone"], 11)  // Phone 10, Other 1 (default_channel)
        XCTAssertEqual(channels["email"], 5)
        XCTAssertEqual(channels["e-form"], 4)  // Web 3, API 1
        // 01:30 on 30 October 2016 happened twice: the first (BST), 00:30 UTC.
        let t = try desk.ticket(try XCTUnwrap(desk.ticketRef(sourceRef: "100017")))
        XCTAssertEqual(t.receivedAt, Timestamp.parse("2016-10-30T00:30:00.000Z"))
        XCTAssertEqual(t.caller.email, "pat.jones@example.org")
        XCTAssertEqual(try desk.ticket(try XCTUnwrap(desk.ticketRef(sourceRef: "100011"))).caller.name, "Zoë Łukasik")
    }
}
