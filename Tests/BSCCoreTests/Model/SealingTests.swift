import Testing
@testable import BSCCore

/// A replay unseals from the decrypted pairs, not a map: both must give the
/// body that was sealed, for every kind of event that carries content.
@Suite("Sealing")
struct SealingTests {
    static let at = Instant(millis: 1_764_000_000_000)
    static var bodies: [EventBody] {
        var caller = Caller(name: "Ada Lovelace", type: .employee, reference: "E200 004", phone: "01632 960000", email: "ada@example.org")
        caller.nameIndex = "abc"
        caller.referenceIndex = "def"
        let contact = ContactRecord(channel: .phone, summary: "Pay query — overtime ✓", received: at, durationMillis: 60_000)
        return [
            .opened(caller: caller, category: "cs.pay", queue: "customer-services", priority: .normal, contact: contact,
                    details: ["account": "12345678", "sort": "00-00-00"]),
            .opened(caller: Caller(name: "No Ref", type: .supplier), category: "cs.pay", queue: "customer-services", priority: .high,
                    contact: contact, details: [:]),
            .contactLogged(contact),
            .routed(queue: "payroll", details: ["period": "M08"], note: "urgent"),
            .routed(queue: "payroll", details: ["period": "M08"], note: nil),
            .resolved(note: "paid", firstContact: true),
            .reopened(reason: "not paid"),
            .noted(text: "called back"),
            .corrected(field: .callerName, from: "Ada", to: "Ada Lovelace"),
            .identityVerified(how: "call-back to number on file"),
        ]
    }

    @Test func sealedBodiesComeBackFromPairsAndFromTheMap() throws {
        for body in Self.bodies {
            let (redacted, content) = try #require(Sealing.seal(body))
            #expect(redacted != body)
            #expect(Sealing.unseal(redacted, content) == body, "\(body)")
            let pairs = content.keys.sorted().map { (key: $0, value: content[$0]!) }
            #expect(Sealing.unseal(redacted, pairs: pairs) == body, "\(body)")
        }
    }

    @Test func aRepeatedKeyInPairsKeepsTheLastAsAMapWould() {
        let body = EventBody.noted(text: "")
        #expect(Sealing.unseal(body, pairs: [(key: "text", value: "first"), (key: "text", value: "last")]) == .noted(text: "last"))
        #expect(Sealing.unseal(body, pairs: []) == .noted(text: ""))
    }
}
