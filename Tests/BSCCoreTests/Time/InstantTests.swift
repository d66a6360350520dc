import Testing
@testable import BSCCore

@Suite struct InstantTests {
    @Test func civilDateRoundTripsAcrossCenturies() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.isValid)
            #expect(date.daysSinceEpoch == days)
        }
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
    }

    @Test func isoWeekday() {
        #expect(CivilDate(year: 2026, month: 11, day: 24).isoWeekday == 2)  // Tuesday
        #expect(CivilDate(year: 2027, month: 3, day: 28).isoWeekday == 7)  // Sunday
        #expect(CivilDate(year: 1970, month: 1, day: 1).isoWeekday == 4)
    }

    @Test func timestampFormatAndParse() {
        let t = Timestamp.parse("2026-11-24T09:05:07.042Z")
        #expect(t != nil)
        #expect(t.map(Timestamp.format) == "2026-11-24T09:05:07.042Z")
        #expect(Timestamp.parse("2026-02-30T09:05:07.042Z") == nil)
        #expect(Timestamp.parse("2026-11-24T24:05:07.042Z") == nil)
        #expect(Timestamp.parse("2026-11-24T09:05:07Z") == nil)
        #expect(Timestamp.parse("2026-11-24T09:0a:07.042Z") == nil)
        #expect(Timestamp.format(Instant(millis: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Instant(millis: -1)) == "1969-12-31T23:59:59.999Z")
    }

    @Test func civilDateParse() {
        #expect(CivilDate.parse("2024-02-29") == CivilDate(year: 2024, month: 2, day: 29))
        #expect(CivilDate.parse("2023-02-29") == nil)
        #expect(CivilDate.parse("2023-2-28") == nil)
    }
}
