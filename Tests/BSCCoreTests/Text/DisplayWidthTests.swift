import Testing
@testable import BSCCore

@Suite struct DisplayWidthTests {
    @Test func widths() {
        #expect("山田太郎".displayWidth == 8)
        #expect("Zoë Łukasik".displayWidth == 11)
        #expect("Zoe\u{308} Łukasik".displayWidth == 11)
        #expect("O'Brien-Smith".displayWidth == 13)
        #expect("ｶﾞ".displayWidth == 2)  // half-width katakana are narrow
        #expect("Ａ".displayWidth == 2)  // fullwidth Latin
        #expect("한국".displayWidth == 4)
        #expect("👍".displayWidth == 2)
        #expect("👍🏽".displayWidth == 2)
        #expect("👨‍👩‍👧".displayWidth == 2)
        #expect("🇬🇧".displayWidth == 2)
        #expect("❤️".displayWidth == 2)  // VS16 asks for emoji presentation
        #expect("❤".displayWidth == 1)
        #expect("a\u{200D}b".displayWidth == 2)  // ZWJ between letters is invisible
        #expect("\u{FE0F}".displayWidth == 0)
        #expect("£ naïve".displayWidth == 7)
    }

    @Test func truncationNeverSplitsWideCharacters() {
        #expect("山田太郎".truncated(toWidth: 5) == "山田")
        #expect("山田太郎".truncated(toWidth: 5, ellipsis: true) == "山田…")
        #expect("Zoë Łukasik".truncated(toWidth: 5, ellipsis: true) == "Zoë …")
        #expect("abc".truncated(toWidth: 3, ellipsis: true) == "abc")
        #expect("abcd".truncated(toWidth: 1, ellipsis: true) == "…")
        #expect("abc".truncated(toWidth: 0) == "")
        let mixed = "a山b田c太郎👍🏽x"
        for w in 0...mixed.displayWidth + 1 {
            #expect(mixed.truncated(toWidth: w).displayWidth <= w)
            #expect(mixed.truncated(toWidth: w, ellipsis: true).displayWidth <= w)
            #expect(mixed.padded(toWidth: w).displayWidth == w)
        }
    }

    @Test func paddingAndAlignment() {
        #expect("山田".padded(toWidth: 6) == "山田  ")
        #expect("山田".padded(toWidth: 3) == "山 ")
        #expect("42".padded(toWidth: 5, alignment: .right) == "   42")
        #expect("ab".padded(toWidth: 5, alignment: .center) == " ab  ")
    }

    @Test func wrapping() {
        #expect("terminal too small: need 40×12".wrapped(toWidth: 20) == ["terminal too small:", "need 40×12"])
        #expect("山田太郎".wrapped(toWidth: 3) == ["山", "田", "太", "郎"])
        #expect("a\n\nb".wrapped(toWidth: 5) == ["a", "", "b"])
    }
}
