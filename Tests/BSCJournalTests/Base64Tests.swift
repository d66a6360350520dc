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
}
