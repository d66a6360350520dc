import Testing
@testable import BSCUI

@Suite struct TextFieldTests {
    func typed(_ s: String, into state: inout TextFieldState) {
        for c in s { _ = state.handle(.char(c)) }
    }

    @Test func cursorColumnCountsDisplayColumns() {
        var f = TextFieldState()
        typed("山田", into: &f)
        #expect(f.cursorColumn == 4)
        #expect(f.editor.cursor == 2)
        _ = f.handle(.left)
        #expect(f.cursorColumn == 2)
        _ = f.handle(.backspace)
        #expect(f.text == "田")
    }

    @Test func combiningMarkTypedSeparatelyJoinsPreviousCharacter() {
        var f = TextFieldState()
        // Terminals deliver a decomposed ë as "e" then U+0308.
        for s in ["Z", "o", "e", "\u{308}", " ", "Ł", "u", "k", "a", "s", "i", "k"] {
            _ = f.handle(.char(Character(s)))
        }
        #expect(f.text == "Zoe\u{308} Łukasik")
        #expect(f.text == "Zoë Łukasik")  // canonical equivalence
        #expect(f.cursorColumn == 11)
        _ = f.handle(.home)
        _ = f.handle(.right)
        _ = f.handle(.right)
        _ = f.handle(.delete)  // deletes the whole ë
        #expect(f.text == "Zo Łukasik")
    }

    @Test func emacsKeys() {
        var f = TextFieldState("Ngozi Okonkwo Adeyemi")
        _ = f.handle(.ctrl("w"))
        #expect(f.text == "Ngozi Okonkwo ")
        _ = f.handle(.ctrl("a"))
        #expect(f.cursorColumn == 0)
        _ = f.handle(.right)
        _ = f.handle(.ctrl("k"))
        #expect(f.text == "N")
        _ = f.handle(.ctrl("e"))
        typed("oël", into: &f)
        _ = f.handle(.left)
        _ = f.handle(.ctrl("u"))
        #expect(f.text == "l")
        #expect(f.cursorColumn == 0)
        #expect(f.handle(.enter) == false)  // Enter belongs to the screen
    }

    @Test func horizontalScrollKeepsCursorVisibleWithWideText() {
        var g = CellGrid(width: 12, height: 1)
        var f = TextFieldState()
        typed("山田太郎 Zoë Łukasik", into: &f)
        TextField(label: "N: ").render(in: g.bounds, grid: &g, state: &f)
        // 20 columns of text, 9 of input: columns 12…19 (" Łukasik") show
        // and the cursor sits in the last one.
        #expect(g.rows() == ["N:  Łukasik"])
        #expect(g.cursor == Point(x: 11, y: 0))
        _ = f.handle(.home)
        TextField(label: "N: ").render(in: g.bounds, grid: &g, state: &f)
        #expect(g.rows() == ["N: 山田太郎"])
        #expect(g.cursor == Point(x: 3, y: 0))
        // Scroll so a wide character is cut by the left edge: it shows as a
        // blank, never half a glyph, and later text stays aligned.
        for _ in 0..<7 { _ = f.handle(.right) }  // after "山田太郎 Zo": column 11, scroll 3
        TextField(label: "N: ").render(in: g.bounds, grid: &g, state: &f)
        #expect(g.cursor == Point(x: 11, y: 0))
        #expect(g.exactRows() == ["N:  太郎 Zoë"])
    }

    @Test func placeholderAndMaxLength() {
        var g = CellGrid(width: 20, height: 1)
        var f = TextFieldState(maxLength: 3)
        TextField(placeholder: "caller name").render(in: g.bounds, grid: &g, state: &f)
        #expect(g.rows() == ["caller name"])
        #expect(g[0, 0].style.role == .placeholder)
        typed("abcdef", into: &f)
        #expect(f.text == "abc")
    }

    @Test func textAreaEditsAcrossLines() {
        var t = TextAreaState()
        for c in "山田" { _ = t.handle(.char(c)) }
        _ = t.handle(.enter)
        for c in "Zoë" { _ = t.handle(.char(c)) }
        #expect(t.text == "山田\nZoë")
        #expect(t.cursor == Point(x: 3, y: 1))
        _ = t.handle(.up)  // column 3 falls inside 田: stop before it
        #expect(t.cursor == Point(x: 2, y: 0))
        _ = t.handle(.down)  // the goal column is remembered
        #expect(t.cursor == Point(x: 3, y: 1))
        _ = t.handle(.home)
        _ = t.handle(.backspace)  // joins the lines
        #expect(t.text == "山田Zoë")
        #expect(t.cursor == Point(x: 4, y: 0))
        var g = CellGrid(width: 5, height: 2)
        TextArea().render(in: g.bounds, grid: &g, state: &t)
        #expect(g.cursor == Point(x: 4, y: 0))
        #expect(g.rows() == ["山田Z", ""])
    }
}
