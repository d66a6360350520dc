import BSCCore
import BSCTestSupport
import Crypto
import Foundation
import Testing
@testable import BSCJournal

/// A replay opens blobs with BoringSSL's AEAD straight from the key
/// table's bytes; it must read exactly what `encrypt` writes, and refuse
/// exactly what swift-crypto's `AES.GCM.open` refuses.
@Suite("ContentCipher")
struct ContentCipherTests {
    static func text(_ g: inout SplitMix, _ most: Int) -> String {
        let len = Int(g.next() % UInt64(most))
        return String((0..<len).map { _ in Character(UnicodeScalar(UInt8(32 + g.next() % 90))) }) + "é✓"
    }

    /// A body of each kind that carries content, with random text.
    static func bodies(_ g: inout SplitMix) -> [EventBody] {
        var details: [String: String] = [:]
        for k in 0..<Int(g.next() % 4) { details["k\(k)-\(text(&g, 8))"] = text(&g, 300) }
        let caller = Caller(name: text(&g, 40), type: .employee, reference: g.next() % 2 == 0 ? nil : text(&g, 12),
                            phone: text(&g, 15), email: g.next() % 2 == 0 ? nil : text(&g, 30))
        let contact = ContactRecord(channel: .phone, summary: text(&g, 300), received: Instant(millis: 1_764_000_000_000))
        return [
            .opened(caller: caller, category: "cs.pay", queue: "customer-services", priority: .normal, contact: contact, details: details),
            .contactLogged(contact),
            // A routing with neither details nor a note has nothing to seal.
            .routed(queue: "payroll", details: details, note: !details.isEmpty && g.next() % 2 == 0 ? nil : text(&g, 100)),
            .noted(text: text(&g, 300)),
            .corrected(field: .callerName, from: text(&g, 40), to: text(&g, 40)),
        ]
    }

    @Test func theReplayOpenerReadsWhatEncryptWritesForManyTicketsAndLengths() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("ContentCipherTests seed \(seed)")
        var g = SplitMix(seed: seed)
        for n in [1, 9, 99, 999_999, 1_000_000, 1_234_567, 42, 7] {
            let ref = TicketRef(n)
            let key = DataKey.random()
            for body in Self.bodies(&g) {
                let (redacted, content) = try #require(Sealing.seal(body))
                let enc = try ContentCipher.encrypt(content, key: key, ref: ref, type: body.type)
                let opened = try #require(key.bytes.withUnsafeBytes { ContentCipher.open(enc, keyBytes: $0, ref: ref, type: body.type) },
                                          "seed \(seed), \(ref) \(body.type)")
                #expect(Sealing.unseal(redacted, opened) == body, "seed \(seed), \(ref) \(body.type)")
                #expect(ContentCipher.decrypt(enc, key: key, ref: ref, type: body.type) == content)
            }
        }
    }

    /// Keys are matched on their bytes: a key bscdesk does not write is
    /// ignored, and one that is not UTF-8 makes the blob unreadable, as a
    /// value that is not UTF-8 does.
    @Test func contentKeysAreMatchedOnBytesAndMustBeUTF8() throws {
        var c = Sealing.Content()
        func set(_ key: [UInt8], _ value: String) -> Bool { key.withUnsafeBufferPointer { c.set(key: $0, value: value) } }
        #expect(set(Array("summary".utf8), "pay"))
        #expect(set(Array("summarx".utf8), "ignored"))
        #expect(set(Array("details.account".utf8), "123"))
        #expect(set(Array("details.".utf8), "empty name"))
        #expect(set([0xff, 0xfe], "x") == false)
        #expect(set(Array("details.".utf8) + [0xc3], "x") == false)
        let body = Sealing.unseal(.contactLogged(ContactRecord(channel: .email, summary: "", received: Instant(millis: 0))), c)
        #expect(body == .contactLogged(ContactRecord(channel: .email, summary: "pay", received: Instant(millis: 0))))
        #expect(Sealing.unseal(.routed(queue: "q", details: [:], note: nil), c) == .routed(queue: "q", details: ["account": "123", "": "empty name"], note: nil))
    }

    @Test func theReplayOpenerRefusesAnotherKeyTicketTypeOrAnyChangedByte() throws {
        let key = DataKey.random(), other = DataKey.random()
        let ref = TicketRef(4321)
        let enc = try ContentCipher.encrypt(["caller": "Ada Lovelace", "summary": "pay query"], key: key, ref: ref, type: .opened)
        func open(_ text: String, _ k: DataKey = key, _ r: TicketRef = ref, _ t: EventType = .opened) -> Sealing.Content? {
            k.bytes.withUnsafeBytes { ContentCipher.open(text, keyBytes: $0, ref: r, type: t) }
        }
        let redacted = EventBody.opened(caller: Caller(name: "", type: .employee), category: "c", queue: "q", priority: .normal,
                                        contact: ContactRecord(channel: .phone, summary: "", received: Instant(millis: 0)), details: [:])
        let full = EventBody.opened(caller: Caller(name: "Ada Lovelace", type: .employee), category: "c", queue: "q", priority: .normal,
                                    contact: ContactRecord(channel: .phone, summary: "pay query", received: Instant(millis: 0)), details: [:])
        #expect(open(enc).map { Sealing.unseal(redacted, $0) } == full)
        #expect(open(enc, other) == nil)
        #expect(open(enc, key, TicketRef(4322)) == nil)
        #expect(open(enc, key, ref, .contactLogged) == nil)
        // Every byte of nonce, ciphertext and tag is covered.
        let raw = Array(Data(base64Encoded: enc)!)
        for i in raw.indices {
            var bad = raw
            bad[i] ^= 0x01
            let text = Data(bad).base64EncodedString()
            #expect(open(text) == nil, "byte \(i) changed and still opened")
            #expect(ContentCipher.decrypt(text, key: key, ref: ref, type: .opened) == nil)
        }
        for text in ["", "QUJD", String(enc.dropLast(4)), enc + "====", "not base64 at all!!"] {
            #expect(open(text) == nil, "\(text) opened")
        }
        // A key of the wrong length is refused, not read past.
        #expect([UInt8](repeating: 1, count: 16).withUnsafeBytes { ContentCipher.open(enc, keyBytes: $0, ref: ref, type: .opened) } == nil)
    }
}
