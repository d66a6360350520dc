/// Knowledge articles shipped with a new data directory (`kb/`). They tell
/// an agent what to say or do; supervisors edit and add to them.
enum StarterArticles {
    static let all: [(String, String)] = [
        ("cs-general-enquiry.md", """
        # General enquiry or signposting

        1. Confirm what the caller needs in one sentence.
        2. If another council service owns it, give its contact details and log the
           signposting as resolved.
        3. If it belongs to a back-office queue, pick that category instead.
        """),
        ("cs-password-reset.md", """
        # Self-service password reset

        1. Ask the caller to open the self-service portal and choose "Forgotten password".
        2. The reset code goes to their registered mobile or personal email.
        3. If the account is locked after 5 attempts, it unlocks after 30 minutes.
        4. Never read out or set a password for the caller.
        Resolve now if the caller can log in before the call ends.
        """),
        ("cs-request-status.md", """
        # Where is my request?

        1. Find the caller's ticket (type-ahead on their name or reference).
        2. Read the latest note and the due time aloud; do not promise an earlier date.
        3. If it is past due, add a note and tell the caller it has been escalated.
        Log this as a repeat contact on the existing ticket, not a new ticket.
        """),
        ("payroll-salary-query.md", """
        # Salary query

        1. Verify the caller: employee number, date of birth, first line of address.
        2. Check the payslip with them line by line: gross pay, tax, NI, pension, deductions.
        3. Most queries are explained by a tax code change, back pay or a pension step.
        4. If the pay is wrong, route to payroll with the employee number and pay period.
        """),
        ("payroll-tax.md", """
        # Tax code, P45 or P60

        - Tax codes are set by HMRC: give the caller HMRC's number; we cannot change a code.
        - P60s are issued by 31 May; copies are on the self-service portal.
        - A P45 is issued after the final pay run for a leaver.
        """),
        ("exchequer-payment-chase.md", """
        # Supplier chasing payment

        1. Ask for the supplier number and invoice number.
        2. Invoices are paid 30 days from receipt of a compliant invoice.
        3. If the invoice is paid, give the payment date and remittance reference.
        4. If it is not on the system, ask the supplier to re-send it to the invoices mailbox.
        """),
        ("exchequer-bank-details.md", """
        # Bank-detail change: FRAUD RISK

        Never change bank details during the call, whatever the caller says.
        1. Record how the caller was verified (call-back to the number on file).
        2. Ask the supplier to submit the change on letter-headed paper, signed.
        3. Route to exchequer; the team verifies with the supplier independently.
        """),
    ]
}
