import BSCCore
import Testing
@testable import BSCApp

@Suite struct InputParsingTests {
    let now = Timestamp.parse("2026-11-24T12:00:00.000Z")!

    @Test func fractionalSecondsOfAnyLength() throws {
        func t(_ s: String) throws -> String { Timestamp.format(try InputParsing.receivedTime(s, zone: .london, now: now)) }
        #expect(try t("2026-11-20T10:00:00.5") == "2026-11-20T10:00:00.500Z")
        #expect(try t("2026-11-20T10:00:00.123") == "2026-11-20T10:00:00.123Z")
        #expect(try t("2026-11-20T10:00:00.123456789") == "2026-11-20T10:00:00.123Z")
        #expect(throws: DeskError.self) { try InputParsing.receivedTime("2026-11-20T10:00:00.", zone: .london, now: now) }
    }

    @Test func durations() throws {
        #expect(try InputParsing.duration("4m30s") == 270_000)
        #expect(try InputParsing.duration("12:30") == 750_000)
        #expect(try InputParsing.duration("1h5m") == 3_900_000)
        #expect(throws: DeskError.self) { try InputParsing.duration("5m4h") }
        #expect(throws: DeskError.self) { try InputParsing.duration("8h1s") }
    }
}
