import BSCCore

/// Builds one JSON object as bytes, keys in the order written. Hand-written
/// because `JSONEncoder` reorders keys between lines unless told not to, and
/// because the journal's layout is part of its documented format.
struct JSONLineWriter {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init(capacity: Int = 320) {
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ k: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func int(_ k: StaticString, _ v: Int64) {
        key(k)
        bytes.append(contentsOf: String(v).utf8)
    }

    mutating func null(_ k: StaticString) {
        key(k)
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func bool(_ k: StaticString, _ v: Bool) {
        key(k)
        bytes.append(contentsOf: (v ? "true" : "false").utf8)
    }

    mutating func string(_ k: StaticString, _ v: String) {
        key(k)
        Self.appendQuoted(v, to: &bytes)
    }

    mutating func optionalString(_ k: StaticString, _ v: String?) {
        if let v { string(k, v) }
    }

    mutating func timestamp(_ k: StaticString, _ v: Instant) {
        key(k)
        bytes.append(UInt8(ascii: "\""))
        let at = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Timestamp.length))
        Timestamp.write(v, into: &bytes, at: at)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A flat object of strings, keys sorted so the bytes are reproducible.
    mutating func stringMap(_ k: StaticString, _ map: [String: String]) {
        key(k)
        bytes.append(UInt8(ascii: "{"))
        for (n, name) in map.keys.sorted().enumerated() {
            if n > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendQuoted(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            Self.appendQuoted(map[name]!, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// The object without its closing brace: the hash chain covers exactly
    /// these bytes, then the writer appends `,"h":"…"}`.
    var body: [UInt8] { bytes }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                // Control characters never reach the file raw.
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
