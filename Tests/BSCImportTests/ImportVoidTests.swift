import BSCApp
import BSCCore
import BSCImport
import BSCJournal
import Foundation
import XCTest

/// A voided batch stays voided: importing the same file with the same
/// mapping again (the same batch, the same event ids) is refused, also
/// after a snapshot; another mapping is another batch and imports afresh.
final class ImportVoidTests: XCTestCase {
    func voidedDesk() throws -> (Desk, ImportPlan) {
        let desk = try makeImportDesk()
        let plan = try importFixture(.servicenow, "servicenow_incident_event_log.csv", mapping: "servicenow_mapping.toml", into: desk)
        XCTAssertEqual(try desk.voidImport(batch: plan.batch), 20)
        return (desk, plan)
    }

    func testReimportingAVoidedBatchIsRefusedAndWritesNothing() throws {
        let (desk, plan) = try voidedDesk()
        let head = try desk.eventStore.head()
        XCTAssertThrowsError(try importFixture(.servicenow, "servicenow_incident_event_log.csv", mapping: "servicenow_mapping.toml", into: desk)) { e in
            XCTAssertEqual((e as? ImportError)?.message,
                           "servicenow_incident_event_log.csv with this mapping is import batch \(plan.batch), which was voided; a void is final: to import the file again, change the mapping (another mapping is another batch)")
        }
        XCTAssertEqual(try desk.eventStore.head(), head)
        XCTAssertEqual(desk.store.count, 0)
    }

    func testAnotherMappingImportsAVoidedFileAfresh() throws {
        let (desk, plan) = try voidedDesk()
        var mapping = try fixtureMapping("servicenow_mapping.toml", desk: desk)
        mapping.defaultChannel = mapping.defaultChannel == .phone ? .email : .phone
        let again = try Importer.plan(.servicenow, input: try CSVInput(path: fixturePath("servicenow_incident_event_log.csv")),
                                      mapping: mapping, zone: .london, desk: desk)
        XCTAssertNotEqual(again.batch, plan.batch)
        XCTAssertEqual(again.tickets, 20)
        XCTAssertEqual(again.alreadyImported, 0)
        XCTAssertEqual(try Importer.write(again, desk: desk), 56)
        XCTAssertEqual(try desk.figures("2016-03").overall.tally.ticketsOpened, 19)
        // New references after the voided ones; the old batch stays out.
        XCTAssertEqual(desk.ticketRef(sourceRef: "INC0000001"), TicketRef(21))
        XCTAssertEqual(desk.store.count, 20)
        let other = try makeImportDesk(data: desk.data.path)
        XCTAssertEqual(other.store.count, 20)
        XCTAssertEqual(try other.figures("2016-03").overall.tally.ticketsOpened, 19)
    }

    /// The snapshot keeps the voided batches: a desk that loads from it
    /// still refuses the batch again and knows it is voided.
    func testAVoidedBatchSurvivesASnapshot() throws {
        let (desk, plan) = try voidedDesk()
        try desk.writeSnapshotNow()
        let other = try makeImportDesk(data: desk.data.path)
        let state = try other.loadState(writeThreshold: nil)
        XCTAssertNil(state.snapshotRejected, "the snapshot was not used")
        XCTAssertEqual(state.replayedEvents, 0)
        XCTAssertEqual(state.store.voidedBatches, [plan.batch])
        XCTAssertEqual(other.voidedImportBatches, [plan.batch])
        XCTAssertThrowsError(try other.voidImport(batch: plan.batch)) { e in
            XCTAssertEqual((e as? DeskError)?.message, "import batch \(plan.batch) is already voided")
        }
        XCTAssertThrowsError(try importFixture(.servicenow, "servicenow_incident_event_log.csv", mapping: "servicenow_mapping.toml", into: other)) { e in
            XCTAssertTrue((e as? ImportError)?.message.contains("which was voided") == true, "\(e)")
        }
        XCTAssertEqual(other.store.problems, [])
    }
}
