import Testing
@testable import BSCCore

/// Issue 12: "active statuses" was written three times. One definition now
/// feeds the lifecycle's legal actions and every filter.
@Suite("Active statuses: one definition")
struct ActiveStatusTests {
    @Test func activeIsOpenRoutedInProgressAndPending() {
        #expect(TicketStatus.active == [.open, .routed, .inProgress, .pending])
        for s in TicketStatus.allCases { #expect(s.isActive == TicketStatus.active.contains(s), "\(s)") }
    }

    @Test func lifecycleActsOnTheActiveStatuses() {
        #expect(TicketAction.route.allowedFrom == TicketStatus.active)
        #expect(TicketAction.resolve.allowedFrom == TicketStatus.active)
        #expect(TicketAction.pending.allowedFrom == [.open, .routed, .inProgress])
        #expect(TicketAction.contact.allowedFrom == TicketStatus.active.union([.resolved]))
    }
}
