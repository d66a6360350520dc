/// The definitions bscdesk's figures follow, word for word as printed in
/// every export and in docs/metrics.md. Change the code and this together.
public enum MetricDefinitions {
    public static let text = """
    ## Definitions

    - **Contact**: one interaction (a call, an email, an e-form, a visit). A ticket opens with its first contact; later contacts on it are repeat contacts.
    - **Resolved at first contact**: the agent who took the first contact resolved it during that contact (no routing, no callback). The flag is set then and never edited.
    - **Same caller**: the same caller reference, with every space and case ignored (`E200 004` is `e200004`), where both tickets have one; otherwise the same caller name folded for case, accents and spacing. Anonymous callers (no name, no reference) never match anyone.
    - **Same category**: the category the ticket had at its first contact.
    - **Reopen window**: working time after the resolution moment (the first contact), configured in working days (3 × the working day's hours by default: 24 working hours with 09:00–17:00). The window ends at that point in working time and its end is inclusive; weekends, bank holidays and out-of-hours time do not use it up.
    - **Disqualified**: a first-contact resolution stops counting if, within the reopen window, the ticket is reopened, a repeat contact is received on it, or the same caller's first contact on a new ticket in the same category is received. Contacts count by the time they were received.
    - **Provisional**: a first-contact resolution whose reopen window has not closed at the "as at" time still counts, and every figure containing one is marked provisional.
    - **Gross FCR** = tickets resolved at first contact and not disqualified ÷ tickets opened. Imported tickets whose old helpdesk did not say how the first contact ended (FCR unknown) are left out of both, and counted separately.
    - **Net FCR** = the same, counting only tickets whose category at first contact is marked resolvable at the front desk, in numerator and denominator alike.
    - **First-level resolution (FLR)** = tickets resolved (now) and never routed to a back-office queue, however many contacts it took ÷ tickets opened.
    - **Reopen rate** = tickets resolved that were reopened at least once ÷ tickets resolved.
    - **Average handle time (AHT)** = mean duration of the contacts that have a duration (the call timer), in minutes; contacts without one are left out and counted separately. A ticket's contacts count with the ticket, by the date of its first contact.
    - **Time to resolve** = mean working time from the first contact's received time to the (latest) resolution, with pending time (awaiting customer or third party) taken out, in working hours. A pause runs from the event that makes the ticket pending until the first event that takes it out of pending (resumed, routed, resolved or merged); a second pending while paused changes nothing.
    - **SLA attainment** = tickets resolved within their resolution target ÷ tickets resolved that have one, on the working-hours clock with pauses taken out. A ticket's resolution target is its category's (the category it has now) where the category sets one, else that of the queue it is in now; a ticket with neither is left out. Within target means elapsed working time at most the target. The per-ticket verdict (`show`, the ticket list, the board) uses the same target.
    - **CSAT** = ratings of 4 or 5 (of 5) ÷ ratings given, for tickets resolved in the period; the latest rating of a ticket wins.
    - **Which period a ticket counts in**: gross and net FCR, FLR, volumes (tickets opened, contacts) and AHT by the local date of the first contact's received time; reopen rate, time to resolve, SLA attainment and CSAT by the local date of the ticket's current resolution (a ticket reopened and not yet resolved again counts in none of these). Days, ISO weeks, months, quarters (Q1 = April–June) and financial years (April–March) are Europe/London local dates.
    - **Breakdowns**: queue = the queue the ticket is in now (where its work ended); category = the category at first contact; channel = the first contact's channel; caller type = the caller's type now; source category = an imported ticket's category in its old helpdesk (`(not imported)` for the rest); agent = for FCR, FLR, volumes and AHT the agent who took the first contact, and for reopen rate, time to resolve, SLA attainment and CSAT the agent who resolved it. Each dimension is a separate table. Only supervisors may break figures down by agent.
    - **RAG**: GREEN at or above target; AMBER in [target − margin, target); RED below. For reopen rate, handle time and time to resolve lower is better and the comparison flips: GREEN at or below target, AMBER in (target, target + margin], RED above. The margin is in percentage points for percentages and that many percent of the target for handle time and time to resolve. A figure with a zero denominator shows "n/a" (never 0% or 100%) and its RAG is "n/a".
    - **Not measured**: average speed of answer, abandonment rate and system availability need a telephony feed; bscdesk records contacts, not the phone queue.
    """
}
