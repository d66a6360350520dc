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
        ("cs-form-help.md", """
        # Help with a form

        1. Ask which form and which step they are stuck on.
        2. Open the same form yourself and walk through it with them.
        3. Uploads: PDF, JPG or PNG, 10 MB at most per file.
        4. If the form itself is broken, note the error text and route to the owning queue.
        Resolve now once the form is submitted.
        """),
        ("payroll-payslip.md", """
        # Payslip

        1. Verify the caller: employee number and date of birth.
        2. Payslips are on the self-service portal from the Wednesday before pay day.
        3. A missing payslip is usually a portal access problem: reset the password with them.
        4. Printed copies for past years: route to payroll with the employee number and pay period.
        Resolve now if the caller can see the payslip before the call ends.
        """),
        ("payroll-overpayment.md", """
        # Overpayment

        1. Verify the caller: employee number, date of birth.
        2. Do not agree a repayment amount or plan on the call.
        3. Take the pay period and what the caller thinks went wrong.
        4. Route to payroll with employee number and pay period; tell the caller payroll writes within 5 working days.
        """),
        ("payroll-underpayment.md", """
        # Underpayment

        1. Verify the caller: employee number, date of birth.
        2. Check the payslip with them: hours, overtime, back pay, deductions.
        3. If pay is genuinely short, route to payroll with employee number and pay period.
        4. Hardship: say an advance can be asked for; note it on the ticket.
        """),
        ("payroll-starter-leaver.md", """
        # Starter, leaver or contract change

        1. Changes come from the manager's e-form, not from the employee.
        2. Check whether the e-form was submitted and when.
        3. Missing e-form: ask the manager to submit it; resolve as signposted.
        4. Submitted but not actioned: route to payroll with employee number and effective date.
        """),
        ("payroll-expenses.md", """
        # Expenses and mileage

        1. Claims are made on the self-service portal and approved by the manager.
        2. Approved by the 10th: paid with that month's salary.
        3. Check the claim status with the caller.
        4. Approved but not paid: route to payroll with employee number and pay period.
        """),
        ("payroll-sick-pay.md", """
        # Sick pay

        1. Verify the caller: employee number, date of birth.
        2. Occupational sick pay depends on length of service; SSP applies after 3 waiting days.
        3. Ask whether the manager recorded the absence.
        4. Pay looks wrong: route to payroll with employee number and pay period.
        """),
        ("payroll-pension.md", """
        # Pension (LGPS, Teachers' Pensions)

        1. Contribution rates and deductions: answer from the payslip.
        2. Benefits, transfers and retirement estimates belong to the pension fund: give its contact details.
        3. Teachers' Pensions are run nationally: signpost to Teachers' Pensions.
        Resolve as signposted.
        """),
        ("payroll-benefits.md", """
        # Staff benefits

        1. Salary sacrifice schemes (cycle, car lease, childcare) are listed on the intranet.
        2. Joining or leaving a scheme: the scheme's own form, then payroll applies the deduction.
        3. Deduction wrong on the payslip: route to payroll with employee number and pay period.
        """),
        ("exchequer-new-supplier.md", """
        # New supplier set-up

        1. New suppliers are requested by the ordering council officer, not the supplier.
        2. Send the supplier the new-supplier form link; they return it with bank evidence.
        3. Never take bank details on the call.
        4. Chasing a submitted form: route to exchequer with the supplier name as account number if none yet.
        """),
        ("exchequer-invoice-dispute.md", """
        # Invoice dispute

        1. Ask for the debtor or supplier number, invoice number and amount.
        2. Note exactly what is disputed and why.
        3. Recovery is put on hold while a dispute is open: tell the caller.
        4. Route to exchequer with the account and invoice numbers.
        """),
        ("exchequer-repayment-plan.md", """
        # Debt repayment plan

        1. Ask for the debtor number and invoice number.
        2. Take the caller's proposed amount and frequency; do not agree it on the call.
        3. Signpost free debt advice (Citizens Advice, StepChange) if the caller is struggling.
        4. Route to exchequer with the details.
        """),
        ("exchequer-letter-before-action.md", """
        # Letter before action

        1. Treat as urgent: court action follows if nothing happens.
        2. Ask for the debtor number and invoice number.
        3. If the caller will pay now, take a card payment (see Card payment).
        4. Otherwise route to exchequer the same day with the details and what the caller offers.
        """),
        ("exchequer-card-payment.md", """
        # Card payment

        1. Use the secure payment line; never write card numbers down.
        2. Take the debtor or invoice number as the payment reference.
        3. Read back the amount and the authorisation code.
        4. Resolve now once the payment is authorised.
        """),
        ("exchequer-right-to-buy.md", """
        # Right-to-buy enquiry

        1. Right-to-buy applications go to housing, not the BSC.
        2. Give the housing team's contact details and the RTB1 form link.
        3. Questions about a completed sale's invoice: route to exchequer.
        Resolve as signposted.
        """),
        ("exchequer-leaseholder.md", """
        # Leaseholder account

        1. Ask for the leaseholder account number and the property address.
        2. Service charge estimates are issued in March, actuals in September.
        3. Balance and payments: read them from the account.
        4. Disputed charges: route to exchequer with the account and invoice numbers.
        """),
        ("exchequer-purchase-card.md", """
        # Purchase card

        1. Lost or stolen card: tell the cardholder to call the card provider's 24-hour line now.
        2. Limit changes need the budget holder's approval by email.
        3. Statement and reconciliation queries: route to exchequer with the card's last four digits only.
        """),
        ("vacancy-approval.md", """
        # Vacancy approval

        1. Ask for the post or vacancy reference and the hiring manager.
        2. Approvals run weekly: check where the request is in the workflow.
        3. Missing approver: route to vacancy management with the post reference.
        """),
        ("vacancy-advert.md", """
        # Advert query

        1. Ask for the vacancy reference.
        2. Adverts go live within 2 working days of approval, for at least 10 days.
        3. Changes to a live advert: route to vacancy management with the post reference.
        """),
        ("vacancy-applicant.md", """
        # Applicant enquiry

        1. Never share details of other applicants.
        2. Check the vacancy's closing date and shortlisting date.
        3. Outcome questions: the hiring manager contacts applicants after shortlisting.
        4. Technical problems applying: note the error and route to vacancy management.
        """),
        ("vacancy-dbs.md", """
        # DBS check status

        1. Ask for the post reference and the applicant's name.
        2. The applicant can track progress online with their application reference.
        3. Over 4 weeks old: route to vacancy management with the post reference.
        """),
        ("vacancy-agency-booking.md", """
        # Agency worker booking

        1. Agency workers are booked through the council's contracted agency only.
        2. The manager needs an approved vacancy or cost code.
        3. Extensions and cancellations: route to vacancy management with the post reference.
        """),
        ("vacancy-interim.md", """
        # Interim or consultant placement

        1. Interim and consultant placements need director approval.
        2. Ask for the post reference, hiring manager and end date.
        3. Route to vacancy management with the details.
        """),
        ("appointeeship-allowance.md", """
        # Client's personal allowance

        1. RESTRICTED: vulnerable adult. Share nothing with anyone not on the client's authorised contacts.
        2. Ask for the client reference and confirm the caller is authorised.
        3. Allowances are paid weekly on the agreed day.
        4. Changes or missing payments: route to appointeeship with the client reference.
        """),
        ("appointeeship-benefit-change.md", """
        # Benefit change

        1. RESTRICTED: vulnerable adult.
        2. Ask for the client reference and the DWP letter's date.
        3. The appointeeship team tells DWP of changes; the caller should not.
        4. Route to appointeeship with the client reference.
        """),
        ("appointeeship-pay-bill.md", """
        # Paying a client's bill

        1. RESTRICTED: vulnerable adult.
        2. Ask for the client reference, who the bill is from, the amount and the due date.
        3. Do not promise a payment date.
        4. Route to appointeeship with the client reference.
        """),
        ("appointeeship-deputyship.md", """
        # Court of Protection deputyship

        1. RESTRICTED: vulnerable adult.
        2. Deputyship questions are answered by the appointeeship team only.
        3. Ask for the client reference and what the caller needs.
        4. Route to appointeeship with the client reference.
        """),
        ("appointeeship-care-charge.md", """
        # Care-charge contribution

        1. RESTRICTED: vulnerable adult.
        2. Contributions follow the financial assessment; the team cannot change them on a call.
        3. Ask for the client reference and which charge is queried.
        4. Route to appointeeship with the client reference.
        """),
    ]
}
