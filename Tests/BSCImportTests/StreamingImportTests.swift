import BSCApp
import BSCCore
import BSCImport
import Foundation
import XCTest

/// Import reads the file in chunks of whole records, more than once (plan,
/// write), holding only the tickets begun and not ended: what it reads and
/// writes must not depend on where chunks end or on how the file orders
/// its rows.
final class StreamingImportTests: XCTestCase {
    func rows(_ input: CSVInput) throws -> [String] {
        var out: [String] = []
        let header = try input.forEachRow({ line, f in out.append("\(line): \(f)") }, bad: { line, f, why in out.append("\(line) bad: \(f) \(why)") })
        return ["header: \(header)"] + out
    }

    /// Quoted fields with line breaks, delimiters and `""`, a quote inside
    /// an unquoted field, CRLF and LF endings, a blank line, a short row,
    /// non-ASCII text: read with chunks as small as one record, the rows
    /// and their line numbers are those of one chunk.
    func testChunksOfWholeRecordsReadAsTheWholeFile() throws {
        let text = "number,note,when\r\nA1,\"two\nlines, and \"\"quotes\"\"\",1\r\nA2,5\" screen,2\n\nA3,\"Zoë, \"\"Łukasik\"\"\r\n\",3\nA4,short\nA5,\"\",\"\"\n\"A6\",x,\"6\"\"\""
        let bytes = Array(text.utf8)
        let whole = try rows(CSVInput(bytes: bytes, fileName: "t.csv"))
        XCTAssertEqual(whole.count, 7, whole.joined(separator: "\n"))
        XCTAssertTrue(whole[1].hasPrefix("2: "), whole[1])
        XCTAssertTrue(whole[2].hasPrefix("4: "), whole[2])  // the record before spans lines 2-3
        for size in [1, 2, 7, 30] {
            XCTAssertEqual(try rows(CSVInput(bytes: bytes, fileName: "t.csv", chunkBytes: size)), whole, "chunks of \(size) bytes")
        }
        // The file's bytes are checked whole when it is opened.
        XCTAssertThrowsError(try CSVInput(bytes: Array("a,b\n1,2\n".utf8) + [0xC3, 0x28] + Array(",x\n".utf8), fileName: "bad.csv", chunkBytes: 2)) { e in
            XCTAssertEqual((e as? ImportError)?.message, "bad.csv is not UTF-8 (near byte 9); export it as UTF-8 and try again")
        }
    }

    /// The write reads the file again: a file changed since it was opened
    /// (even to the same length) stops the pass instead of importing other
    /// rows under the first file's batch.
    func testAFileChangedAfterItWasOpenedIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-changed-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "number,opened_at\nINC1,01/03/2016 09:00\n".write(toFile: path, atomically: false, encoding: .utf8)
        let input = try CSVInput(path: path)
        XCTAssertEqual(try rows(input).count, 2)
        let fd = open(path, O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(pwrite(fd, "INC2", 4, 17), 4)
        close(fd)
        XCTAssertThrowsError(try rows(input)) { e in
            XCTAssertTrue((e as? ImportError)?.message.contains("changed while it was being imported") == true, "\(e)")
        }
    }

    /// The ServiceNow fixture with each incident's rows spread through the
    /// file (row 1 of every incident, then row 2 of every incident, …):
    /// read again with each incident held from its first row to its last,
    /// it gives the same stories as the file with each incident's rows
    /// together.
    func testAnEventLogWithAnIncidentsRowsApartGivesTheSameStories() throws {
        let lines = try String(contentsOfFile: fixturePath("servicenow_incident_event_log.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var groups: [(String, [String])] = []
        var rest: [String] = []
        for line in lines.dropFirst() where !line.isEmpty {
            let number = String(line.prefix { $0 != "," })
            if number.hasPrefix("INC") {
                if let k = groups.firstIndex(where: { $0.0 == number }) { groups[k].1.append(line) } else { groups.append((number, [line])) }
            } else {
                rest.append(line)
            }
        }
        var spread: [String] = [lines[0]]
        for i in 0..<groups.map(\.1.count).max()! {
            for g in groups where i < g.1.count { spread.append(g.1[i]) }
        }
        spread += rest
        let apart = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-spread-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: apart) }
        try (spread.joined(separator: "\n") + "\n").write(toFile: apart, atomically: false, encoding: .utf8)

        let together = try makeImportDesk()
        let a = try importFixture(.servicenow, "servicenow_incident_event_log.csv", mapping: "servicenow_mapping.toml", into: together)
        let spreadDesk = try makeImportDesk()
        let mapping = try fixtureMapping("servicenow_mapping.toml", desk: spreadDesk)
        let b = try Importer.plan(.servicenow, input: try CSVInput(path: apart), mapping: mapping, zone: .london, desk: spreadDesk)
        XCTAssertEqual(b.tickets, a.tickets)
        XCTAssertEqual(b.events, a.events)
        XCTAssertEqual(b.eventsByType, a.eventsByType)
        XCTAssertEqual(b.adaptations, a.adaptations)
        XCTAssertEqual(b.rejectedCount, a.rejectedCount)
        XCTAssertEqual(try Importer.write(b, desk: spreadDesk), a.events)
        func stories(_ d: Desk) throws -> [String: [String]] {
            var out: [String: [String]] = [:]
            for t in d.store.tickets {
                out[t.imported!.sourceRef] = try d.history(t.ref).map { "\($0.id) \($0.type.rawValue) \($0.happenedAt)" }
            }
            return out
        }
        let expected = try stories(together)
        XCTAssertEqual(expected.count, 20)
        // The same events but for the batch (another file) and so the ids.
        func withoutIds(_ s: [String: [String]]) -> [String: [String]] { s.mapValues { $0.map { String($0.drop { $0 != " " }) } } }
        XCTAssertEqual(withoutIds(try stories(spreadDesk)), withoutIds(expected))
    }

    /// More rejected rows than a plan keeps: the summary counts them all
    /// and the rejects file, read again from the export, has every one.
    func testEveryRejectedRowReachesTheRejectsFile() throws {
        var text = "number,opened_at,incident_state\n"
        for i in 1...1500 { text += "INC\(i),not a date,Active\n" }
        text += "INC9999,01/03/2016 09:00,Active\n"
        let desk = try makeImportDesk()
        let plan = try Importer.plan(.servicenow, input: try CSVInput(bytes: Array(text.utf8), fileName: "r.csv"),
                                     mapping: .defaults(format: "servicenow", taxonomy: desk.taxonomy), zone: .london, desk: desk)
        XCTAssertEqual(plan.rejectedCount, 1500)
        XCTAssertEqual(plan.rejected.count, Importer.rejectsKept)
        XCTAssertEqual(plan.tickets, 1)
        XCTAssertTrue(Importer.summary(plan).contains("rejected rows: 1500"))
        let csv = try Importer.rejectsCSV(plan).split(separator: "\r\n")
        XCTAssertEqual(csv.count, 1501)
        XCTAssertEqual(csv.last, #"1501,"opened_at ""not a date"" is not a date (dd/mm/yyyy hh:mm or ISO 8601)",INC1500,not a date,Active"#)
    }
}
