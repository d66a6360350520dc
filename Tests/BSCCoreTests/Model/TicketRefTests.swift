import Testing
@testable import BSCCore

/// References keep working past BSC-999999 (issue 15): one more digit, and
/// the width screens give the column follows it.
@Suite("Ticket references past BSC-999999")
struct TicketRefTests {
    @Test func theMillionthReferenceHasSevenDigitsAndReadsBack() {
        #expect(TicketRef(999_999).description == "BSC-999999")
        #expect(TicketRef(1_000_000).description == "BSC-1000000")
        #expect(TicketRef(parsing: "BSC-1000000") == TicketRef(1_000_000))
        #expect(TicketRef(parsing: "bsc-1000000") == TicketRef(1_000_000))
        #expect(TicketRef(1_000_000) > TicketRef(999_999))
    }

    @Test func theColumnWidensOnlyWhenAReferenceNeedsIt() {
        #expect(TicketRef.displayWidth(upTo: 0) == 10)
        #expect(TicketRef.displayWidth(upTo: 999_999) == 10)
        #expect(TicketRef.displayWidth(upTo: 1_000_000) == 11)
        #expect(TicketRef.displayWidth(upTo: 12_345_678) == 12)
    }
}
