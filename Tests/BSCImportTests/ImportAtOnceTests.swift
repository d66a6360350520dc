import BSCApp
import BSCCore
import BSCImport
import Foundation
import XCTest

/// `--yes` imports in one reading of the file (`Importer.importAtOnce`):
/// it counts the summary as it writes. What it writes, and the summary it
/// shows afterwards, must be those of a plan followed by its write.
final class ImportAtOnceTests: XCTestCase {
    func journal(_ d: Desk) throws -> [String] {
        try d.store.tickets.sorted { $0.ref.number < $1.ref.number }.flatMap { t in
            try d.history(t.ref).map { "\(t.ref) \($0.id) \($0.type.rawValue) \($0.happenedAt)" }
        }
    }

    func atOnce(_ format: ImportFormat, _ input: CSVInput, mapping: ImportMapping, desk: Desk, eventsPerAppend: Int = 5_000) throws
        -> (plan: ImportPlan, written: Int, rejects: String) {
        var rejects = ""
        let (plan, written) = try Importer.importAtOnce(format, input: input, mapping: mapping, zone: .london, target: try Importer.Target(desk: desk),
                                                        eventsPerAppend: eventsPerAppend, reject: { r in
            if rejects.isEmpty { rejects = Importer.rejectsHeader(try input.header()) }
            rejects += Importer.rejectLine(r)
        })
        return (plan, written, rejects)
    }

    /// Each format's fixture: the same events, summary and rejects as the
    /// plan and its write; a second run writes nothing and says so.
    func testOneReadingWritesWhatAPlanAndItsWriteWrite() throws {
        for (format, file, map) in [(ImportFormat.servicenow, "servicenow_incident_event_log.csv", "servicenow_mapping.toml"),
                                    (.osticket, "osticket_tickets.csv", "osticket_mapping.toml"),
                                    (.zendesk, "zendesk_tickets.csv", "zendesk_mapping.toml"),
                                    (.csv, "zendesk_tickets.csv", "csv_mapping.toml")] {
            let planned = try makeImportDesk()
            let plan = try importFixture(format, file, mapping: map, into: planned)
            let expectedRejects = try Importer.rejectsCSV(plan)

            let once = try makeImportDesk()
            let input = try CSVInput(path: fixturePath(file), ticketColumn: format.ticketColumn)
            if format == .servicenow { XCTAssertEqual(input.ticketRowsTogether, true, "the fixture's incidents are each in one run") }
            // Small appends: stories cross many of them.
            let run = try atOnce(format, input, mapping: try fixtureMapping(map, desk: once), desk: once, eventsPerAppend: 7)
            XCTAssertEqual(Importer.summary(run.plan), Importer.summary(plan), "\(format)")
            XCTAssertEqual(run.written, plan.events, "\(format)")
            XCTAssertEqual(run.rejects, plan.rejectedCount > 0 ? expectedRejects : "", "\(format)")
            XCTAssertEqual(try journal(once), try journal(planned), "\(format)")

            let again = try atOnce(format, try CSVInput(path: fixturePath(file), ticketColumn: format.ticketColumn),
                                   mapping: try fixtureMapping(map, desk: once), desk: once)
            XCTAssertEqual(again.written, 0)
            XCTAssertEqual(again.plan.alreadyImported, plan.tickets, "\(format)")
            XCTAssertTrue(Importer.summary(again.plan).contains("to write: 0 tickets, 0 events"))
        }
    }

    /// The fixture with each incident's rows spread through the file: the
    /// check at open says so, and the one reading, after a pass that learns
    /// where each incident ends, writes the same stories.
    func testAnEventLogWithRowsApartIsReadFirstThenWrittenTheSame() throws {
        let lines = try String(contentsOfFile: fixturePath("servicenow_incident_event_log.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        // The first incident's last row moved to the end.
        let first = lines[1].prefix { $0 != "," }
        let lastOfFirst = try XCTUnwrap(lines.lastIndex { $0.hasPrefix(first + ",") })
        XCTAssertGreaterThan(lastOfFirst, 1)
        var moved = lines
        let row = moved.remove(at: lastOfFirst)
        moved.append(row)
        let bytes = Array((moved.joined(separator: "\n") + "\n").utf8)
        let input = try CSVInput(bytes: bytes, fileName: "apart.csv", ticketColumn: "number")
        XCTAssertEqual(input.ticketRowsTogether, false)

        let planned = try makeImportDesk()
        let mapping = try fixtureMapping("servicenow_mapping.toml", desk: planned)
        let plan = try Importer.plan(.servicenow, input: try CSVInput(bytes: bytes, fileName: "apart.csv"), mapping: mapping, zone: .london, desk: planned)
        try Importer.write(plan, desk: planned)
        let once = try makeImportDesk()
        let run = try atOnce(.servicenow, input, mapping: mapping, desk: once)
        XCTAssertEqual(Importer.summary(run.plan), Importer.summary(plan))
        XCTAssertEqual(try journal(once), try journal(planned))
    }

    /// What the check at open reads as one ticket's run of rows, and where
    /// it is unsure (it then says false: the import reads the file first).
    func testTheCheckAtOpenFindsEachTicketsRowsTogetherOrApart() throws {
        func together(_ text: String, chunkBytes: Int = CSVInput.chunkBytes) throws -> Bool? {
            try CSVInput(bytes: Array(text.utf8), fileName: "t.csv", ticketColumn: "number", chunkBytes: chunkBytes).ticketRowsTogether
        }
        XCTAssertNil(try CSVInput(bytes: Array("number,x\nA,1\n".utf8), fileName: "t.csv").ticketRowsTogether)
        XCTAssertEqual(try together("x,number\n1,A\n2,A\n3,B\n4,C\n5,C"), true)
        XCTAssertEqual(try together("x,number\n1,A\n2,B\n3,A\n"), false)
        // As the readers read the number: trimmed, quoted, "?" and empty left out, CRLF.
        XCTAssertEqual(try together("x,number\r\n1,A\r\n2,\" A\"\r\n3,?\r\n4,\r\n5,B\r\n6,A \r\n"), false)
        XCTAssertEqual(try together("x,number\r\n1,A\r\n2,\"A\"\r\n3,?\r\n4,\r\n5,B\r\n6,B \r\n"), true)
        XCTAssertEqual(try together("x,number\n\"1\n2\",A\n\"3,\"\"x\"\"\",A\n\n4,B\n"), true)
        XCTAssertEqual(try together("x,number\n1,A\n\"3,\"\"x\"\"\n,A\",B\n4,A\n"), false, "the A inside a quoted field is no row of A")
        // Unsure: a lone carriage return, a stray quote in the number, no such column.
        XCTAssertEqual(try together("x,number\r1,A\r2,B\r"), false)
        XCTAssertEqual(try together("x,number\n1,A\"\n2,B\n"), false)
        XCTAssertEqual(try together("x,nomber\n1,A\n"), false)
        // A header quoted like any row; the ticket column found trimmed.
        XCTAssertEqual(try together("\"x\",\" number\"\n1,A\n2,A\n"), true)
        // Semicolons (a decimal-comma locale) and a byte order mark.
        XCTAssertEqual(try together("\u{FEFF}x;number\n1,5;A\n2;B\n"), true)
    }
}
