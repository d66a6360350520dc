/// Strict standard base64 (RFC 4648, with padding) decoded straight from
/// bytes. Replay decodes one blob per personal event and one key per
/// ticket: Foundation's decoder wants a `String` and gives a `Data`, two
/// allocations and a validation pass each, which cost more than the AES
/// that follows.
enum Base64 {
    /// 0-63 for the alphabet, 0xFF for anything else.
    private static let values: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        return t
    }()

    /// Appends the decoded bytes of `text` to `out`; false (with `out` in
    /// an unspecified state) if `text` is not canonical padded base64.
    /// Written through `decode(_:to:)`: appending byte by byte (a capacity
    /// and uniqueness check each) cost ~950 instructions a 32-byte key,
    /// and a replay reads every ticket's key.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let n = text.count
        guard n % 4 == 0 else { return false }
        guard n > 0 else { return true }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: n / 4 * 3))
        let written = out.withUnsafeMutableBufferPointer { o in decode(text, to: UnsafeMutableBufferPointer(rebasing: o[start...])) }
        guard let written else { return false }
        out.removeLast(n / 4 * 3 - written)
        return true
    }

    /// Decodes `text` into `out` (at least `text.count / 4 * 3` bytes):
    /// the number of bytes written, or nil if `text` is not canonical
    /// padded base64.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, to out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let n = text.count
        guard n % 4 == 0, out.count >= n / 4 * 3 else { return nil }
        guard n > 0 else { return 0 }
        var pad = 0
        if text[n - 1] == UInt8(ascii: "=") { pad += 1 }
        if text[n - 2] == UInt8(ascii: "=") { pad += 1 }
        return values.withUnsafeBufferPointer { v -> Int? in
            var i = 0, o = 0
            // Every full group but the last, without the padding checks.
            while i + 4 < n {
                let a = v[Int(text[i])], b = v[Int(text[i + 1])], c = v[Int(text[i + 2])], d = v[Int(text[i + 3])]
                guard (a | b | c | d) & 0xC0 == 0 else { return nil }
                out[o] = a << 2 | b >> 4
                out[o + 1] = b << 4 | c >> 2
                out[o + 2] = c << 6 | d
                i += 4
                o += 3
            }
            let a = v[Int(text[i])], b = v[Int(text[i + 1])]
            let c = pad == 2 ? 0 : v[Int(text[i + 2])]
            let d = pad >= 1 ? 0 : v[Int(text[i + 3])]
            guard (a | b | c | d) & 0xC0 == 0 else { return nil }
            out[o] = a << 2 | b >> 4
            o += 1
            if pad < 2 { out[o] = b << 4 | c >> 2; o += 1 }
            if pad < 1 { out[o] = c << 6 | d; o += 1 }
            return o
        }
    }

    /// The decoded bytes of `text`, or nil if it is not canonical base64.
    static func decode(_ text: String) -> [UInt8]? {
        var text = text
        var out: [UInt8] = []
        let ok = text.withUTF8 { decode($0, into: &out) }
        return ok ? out : nil
    }
}
