import BSCProtocol
import Foundation
import Testing

/// Protocol version 4's requests on the wire: the documented field names
/// (docs/protocol.md), a round trip, and which of them append.
@Suite("Protocol version 4: checks, migration, import, the board alone")
struct AdminMessagesTests {
    func object(_ m: Message) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(m.encoded())) as? [String: Any])
    }

    @Test func requestsRoundTripWithTheDocumentedFields() throws {
        let importArgs = ImportArgs(step: .writeMapping, format: "servicenow", file: ImportFile(name: "x.csv", content: "YWJj"),
                                    mapping: "format = \"servicenow\"", mappingName: "m.toml", zone: "Europe/London", outName: "m.toml")
        let messages: [Message] = [
            .request(Request(id: 1, verify: VerifyArgs(against: String(repeating: "a", count: 64)))),
            .request(Request(id: 2, doctor: DoctorArgs(all: true, strict: true))),
            .request(Request(id: 3, categories: CategoriesArgs(format: "json"))),
            .request(Request(id: 4, migrate: MigrateArgs(dryRun: true))),
            .request(Request(id: 5, import: importArgs)),
            .response(Response(id: 5, figures: ["tickets": 3, "events": 9])),
            .screenOpen(ScreenOpen(width: 80, height: 24, board: ScreenBoard(detailed: true, team: false))),
        ]
        for m in messages { #expect(try Message.decode(m.encoded()) == m) }
        let imported = try object(messages[4])
        #expect(imported["command"] as? String == "import")
        let args = try #require(imported["import"] as? [String: Any])
        #expect(args["step"] as? String == "write-mapping")
        #expect((args["file"] as? [String: Any])?["content"] as? String == "YWJj")
        #expect(try object(messages[0])["command"] as? String == "verify")
        let board = try #require(try object(messages[6])["board"] as? [String: Any])
        #expect(board["detailed"] as? Bool == true && board["team"] as? Bool == false)
    }

    @Test func onlyAnImportsWriteAndVoidAppend() {
        #expect(!Request(id: 1, verify: VerifyArgs()).appends)
        #expect(!Request(id: 1, doctor: DoctorArgs()).appends)
        #expect(!Request(id: 1, categories: CategoriesArgs()).appends)
        #expect(!Request(id: 1, migrate: MigrateArgs(dryRun: false)).appends)
        #expect(!Request(id: 1, import: ImportArgs(step: .plan)).appends)
        #expect(!Request(id: 1, import: ImportArgs(step: .writeMapping)).appends)
        #expect(Request(id: 1, import: ImportArgs(step: .write)).appends)
        #expect(Request(id: 1, import: ImportArgs(step: .void, batch: "b")).appends)
    }

    @Test func aVersion3ScreenOpenStillDecodesAsTheDesk() throws {
        let text = #"{"type":"screen.open","width":80,"height":24,"unicode":true}"#
        guard case .screenOpen(let m) = try Message.decode(Array(text.utf8)) else { throw TestFailure("not a screen.open") }
        #expect(m.board == nil)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
