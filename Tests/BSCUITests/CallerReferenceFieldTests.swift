import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

/// Caller ref takes a reference, not a sentence: leaving the field or
/// saving with words in it says, in one line, what a reference is; what
/// was typed stays; nothing is written.
@Suite struct CallerReferenceFieldTests {
    @Test func theRule() {
        for ok in ["", "E200004", "E200 004", "e200004", "S40111", "CL-55555", "POST/2026.14", "12345678901234567890", "CL 55555", "NI AB123456C"] {
            #expect(CallerReference.problem(ok) == nil, "\(ok)")
        }
        for bad in ["Supplier told to resend with PO 4500123", "he has no money", "ABCDEF", "E200004!", "123456789012345678901", "Zoë1", "E1\u{1B}[2J",
                    "call back after 3", "ring 0800 100"] {
            #expect(CallerReference.problem(bad) != nil, "\(bad)")
        }
        let m = CallerReference.problem("Supplier told to resend with PO 4500123") ?? ""
        #expect(m.hasPrefix("caller ref \"Supplier told to resend…\" is not a reference; a reference is a code such as E200004"), "\(m)")
        #expect(!(CallerReference.problem("E1\u{1B}[2J") ?? "").contains("\u{1B}"), "never raw to the terminal")
    }

    @Test func aSentenceInCallerRefIsRefusedWithWhatIsAllowedAndKept() throws {
        let f = try FrontDeskFixture()
        let s = try f.session()
        var t = TestTerminal(root: FrontDeskTabs.root(session: s), width: 80, height: 24, now: FrontDeskFixture.start)
        t.type("Acme Ltd")
        t.press(.escape, .tab)
        let sentence = "Supplier told to resend with PO 4500123"
        t.type(sentence)
        t.press(.tab)
        #expect(t.bottomText.hasPrefix("Error: caller ref \"Supplier told to resend…\" is not a reference; a reference is a code such as E200004, S40111 or CL-55555"), "\(t.bottomText)")
        let form = { (t: TestTerminal) in t.shell.currentScreen as! CallLogScreen }
        #expect(form(t).focus == .reference, "the cursor stays in Caller ref")
        #expect(form(t).reference.text == sentence, "what was typed is kept")
        // Saving says the same and writes nothing.
        t.press(.function(5))
        #expect(t.bottomText.hasPrefix("Error: caller ref"), "\(t.bottomText)")
        #expect(try f.desk().store.count == 0)
        #expect(form(t).reference.text == sentence)
        // Corrected, the call goes on.
        t.press(.ctrl("u"))
        t.type("S40111")
        t.press(.tab)
        #expect(form(t).focus == .type)
    }
}
