import BSCCore
import Crypto
import Foundation
#if canImport(CCryptoBoringSSL)
import CCryptoBoringSSL
#endif

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

    /// As above with the key already made.
    public static func decrypt(_ enc: String, key: SymmetricKey, ref: TicketRef, type: EventType) -> [String: String]? {
        guard let combined = Base64.decode(enc), combined.count >= 28,
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key, authenticating: associatedData(ref, type))
        else { return nil }
        return plain.withUnsafeBytes { raw in contentPairs(raw.bindMemory(to: UInt8.self)).map { Dictionary($0, uniquingKeysWith: { _, last in last }) } }
    }

    /// As above with the key's 32 bytes as they lie in the key table: what
    /// a replay calls, once per decrypted event on the decoding threads.
    /// swift-crypto's `AES.GCM.open` makes a heap context, a `SymmetricKey`
    /// and several `Data` copies per call, more than the AES itself costs
    /// on a blob of a few hundred bytes; here the base64 is decoded into a
    /// stack buffer, opened in place with BoringSSL's AEAD (the library
    /// swift-crypto wraps on Linux) from a stack context, and read.
    /// The content comes field by field (`Sealing.Content`): the pairs'
    /// keys are matched on their bytes, and only values become strings.
    public static func open(_ enc: String, keyBytes: UnsafeRawBufferPointer, ref: TicketRef, type: EventType) -> Sealing.Content? {
        var enc = enc
        return enc.withUTF8 { open($0, keyBytes: keyBytes, ref: ref, type: type) }
    }

    /// As above from the blob's base64 bytes where they lie (a replay's
    /// line buffer): no string is made of a blob that is opened at once.
    public static func open(_ text: UnsafeBufferPointer<UInt8>, keyBytes: UnsafeRawBufferPointer, ref: TicketRef, type: EventType) -> Sealing.Content? {
        guard keyBytes.count == 32 else { return nil }
        #if canImport(CCryptoBoringSSL) && !BSCDESK_SWIFT_CRYPTO_ONLY
        let capacity = text.count / 4 * 3
        guard capacity >= 28 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buf -> Sealing.Content? in
            guard let base = buf.baseAddress, let n = Base64.decode(text, to: buf), n >= 28 else { return nil }
            return withAssociatedData(ref, type) { ad -> Sealing.Content? in
                withUnsafeTemporaryAllocation(of: EVP_AEAD_CTX.self, capacity: 1) { ctxBuf -> Sealing.Content? in
                    let ctx = ctxBuf.baseAddress!
                    guard CCryptoBoringSSL_EVP_AEAD_CTX_init(ctx, CCryptoBoringSSL_EVP_aead_aes_256_gcm(), keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                             32, 16, nil) == 1 else { return nil }
                    defer { CCryptoBoringSSL_EVP_AEAD_CTX_cleanup(ctx) }
                    // Opened in place: BoringSSL allows `out` to be exactly `in`.
                    let body = base + 12
                    var plainCount = 0
                    guard CCryptoBoringSSL_EVP_AEAD_CTX_open(ctx, body, &plainCount, n - 12, base, 12, body, n - 12,
                                                             ad.baseAddress, ad.count) == 1 else { return nil }
                    return content(UnsafeBufferPointer(start: body, count: plainCount))
                }
            }
        }
        #else
        var combined: [UInt8] = []
        guard Base64.decode(text, into: &combined), combined.count >= 28,
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: SymmetricKey(data: keyBytes), authenticating: associatedData(ref, type))
        else { return nil }
        return plain.withUnsafeBytes { raw in content(raw.bindMemory(to: UInt8.self)) }
        #endif
    }

    /// `associatedData(ref, type)` in a stack buffer.
    private static func withAssociatedData<R>(_ ref: TicketRef, _ type: EventType, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard ref.number >= 0 else {
            let ad = associatedData(ref, type)
            return ad.withUnsafeBufferPointer(body)
        }
        var typeName = type.rawValue
        return typeName.withUTF8 { t in
            // "BSC-" and the number zero-padded to six digits, as `TicketRef.description`.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 + 20 + 1 + t.count) { out in
                var i = 0
                for c in TicketRef.prefix.utf8 { out[i] = c; i += 1 }
                var width = 0
                var rest = ref.number
                repeat { width += 1; rest /= 10 } while rest > 0
                width = max(6, width)
                var v = ref.number
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += width
                out[i] = UInt8(ascii: "|")
                i += 1
                for c in t { out[i] = c; i += 1 }
                return body(UnsafeBufferPointer(rebasing: out[0..<i]))
            }
        }
    }

    /// The plaintext's length-prefixed pairs, in order; nil if malformed.
    private static func contentPairs(_ p: UnsafeBufferPointer<UInt8>) -> [(key: String, value: String)]? {
        var out: [(key: String, value: String)] = []
        out.reserveCapacity(8)
        let ok = forEachPair(p) { k, v in
            guard let key = text(k) else { return false }
            out.append((key, v))
            return true
        }
        return ok ? out : nil
    }

    /// The plaintext read into its fields; nil if malformed or not UTF-8.
    private static func content(_ p: UnsafeBufferPointer<UInt8>) -> Sealing.Content? {
        var c = Sealing.Content()
        return forEachPair(p) { k, v in c.set(key: k, value: v) } ? c : nil
    }

    /// Calls `body` with each length-prefixed pair's key bytes and value;
    /// false if the plaintext is malformed, a value is not UTF-8 or `body`
    /// says so.
    private static func forEachPair(_ p: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, String) -> Bool) -> Bool {
        var i = 0
        func take() -> UnsafeBufferPointer<UInt8>? {
            guard i + 4 <= p.count else { return nil }
            let n = Int(p[i]) | Int(p[i + 1]) << 8 | Int(p[i + 2]) << 16 | Int(p[i + 3]) << 24
            i += 4
            guard n <= p.count - i else { return nil }
            defer { i += n }
            return UnsafeBufferPointer(rebasing: p[i..<(i + n)])
        }
        while i < p.count {
            guard let k = take(), let vb = take(), let v = text(vb), body(k, v) else { return false }
        }
        return true
    }

    /// ASCII needs no validation (the generic validator costs ~1,000
    /// instructions a string), and most content is ASCII.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        isASCII(bytes) ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
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
