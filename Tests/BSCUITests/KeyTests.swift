import Testing
@testable import BSCUI

@Suite struct KeyTests {
    @Test func labels() {
        #expect(Key.function(1).label == "F1")
        #expect(Key.enter.label == "Enter")
        #expect(Key.ctrl("s").label == "^S")
        #expect(Key.pageDown.label == "PgDn")
        #expect(Key.char(" ").label == "Space")
    }

    @Test func rawControlCodes() {
        #expect(Key(code: 19) == .ctrl("s"))
        #expect(Key(code: 3) == .ctrl("c"))
        #expect(Key(code: 13) == .enter)
        #expect(Key(code: 127) == .backspace)
        #expect(Key(code: 27) == .escape)
        #expect(Key(code: 9) == .tab)
        #expect(Key(code: 0x5C71) == .char("山"))
        #expect(Key(code: 0) == nil)
    }
}
