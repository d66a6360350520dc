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
    static let types: [EventType] = [.opened, .contactLogged, .routed, .noted, .corrected]

    @Test func theReplayOpenerReadsWhatEncryptWritesForManyTicketsAndLengths() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("ContentCipherTests seed \(seed)")
        var g = SplitMix(seed: seed)
        for n in [1, 9, 99, 999_999, 1_000_000, 1_234_567, 42, 7] {
            let ref = TicketRef(n)
            let key = DataKey.random()
            for type in Self.types {
                var content: [String: String] = [:]
                for k in 0..<Int(g.next() % 6) {
                    let len = Int(g.next() % 300)
                    content["k\(k)"] = String((0..<len).map { _ in Character(UnicodeScalar(UInt8(32 + g.next() % 90))) }) + "é✓"
                }
                let enc = try ContentCipher.encrypt(content, key: key, ref: ref, type: type)
                let opened = key.bytes.withUnsafeBytes { ContentCipher.decryptPairs(enc, keyBytes: $0, ref: ref, type: type) }
                #expect(opened.map { Dictionary($0, uniquingKeysWith: { _, last in last }) } == content, "seed \(seed), \(ref) \(type)")
                // Written sorted by key, read back in that order.
                #expect(opened?.map(\.key) == content.keys.sorted())
                #expect(ContentCipher.decrypt(enc, key: key, ref: ref, type: type) == content)
            }
        }
    }

    @Test func theReplayOpenerRefusesAnotherKeyTicketTypeOrAnyChangedByte() throws {
        let key = DataKey.random(), other = DataKey.random()
        let ref = TicketRef(4321)
        let enc = try ContentCipher.encrypt(["caller": "Ada Lovelace", "summary": "pay query"], key: key, ref: ref, type: .opened)
        func open(_ text: String, _ k: DataKey = key, _ r: TicketRef = ref, _ t: EventType = .opened) -> [(key: String, value: String)]? {
            k.bytes.withUnsafeBytes { ContentCipher.decryptPairs(text, keyBytes: $0, ref: r, type: t) }
        }
        #expect(open(enc).map { Dictionary($0, uniquingKeysWith: { _, last in last }) } == ["caller": "Ada Lovelace", "summary": "pay query"])
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
        #expect([UInt8](repeating: 1, count: 16).withUnsafeBytes { ContentCipher.decryptPairs(enc, keyBytes: $0, ref: ref, type: .opened) } == nil)
    }
}
