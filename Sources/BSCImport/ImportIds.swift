import Crypto

/// Ids that make an import repeatable: the same file and mapping give the
/// same batch, and each event of a source ticket's story the same id.
public enum ImportIds {
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    /// `imp-` and 12 hex digits of SHA-256 over the source system, the
    /// file's digest and the mapping in force.
    public static func batch(system: String, fileDigest: String, mapping: String) -> String {
        "imp-" + String(sha256Hex(Array((system + "\u{0}" + fileDigest + "\u{0}" + mapping).utf8)).prefix(12))
    }

    /// 128 bits (32 hex digits) of SHA-256 over the source system, the
    /// batch, the source ticket's number and the event's place in its story.
    public static func event(system: String, batch: String, sourceRef: String, place: Int) -> String {
        String(sha256Hex(Array((system + "\u{0}" + batch + "\u{0}" + sourceRef + "\u{0}" + String(place)).utf8)).prefix(32))
    }
}
