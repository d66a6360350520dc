import BSCCore
import Testing
@testable import BSCJournal

/// Imported events on the line (docs/journal-format.md, "Imported events").
@Suite struct ImportedEventCodecTests {
    let source = ImportSource(batch: "imp-0123456789ab", system: "servicenow", file: "log.csv", row: 17,
                              at: Instant(millis: 1_456_800_000_000), sourceRef: "INC0000001", sourceCategory: "Category 55")

    func line(_ e: Event) -> [UInt8] { EventEncoder.body(e, tickets: 1) + Array(#","h":"00"}"#.utf8) }

    @Test func sourceFieldsRoundTripAndFCRIsNull() throws {
        let opened = Event(seq: 1, id: "a", at: Instant(millis: 1_800_000_000_000), user: "sup", ref: TicketRef(1),
                           body: .opened(caller: Caller(name: "Caller 1", type: .employee), category: "cs.general-enquiry", queue: "customer-services",
                                         priority: .normal, contact: ContactRecord(channel: .phone, summary: "s", received: source.at), details: [:]),
                           source: source)
        let text = String(decoding: line(opened), as: UTF8.self)
        #expect(text.contains(#""source_at":"2016-03-01T02:40:00.000Z","batch":"imp-0123456789ab","source_system":"servicenow","source_file":"log.csv","source_row":17"#))
        #expect(text.contains(#""source_ref":"INC0000001","source_category":"Category 55""#))
        #expect(try EventDecoder().decode(line(opened)).event == opened)

        var later = source
        later.sourceRef = nil
        later.sourceCategory = nil
        let resolved = Event(seq: 2, id: "b", at: opened.at, user: "sup", ref: TicketRef(1), body: .resolved(note: nil, firstContact: false), source: later)
        let resolvedText = String(decoding: line(resolved), as: UTF8.self)
        #expect(resolvedText.contains(#""fcr":null"#))
        #expect(!resolvedText.contains("source_ref"))
        #expect(try EventDecoder().decode(line(resolved)).event == resolved)
        #expect(resolved.happenedAt == source.at)

        let void = Event(seq: 3, id: "c", at: opened.at, user: "sup", ref: TicketRef(1), body: .importVoided(batch: "imp-0123456789ab"))
        #expect(String(decoding: line(void), as: UTF8.self).contains(#""type":"import.voided","ref":"BSC-000001","tickets":1,"batch":"imp-0123456789ab""#))
        let decodedVoid = try EventDecoder().decode(line(void)).event
        #expect(decodedVoid == void)
        #expect(decodedVoid.source == nil)
    }

    @Test func damagedImportFieldsAreRejectedWithAReason() {
        let base = #"{"v":1,"seq":1,"id":"a","ts":"2026-11-24T09:05:00.000Z","user":"sup","type":"ticket.resolved","ref":"BSC-000001","tickets":1,"#
        func reason(_ rest: String) -> String? {
            do { _ = try EventDecoder().decode(Array((base + rest + #","h":"00"}"#).utf8)); return nil } catch { return error.message }
        }
        #expect(reason(#""fcr":null"#) == "\"fcr\": null is only for imported events (with \"batch\")")
        #expect(reason(#""fcr":null,"batch":"b","source_system":"s","source_file":"f","source_row":2"#) == "missing \"source_at\" on an imported event")
        #expect(reason(#""fcr":null,"batch":"b","source_at":"x","source_system":"s","source_file":"f","source_row":2"#)?.hasPrefix("\"source_at\" is not a UTC timestamp") == true)
        #expect(reason(#""fcr":null,"batch":"b","source_at":"2016-03-01T02:40:00.000Z","source_system":"s","source_file":"f","source_row":-1"#) == "missing or invalid \"source_row\"")
        #expect(reason(#""fcr":false,"batch":"b","source_at":"2016-03-01T02:40:00.000Z","source_system":"s","source_file":"f","source_row":2"#) == nil)
    }
}
