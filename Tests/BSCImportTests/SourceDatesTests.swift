import BSCCore
import BSCImport
import XCTest

final class SourceDatesTests: XCTestCase {
    let dates = SourceDates(zone: ZoneRules(identifier: "Europe/London")!)

    func utc(_ s: String) -> Instant { Timestamp.parse(s)! }

    func testDayFirstInWinterAndSummer() {
        XCTAssertEqual(dates.parse("29/2/2016 01:16"), utc("2016-02-29T01:16:00.000Z"))
        XCTAssertEqual(dates.parse("01/07/2016 09:30"), utc("2016-07-01T08:30:00.000Z"))
        XCTAssertEqual(dates.parse("01/07/2016 09:30:15"), utc("2016-07-01T08:30:15.000Z"))
    }

    func testISOWithAndWithoutZone() {
        XCTAssertEqual(dates.parse("2016-07-01T09:30:00Z"), utc("2016-07-01T09:30:00.000Z"))
        XCTAssertEqual(dates.parse("2016-07-01T09:30:00+02:00"), utc("2016-07-01T07:30:00.000Z"))
        XCTAssertEqual(dates.parse("2016-07-01 09:30:00"), utc("2016-07-01T08:30:00.000Z"))
        XCTAssertEqual(dates.parse("2016-07-01T09:30:00.250Z"), utc("2016-07-01T09:30:00.250Z"))
    }

    func testClockChanges() {
        // 01:30 on 27 March 2016 never happened in London: the moment the clocks jumped.
        XCTAssertEqual(dates.parse("27/03/2016 01:30"), utc("2016-03-27T01:00:00.000Z"))
        // 01:30 on 30 October 2016 happened twice: the first (BST).
        XCTAssertEqual(dates.parse("30/10/2016 01:30"), utc("2016-10-30T00:30:00.000Z"))
    }

    func testNotDates() {
        for s in ["?", "", "31/02/2016 10:00", "2016-13-01", "12/12/16 10:00", "yesterday", "01/01/2016 25:00", "2016-07-01T09:30:00+0"] {
            XCTAssertNil(dates.parse(s), s)
        }
    }
}
