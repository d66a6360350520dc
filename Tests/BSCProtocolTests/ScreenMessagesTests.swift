import BSCProtocol
import Foundation
import Testing

/// Protocol version 3's screen messages on the wire: the documented field
/// names, what is left out when unset, and that every message survives
/// encoding and decoding unchanged.
@Suite("Protocol version 3 screen messages")
struct ScreenMessagesTests {
    func roundTrip(_ m: Message) throws -> Message { try Message.decode(m.encoded()) }
    func text(_ m: Message) -> String { String(decoding: m.encoded(), as: UTF8.self) }

    @Test func everyScreenMessageRoundTrips() throws {
        let messages: [Message] = [
            .screenOpen(ScreenOpen(width: 80, height: 24, unicode: true, draft: #"{"callerName":"Jo"}"#, draftId: "s00ab")),
            .keys(ScreenKeys(keys: [.char("é"), .plain("enter"), .function(10), .ctrl("s"), .alt(":"), .click(x: 3, y: 4)])),
            .resize(ScreenResize(width: 100, height: 30)),
            .frame(ScreenFrame(full: false, width: 80, height: 24,
                               runs: [WireRun(x: 1, y: 2, text: "山田 Jo", role: "selection", bold: true, reverse: true)],
                               cursor: WirePoint(x: 5, y: 6))),
            .draft(ScreenDraft(draftId: "s00ab", draft: nil)),
            .file(ScreenFile(path: "/home/amy/fcr.csv", files: [OutputFile(suffix: "", content: "a,b\n")])),
            .screenClosed(ScreenClosed()),
        ]
        for m in messages { #expect(try roundTrip(m) == m) }
    }

    @Test func documentedNamesDecode() throws {
        let open = try Message.decode(Array(#"{"type":"screen.open","width":80,"height":24,"unicode":false}"#.utf8))
        #expect(open == .screenOpen(ScreenOpen(width: 80, height: 24, unicode: false)))
        let keys = try Message.decode(Array(#"{"type":"keys","keys":[{"key":"function","number":5},{"key":"char","text":"a"}]}"#.utf8))
        #expect(keys == .keys(ScreenKeys(keys: [.function(5), .char("a")])))
        let closed = try Message.decode(Array(#"{"type":"screen.closed","message":"bye"}"#.utf8))
        #expect(closed == .screenClosed(ScreenClosed(message: "bye")))
    }

    @Test func aRunSendsEmphasisOnlyWhenSetAndAFrameWithoutCursorHidesIt() {
        let plain = text(.frame(ScreenFrame(full: true, width: 2, height: 1, runs: [WireRun(x: 0, y: 0, text: "ab", role: "normal")], cursor: nil)))
        #expect(!plain.contains("bold") && !plain.contains("reverse") && !plain.contains("underline") && !plain.contains("cursor"))
        let bold = text(.frame(ScreenFrame(full: true, width: 2, height: 1, runs: [WireRun(x: 0, y: 0, text: "ab", role: "title", bold: true)], cursor: nil)))
        #expect(bold.contains(#""bold":true"#) && !bold.contains("reverse"))
    }

    @Test func aMissingSizeIsNamed() {
        #expect(throws: ProtocolError.malformed("missing field \"height\"")) {
            try Message.decode(Array(#"{"type":"screen.open","width":80,"unicode":true}"#.utf8))
        }
    }

    @Test func draftIdsNeverNameAPath() {
        #expect(DraftIds.isValid("s0123456789abcdef"))
        #expect(DraftIds.isValid("1733011200000-42-1"))
        for bad in ["", "../x", "a/b", "a.b", "A", String(repeating: "a", count: 65), "a b"] { #expect(!DraftIds.isValid(bad), "\(bad)") }
    }

    @Test func version4AnswersOlderClients() {
        #expect(protocolVersion == 4)
        #expect(Handshake.serverAccepts(1) && Handshake.serverAccepts(2) && Handshake.serverAccepts(3) && Handshake.serverAccepts(4))
        #expect(!Handshake.serverAccepts(5))
    }
}
