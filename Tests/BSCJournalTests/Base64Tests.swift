import BSCTestSupport
import Foundation
import Testing
@testable import BSCJournal

/// The byte-level decoder replay uses for blobs and key lines must read
/// everything Foundation's encoder writes, and refuse what is not
/// padded standard base64.
@Suite("Base64")
struct Base64Tests {
    @Test func decodesWhatFoundationEncodesForEveryLengthAndRandomBytes() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("Base64Tests seed \(seed)")
        var g = SplitMix(seed: seed)
        for n in 0..<300 {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let text = Data(bytes).base64EncodedString()
            #expect(Base64.decode(text) == bytes, "seed \(seed), length \(n)")
        }
    }

    @Test func refusesWhatIsNotPaddedStandardBase64() {
        for bad in ["A", "AB", "ABC", "AB=A", "A===", "ab-_", "QUJD\n", "QU JD", "QUJD=", "=QUJ", "QUI==A==", "é"] {
            #expect(Base64.decode(bad) == nil, "\(bad) accepted")
        }
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("QUI=") == Array("AB".utf8))
        #expect(Base64.decode("QQ==") == Array("A".utf8))
    }

    /// The decoder a replay uses for blobs (into a stack buffer) must agree
    /// with the array one on every length and every refusal.
    @Test func decodingIntoABufferAgreesWithTheArrayDecoder() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("Base64Tests buffer seed \(seed)")
        var g = SplitMix(seed: seed)
        var texts = ["A", "AB", "ABC", "AB=A", "A===", "ab-_", "QUJD\n", "QU JD", "QUJD=", "=QUJ", "QUI==A==", "é", "", "QUI=", "QQ=="]
        for n in 0..<200 { texts.append(Data((0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }).base64EncodedString()) }
        for text in texts {
            var t = text
            let viaBuffer: [UInt8]? = t.withUTF8 { p in
                var out = [UInt8](repeating: 0, count: p.count / 4 * 3)
                guard let n = out.withUnsafeMutableBufferPointer({ Base64.decode(p, to: $0) }) else { return nil }
                return Array(out[0..<n])
            }
            #expect(viaBuffer == Base64.decode(text), "seed \(seed), \(text)")
        }
    }
}
