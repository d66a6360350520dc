import BSCApp
import BSCCore
import BSCImport
import XCTest

/// The `csv` format: the Zendesk fixture read through a mapping that names
/// its columns and maps its status values gives the same figures.
final class GenericCSVImportTests: XCTestCase {
    func testColumnsAndStatesFromTheMapping() throws {
        let desk = try makeImportDesk()
        let plan = try importFixture(.csv, "zendesk_tickets.csv", mapping: "csv_mapping.toml", into: desk)
        XCTAssertEqual(plan.rejected.map(\.reason), [
            "created_at \"tomorrow\" is not a date (dd/mm/yyyy hh:mm or ISO 8601)",
            "status \"deleted\" is not a csv status",
        ])
        let r = try desk.figures("2016-11")
        XCTAssertEqual(r.overall.tally.ticketsOpened, 20)
        XCTAssertEqual(r.overall[.flr].numerator, 13)
        XCTAssertEqual(r.overall[.reopenRate].numerator, 2)
        XCTAssertEqual(r.overall[.reopenRate].denominator, 16)
        XCTAssertEqual(r.overall[.slaAttainment].numerator, 13)
    }

    func testACSVMappingMustNameTheRequiredColumns() throws {
        let desk = try makeImportDesk()
        var mapping = try fixtureMapping("csv_mapping.toml", desk: desk)
        mapping.columns["status"] = nil
        let input = try CSVInput(path: fixturePath("zendesk_tickets.csv"))
        XCTAssertThrowsError(try Importer.plan(.csv, input: input, mapping: mapping, zone: .london, desk: desk)) { e in
            XCTAssertEqual((e as? ImportError)?.message, "the csv format needs a mapping (--mapping FILE) whose [columns] name at least number, opened and status")
        }
    }
}
