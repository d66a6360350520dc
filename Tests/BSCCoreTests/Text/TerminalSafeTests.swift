import Testing
@testable import BSCCore

@Suite struct TerminalSafeTests {
    @Test func csiSequencesAreRemoved() {
        #expect(terminalSafe("a\u{1B}[2Jb") == "ab")
        #expect(terminalSafe("\u{1B}[31mred\u{1B}[0m") == "red")
        #expect(terminalSafe("x\u{1B}[?1049hy") == "xy")
        #expect(terminalSafe("\u{1B}[38;5;196mhot") == "hot")
    }

    @Test func oscWithBelAndStTerminatorsIsRemoved() {
        // OSC 52 would set the clipboard; OSC 8 would add a hidden link.
        #expect(terminalSafe("a\u{1B}]52;c;ZXZpbA==\u{07}b") == "ab")
        #expect(terminalSafe("a\u{1B}]52;c;ZXZpbA==\u{1B}\\b") == "ab")
        #expect(terminalSafe("\u{1B}]8;;http://evil.example\u{07}click\u{1B}]8;;\u{07}") == "click")
        #expect(terminalSafe("\u{1B}]8;;http://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\") == "click")
        // Unterminated: the payload never reaches the screen.
        #expect(terminalSafe("ok\u{1B}]0;title") == "ok")
    }

    @Test func dcsSosPmApcAreRemoved() {
        #expect(terminalSafe("a\u{1B}P1$r0m\u{1B}\\b") == "ab")
        #expect(terminalSafe("a\u{1B}Xsos\u{1B}\\b\u{1B}^pm\u{1B}\\c\u{1B}_apc\u{1B}\\d") == "abcd")
    }

    @Test func eightBitC1ControlsAndPayloadsAreRemoved() {
        #expect(terminalSafe("a\u{9B}2Jb") == "ab")
        #expect(terminalSafe("a\u{9D}52;c;AAAA\u{9C}b") == "ab")
        #expect(terminalSafe("a\u{85}b\u{90}dcs\u{9C}c") == "abc")
    }

    @Test func loneEscapesControlsAndDelAreRemoved() {
        #expect(terminalSafe("a\u{1B}") == "a")
        #expect(terminalSafe("a\u{1B}cb") == "ab")  // RIS (full reset)
        #expect(terminalSafe("a\u{1B}(Bb") == "ab")
        #expect(terminalSafe("a\u{07}\u{08}\u{00}\u{7F}b") == "ab")
    }

    @Test func bidiControlsAreRemoved() {
        #expect(terminalSafe("abc\u{202E}fed") == "abcfed")
        #expect(terminalSafe("\u{2066}x\u{2067}y\u{2068}z\u{2069}") == "xyz")
        #expect(terminalSafe("\u{202A}\u{202B}\u{202C}\u{202D}a\u{200E}\u{200F}\u{061C}") == "a")
    }

    @Test func lineBreakPolicy() {
        #expect(terminalSafe("a\nb\tc") == "a b c")
        #expect(terminalSafe("a\r\nb", lineBreaks: .symbol) == "a↵b")
        #expect(terminalSafe("a\r\nb\rc", lineBreaks: .keep) == "a\nb\nc")
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        #expect(terminalSafe(bytes: [0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
        #expect(terminalSafe(bytes: [0xC3]) == "\u{FFFD}")
        // A raw 8-bit CSI byte is invalid UTF-8, so it cannot act as CSI.
        #expect(terminalSafe(bytes: [0x9B, 0x32, 0x4A]) == "\u{FFFD}2J")
        #expect(terminalSafe(bytes: Array("Zoë".utf8)) == "Zoë")
    }

    @Test func ordinaryNamesPassUnchanged() {
        for name in ["Zoë Łukasik", "Zoe\u{308} Łukasik", "山田太郎", "O'Brien-Smith", "Siôn ap Rhys", "Ngozi Okonkwo 👍🏽", "Ana García"] {
            #expect(terminalSafe(name) == name)
        }
    }
}
