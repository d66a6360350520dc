import BSCProtocol
import Testing

@Suite struct FrameTests {
    @Test func aFrameIsABigEndianLengthThenThePayload() {
        #expect(Frame.encode([0x7b, 0x7d]) == [0, 0, 0, 2, 0x7b, 0x7d])
        #expect(Frame.header(length: 0x01020304) == [1, 2, 3, 4])
    }

    @Test func frameReaderWaitsForWholeFramesAcrossChunks() throws {
        let one = Message.hello(Hello(client: "test")).framed()
        let two = Message.request(Request(id: 7, note: NoteArgs(ref: "BSC-000001", text: "hi"))).framed()
        let stream = one + two
        var reader = FrameReader()
        var got: [Message] = []
        // Byte by byte: the worst split a socket can give.
        for b in stream {
            reader.append([b])
            while let payload = try reader.next() { got.append(try Message.decode(payload)) }
        }
        #expect(got == [.hello(Hello(client: "test")), .request(Request(id: 7, note: NoteArgs(ref: "BSC-000001", text: "hi")))])
        #expect(reader.pending == 0)
    }

    @Test func anOversizedFrameIsRefusedBeforeItIsBuffered() {
        var reader = FrameReader()
        reader.append(Frame.header(length: Frame.maxLength + 1))
        #expect(throws: FrameError.tooLong(Frame.maxLength + 1)) { try reader.next() }
    }

    @Test func anEmptyFrameIsRefused() {
        var reader = FrameReader()
        reader.append([0, 0, 0, 0])
        #expect(throws: FrameError.empty) { try reader.next() }
    }
}

@Suite struct MessageTests {
    @Test func everyMessageRoundTrips() throws {
        let messages: [Message] = [
            .hello(Hello(client: "bscdesk")),
            .welcome(Welcome(login: "amy", role: "agent")),
            .refused(Refusal(status: 77, message: "no")),
            .request(Request(id: 1, eventId: EventIds.random(), log: LogArgs(caller: "A", channel: "phone", category: "payroll.payslip-query", summary: "s"))),
            .request(Request(id: 2, list: ListArgs(queue: "payroll", format: "json"))),
            .request(Request(id: 3, show: ShowArgs(ref: "BSC-000001"))),
            .request(Request(id: 4, resolve: ResolveArgs(ref: "BSC-000001", note: "done"))),
            .request(Request(id: 5, stats: StatsArgs(period: "2026-11", by: ["queue"]))),
            .response(Response(id: 5, status: 65, warnings: ["w"], error: "refused")),
        ]
        for m in messages { #expect(try Message.decode(m.encoded()) == m) }
    }

    @Test func theTypeFieldTellsMessagesApart() throws {
        let text = #"{"type":"welcome","protocol":"# + String(protocolVersion) + #","login":"ben","role":"agent"}"#
        #expect(try Message.decode(Array(text.utf8)) == .welcome(Welcome(login: "ben", role: "agent")))
    }

    @Test func malformedMessagesSayWhatIsWrong() {
        #expect(throws: ProtocolError.malformed("not a JSON object")) { try Message.decode(Array("[1,2".utf8)) }
        #expect(throws: ProtocolError.malformed("missing field \"protocol\"")) { try Message.decode(Array(#"{"type":"hello","client":"x"}"#.utf8)) }
        #expect(throws: ProtocolError.self) { try Message.decode(Array(#"{"type":"shutdown"}"#.utf8)) }
    }

    @Test func appendingCommandsAreTheOnesThatTakeAnEventId() {
        #expect(Request(id: 1, note: NoteArgs(ref: "BSC-000001", text: "x")).appends)
        #expect(!Request(id: 1, list: ListArgs()).appends)
        #expect(!Request(id: 1, stats: StatsArgs()).appends)
    }

    @Test func eventIdsAre32LowercaseHexDigits() {
        #expect(EventIds.isValid(EventIds.random()))
        #expect(!EventIds.isValid("ABCDEF0123456789abcdef0123456789"))
        #expect(!EventIds.isValid("abc"))
        #expect(!EventIds.isValid(String(repeating: "g", count: 32)))
    }

    @Test func aVersionMismatchNamesBothVersions() {
        let m = Handshake.versionMismatch(client: 2, server: 1)
        #expect(m.contains("version 2") && m.contains("version 1"))
    }
}
