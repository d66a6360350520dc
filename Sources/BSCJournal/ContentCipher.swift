import BSCCore
import Crypto
import Foundation

/// A 256-bit key: a ticket's data key or the blind-index key.
public struct DataKey: Sendable, Equatable {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public static func random() -> DataKey {
        var g = SystemRandomNumberGenerator()
        var b = [UInt8](repeating: 0, count: 32)
        for i in b.indices { b[i] = UInt8.random(in: 0...255, using: &g) }
        return DataKey(bytes: b)!
    }
}

/// Encrypts the personal content of an event (the map `Sealing.seal`
/// splits off) and computes blind indexes. See docs/data-protection.md.
///
/// `enc` is base64 of nonce (12 bytes) | ciphertext | tag (16 bytes),
/// AES-256-GCM, with the ticket reference and event type as associated
/// data, so a blob cannot be moved to another ticket or kind of event
/// unnoticed. The plaintext is the map as length-prefixed pairs, sorted
/// by key.
public enum ContentCipher {
    public static func associatedData(_ ref: TicketRef, _ type: EventType) -> [UInt8] {
        Array((ref.description + "|" + type.rawValue).utf8)
    }

    public static func encrypt(_ content: [String: String], key: DataKey, ref: TicketRef, type: EventType) throws -> String {
        var plain: [UInt8] = []
        for k in content.keys.sorted() {
            let kb = Array(k.utf8), vb = Array(content[k]!.utf8)
            appendLength(&plain, kb.count)
            plain += kb
            appendLength(&plain, vb.count)
            plain += vb
        }
        let box = try AES.GCM.seal(plain, using: SymmetricKey(data: key.bytes), nonce: AES.GCM.Nonce(),
                                   authenticating: associatedData(ref, type))
        guard let combined = box.combined else { throw DecodeError("AES-GCM gave no combined form") }
        return combined.base64EncodedString()
    }

    /// The content map, or nil when the blob does not open with this key
    /// (damaged, moved, or another key).
    public static func decrypt(_ enc: String, key: DataKey, ref: TicketRef, type: EventType) -> [String: String]? {
        decrypt(enc, key: SymmetricKey(data: key.bytes), ref: ref, type: type)
    }

    /// As above with the key already made (a replay makes it straight from
    /// the key table's bytes, without a `DataKey` array per event).
    public static func decrypt(_ enc: String, key: SymmetricKey, ref: TicketRef, type: EventType) -> [String: String]? {
        guard let combined = Base64.decode(enc), combined.count >= 28,
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData(ref, type))
        else { return nil }
        return plain.withUnsafeBytes { raw -> [String: String]? in
            let p = raw.bindMemory(to: UInt8.self)
            var out: [String: String] = [:]
            var i = 0
            func take() -> String? {
                guard i + 4 <= p.count else { return nil }
                let n = Int(p[i]) | Int(p[i + 1]) << 8 | Int(p[i + 2]) << 16 | Int(p[i + 3]) << 24
                i += 4
                guard n <= p.count - i else { return nil }
                let s = String(validating: UnsafeBufferPointer(rebasing: p[i..<(i + n)]), as: UTF8.self)
                i += n
                return s
            }
            while i < p.count {
                guard let k = take(), let v = take() else { return nil }
                out[k] = v
            }
            return out
        }
    }

    private static func appendLength(_ out: inout [UInt8], _ n: Int) {
        let v = UInt32(truncatingIfNeeded: n)
        out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
    }

    /// The blind index of an already normalised key ("" for none): HMAC-
    /// SHA256 under the index key, cut to 15 base64url characters (90
    /// bits), short enough to be stored inline in a Swift string.
    public static func blindIndex(_ normalised: String, key: DataKey) -> String {
        guard !normalised.isEmpty else { return "" }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(normalised.utf8), using: SymmetricKey(data: key.bytes))
        let b64 = Data(mac).base64EncodedString()
        var out = ""
        for c in b64.prefix(15) {
            switch c {
            case "+": out.append("-")
            case "/": out.append("_")
            default: out.append(c)
            }
        }
        return out
    }

    /// The caller's blind indexes: the folded name and the reference as
    /// `CallerIdentity` compares them.
    public static func index(_ caller: Caller, key: DataKey) -> (name: String, reference: String) {
        (blindIndex(CallerIdentity.nameKey(caller.name), key: key), blindIndex(CallerIdentity.referenceKey(caller.reference), key: key))
    }
}
