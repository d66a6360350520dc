import BSCCore
import Testing
@testable import BSCJournal

@Suite struct EventCodecTests {
    func roundTrip(_ body: EventBody) throws -> Event {
        let e = Event(seq: 7, id: "abc", at: Fixture.t0, user: "zoë", ref: TicketRef(12), body: body)
        var bytes = EventEncoder.body(e, tickets: 12)
        bytes += Array(#","h":"00"}"#.utf8)
        let d = try EventDecoder().decode(bytes)
        #expect(d.tickets == 12)
        #expect(d.hash == "00")
        return d.event
    }

    @Test func everyEventTypeRoundTrips() throws {
        let contact = ContactRecord(channel: .faceToFace, summary: "line 1\nline \"2\"\t\\ 山田 \u{1B}[2J", received: Fixture.t0.adding(minutes: -5), durationMillis: 123_000)
        let bodies: [EventBody] = [
            .opened(caller: Caller(name: "Zoë Łukasik", type: .supplier, reference: "S1", phone: "0123", email: "z@example.org"),
                    category: "exchequer.payment-chase", queue: "customer-services", priority: .high, contact: contact, details: ["invoice-number": "INV-1", "amount": "£5"]),
            .contactLogged(contact),
            .routed(queue: "payroll", details: ["employee-number": "E1"], note: "see notes"),
            .routed(queue: "payroll", details: [:], note: nil),
            .assigned(to: "pharris"),
            .pending(reason: .thirdParty),
            .resumed,
            .resolved(note: "done", firstContact: true),
            .resolved(note: nil, firstContact: false),
            .reopened(reason: nil),
            .closed,
            .noted(text: "a note with \u{7} bell"),
            .corrected(field: .callerName, from: "Jon", to: "John"),
            .feedback(rating: 4, source: .survey),
        ]
        for b in bodies {
            let e = try roundTrip(b)
            #expect(e.body == b)
            #expect(e.user == "zoë")
            #expect(e.seq == 7)
            #expect(e.at == Fixture.t0)
        }
    }

    @Test func encodedLinesHaveNoRawControlCharacters() {
        let e = Event(id: "x", at: Fixture.t0, user: "u", ref: TicketRef(1), body: .noted(text: "a\u{0}b\u{1B}c\u{7F}d\ne"))
        let bytes = EventEncoder.body(e, tickets: 1)
        #expect(!bytes.contains { $0 < 0x20 || $0 == 0x7F })
        #expect(String(decoding: bytes, as: UTF8.self).contains(#"a\u0000b\u001bc\u007fd\ne"#))
    }

    @Test func rejectsBadLinesWithAReason() {
        let bad: [(String, String)] = [
            (#"{"v":1}"#, "missing or invalid \"seq\""),
            (#"{"v":2,"seq":1}"#, "unsupported format version 2"),
            (#"{"v":1,"seq":1,"id":"a","ts":"2026-11-24 09:00","user":"u","type":"ticket.closed","ref":"BSC-000001","tickets":1}"#, "\"ts\" is not a UTC timestamp"),
            (#"{"v":1,"seq":1,"id":"a","ts":"2026-11-24T09:00:00.000Z","user":"u","type":"ticket.exploded","ref":"BSC-000001","tickets":1}"#, "unknown event type \"ticket.exploded\""),
            (#"{"v":1,"seq":1,"id":"a","ts":"2026-11-24T09:00:00.000Z","user":"u","type":"feedback.recorded","ref":"BSC-000001","tickets":1,"rating":9,"source":"phone"}"#, "rating"),
            (#"{"v":1,"seq":1,"id":"a","ts":"2026-11-24T09:00:00.000Z","user":"u","type":"ticket.closed","ref":"BSC-000001","tickets":1"#, "unterminated object"),
            (#"{"v":1,"seq":1,"id":"a","ts":"2026-11-24T09:00:00.000Z","user":"u","type":"ticket.closed","ref":"BSC-000001","tickets":1} x"#, "unexpected bytes"),
            ("\u{0}\u{0}\u{0}", "expected '{'"),
        ]
        for (line, reason) in bad {
            do {
                _ = try EventDecoder().decode(Array(line.utf8))
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.message.contains(reason), "\(line): \(error.message)")
            }
        }
        var invalidUTF8 = Array(#"{"v":1,"seq":1,"id":"a","ts":"2026-11-24T09:00:00.000Z","user":"#.utf8)
        invalidUTF8 += [34, 0xFF, 0xFE, 34]
        invalidUTF8 += Array(#","type":"ticket.closed","ref":"BSC-000001","tickets":1}"#.utf8)
        #expect(throws: DecodeError.self) { try EventDecoder().decode(invalidUTF8) }
    }

    @Test func unknownKeysAreIgnoredForForwardCompatibility() throws {
        let line = #"{"v":1,"seq":3,"id":"a","ts":"2026-11-24T09:00:00.000Z","user":"u","type":"ticket.closed","ref":"BSC-000004","tickets":4,"future":{"x":[1,2,{"y":null}]},"h":"ab"}"#
        let d = try EventDecoder().decode(Array(line.utf8))
        #expect(d.event.body == .closed)
        #expect(d.event.ref == TicketRef(4))
    }
}
