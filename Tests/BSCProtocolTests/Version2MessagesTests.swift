import BSCProtocol
import Foundation
import Testing

/// Protocol version 2's messages on the wire: field names as documented in
/// docs/protocol.md, which requests carry an event id, and which client
/// versions a server answers.
@Suite("Protocol version 2 messages")
struct Version2MessagesTests {
    func decode(_ json: String) throws -> Request {
        guard case .request(let r) = try Message.decode(Array(json.utf8)) else { throw ProtocolError.malformed("not a request") }
        return r
    }

    @Test func commandsWithDashesAndKeywordsDecodeByTheirDocumentedNames() throws {
        let v = try decode(#"{"type":"request","id":3,"command":"verify-identity","eventId":"00112233445566778899aabbccddeeff","verifyIdentity":{"ref":"BSC-000001","how":"call-back"}}"#)
        #expect(v.command == .verifyIdentity)
        #expect(v.verifyIdentity == VerifyIdentityArgs(ref: "BSC-000001", how: "call-back"))
        let r = try decode(#"{"type":"request","id":4,"command":"return","return":{"ref":"BSC-000002","note":"over to you"}}"#)
        #expect(r.return == ReturnArgs(ref: "BSC-000002", note: "over to you"))
        // Encoded back, the same names.
        let text = String(decoding: Message.request(Request(id: 1, eventId: nil, returnArgs: ReturnArgs(ref: "BSC-000002"))).encoded(), as: UTF8.self)
        #expect(text.contains(#""command":"return""#) && text.contains(#""return":{"ref":"BSC-000002"}"#))
    }

    @Test func onlyRequestsThatWriteCarryAnEventId() {
        #expect(Request(id: 1, route: RouteArgs(ref: "BSC-000001", queue: "payroll")).appends)
        #expect(!Request(id: 1, board: BoardArgs()).appends)
        #expect(!Request(id: 1, export: ExportArgs(outName: "fcr.csv")).appends)
        #expect(!Request(id: 1, erase: EraseArgs(caller: "Q1", reason: "r", preview: true)).appends)
        #expect(Request(id: 1, erase: EraseArgs(tickets: ["BSC-000001"], reason: "r", preview: false)).appends)
        #expect(!Request(id: 1, retention: RetentionArgs(apply: false)).appends)
        #expect(Request(id: 1, retention: RetentionArgs(apply: true)).appends)
        #expect(!Request(id: 1, config: ConfigArgs(action: "show")).appends)
        #expect(Request(id: 1, config: ConfigArgs(action: "set", key: "targets.fcr", value: "85")).appends)
    }

    @Test func aResponseWithoutFilesIsWhatAVersion1ClientReads() throws {
        let plain = String(decoding: Message.response(Response(id: 1, output: "BSC-000001\n")).encoded(), as: UTF8.self)
        #expect(!plain.contains("files") && !plain.contains("tickets"))
        let withFiles = Response(id: 2, files: [OutputFile(suffix: ".md", content: "# x\n")], tickets: ["BSC-000001"])
        guard case .response(let back) = try Message.decode(Message.response(withFiles).encoded()) else { Issue.record("not a response"); return }
        #expect(back == withFiles)
    }

    @Test func aServerAnswersVersions1And2AndNamesBothOtherwise() {
        #expect(Handshake.serverAccepts(1) && Handshake.serverAccepts(2))
        #expect(!Handshake.serverAccepts(0))
        #expect(Handshake.versionMismatch(client: 3, server: 2).contains("upgrade the server first"))
        #expect(Handshake.versionMismatch(client: 0, server: 2).contains("upgrade the client"))
    }
}
