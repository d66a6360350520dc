/// The commented configuration file written into a new data directory. It is
/// also the single source of the default taxonomy: the defaults are whatever
/// this text parses to.
public enum DefaultConfiguration {
    public static let fileName = "bscdesk.toml"

    public static func text(firstSupervisor login: String, name: String = "") -> String {
        let display = name.isEmpty ? login : name
        return header + """

        # ---------------------------------------------------------------------------
        # People, keyed by OS login (getpwuid(geteuid()), never $USER).
        # role: agent, team-leader or supervisor.
        # queues: the queues this person works (their team). Restricted queues
        # (appointeeship) are visible only to their team and to supervisors.
        # ---------------------------------------------------------------------------

        [users.\(tomlKey(login))]
        name = \(tomlString(display))
        role = "supervisor"
        queues = ["customer-services"]

        # [users.jsmith]
        # name = "Jo Smith"
        # role = "agent"
        # queues = ["customer-services"]

        """
    }

    static func tomlKey(_ login: String) -> String {
        let bare = login.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return bare && !login.isEmpty ? login : tomlString(login)
    }

    static func tomlString(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += "\\u" + String(format4(ch.value)) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    private static func format4(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    static let header = #"""
    # bscdesk configuration.
    #
    # Supervisors edit this file; bscdesk refuses to load it if anyone other than
    # its owner (and, in group-shared mode, its group) can write to it.
    # After editing, run `bscdesk doctor` to check it.

    [desk]
    # IANA time zone for working hours, periods and local times shown.
    timezone = "Europe/London"
    # Working days and hours: SLA clocks only run inside them.
    working_days = ["mon", "tue", "wed", "thu", "fri"]
    working_hours = "09:00-17:00"
    # Reopen window for first-contact resolution, in working days.
    reopen_window_days = 3
    # Share of an SLA target used up at which a ticket shows as "at risk".
    at_risk_share = 0.75
    # Group-shared mode for a team server: name the OS group that shares the
    # data directory (setgid directory, files 0660). Empty: owner only (0600).
    shared_group = ""
    # Colour theme for the screen: default, high-contrast, monochrome, light, or
    # a theme file in the data directory's themes/. --theme and BSCDESK_THEME win.
    theme = "default"

    [targets]
    # Percentages. RAG: green at or above target, amber within the margin
    # below it, red below that (flipped for lower-is-better metrics).
    fcr = 90.0
    net_fcr = 90.0
    flr = 90.0
    sla = 95.0
    csat = 85.0
    reopen_rate = 5.0
    average_handle_minutes = 6.0
    time_to_resolve_hours = 24.0
    amber_margin = 5.0

    [holidays]
    # England & Wales bank holidays are computed for every year. List here the
    # one-off changes (moved or extra holidays) and local closure days.
    # removed: computed holidays that did not happen on their usual day.
    removed = ["2020-05-04", "2022-05-30"]
    # added: one-off holidays and closures, date = name.
    added = { "2020-05-08" = "VE Day", "2022-06-02" = "Spring bank holiday (moved)", "2022-06-03" = "Platinum Jubilee", "2022-09-19" = "State Funeral of Queen Elizabeth II", "2023-05-08" = "Coronation of King Charles III" }

    # ---------------------------------------------------------------------------
    # Queues. handoff: the details the back office needs when a ticket is
    # routed to it; routing without a required one is refused.
    # resolution_target_hours: SLA in working hours (8 = one working day).
    # resolution_target / first_response_target: the same as a string, "36h"
    # (working hours) or "3d" (working days); categories may override them.
    # assignment: manual, round-robin or least-loaded: with an automatic mode a
    # ticket routed to the queue is assigned at once to a team member.
    # ---------------------------------------------------------------------------

    [[queues]]
    id = "customer-services"
    name = "Customer services"
    resolution_target_hours = 8
    first_response_target_hours = 2

    [[queues]]
    id = "payroll"
    name = "Payroll"
    resolution_target_hours = 24
    first_response_target_hours = 8
    handoff = [
      { key = "employee-number", label = "Employee number" },
      { key = "pay-period", label = "Pay date or period" },
    ]

    [[queues]]
    id = "exchequer"
    name = "Exchequer"
    resolution_target_hours = 24
    first_response_target_hours = 8
    handoff = [
      { key = "account-number", label = "Supplier or debtor number" },
      { key = "invoice-number", label = "Invoice number" },
      { key = "amount", label = "Amount", required = false },
    ]

    [[queues]]
    id = "vacancy-management"
    name = "Vacancy management"
    resolution_target_hours = 24
    first_response_target_hours = 8
    handoff = [
      { key = "post-reference", label = "Post or vacancy reference" },
      { key = "hiring-manager", label = "Hiring manager", required = false },
    ]

    [[queues]]
    id = "appointeeship"
    name = "Appointeeship"
    # Vulnerable adults: personal content is visible to this team and to
    # supervisors only.
    restricted = true
    group = "bscdesk-appointeeship"
    resolution_target_hours = 40
    first_response_target_hours = 8
    handoff = [
      { key = "client-reference", label = "Client reference" },
    ]

    # ---------------------------------------------------------------------------
    # Categories. id is what `--category` takes. resolvable: whether customer
    # services may resolve it on the spot (net FCR counts only these).
    # identity_check: the caller's identity must be verified and recorded.
    # article: a Markdown file in the data directory's kb/ folder.
    # keywords: words or phrases ("bank details") that suggest the category
    # while the agent types (see `bscdesk triage`).
    # resolution_target / first_response_target: override the queue's SLA
    # targets, in working hours (36 or "36h") or working days ("3d").
    # handoff: the details routing this category to its queue needs, in
    # place of the queue's list (routing elsewhere asks for that queue's).
    # ---------------------------------------------------------------------------

    [[categories]]
    id = "cs.general-enquiry"
    name = "General enquiry or signposting"
    queue = "customer-services"
    resolvable = true
    keywords = ["enquiry", "information", "signpost", "contact", "opening", "address", "who"]
    article = "cs-general-enquiry.md"

    [[categories]]
    id = "cs.password-reset"
    name = "Self-service password reset"
    queue = "customer-services"
    resolvable = true
    keywords = ["password", "reset", "locked", "login", "log", "account", "portal", "self-service"]
    article = "cs-password-reset.md"

    [[categories]]
    id = "cs.form-help"
    name = "Help with a form"
    queue = "customer-services"
    resolvable = true
    keywords = ["form", "e-form", "fill", "complete", "submit", "upload"]
    article = "cs-form-help.md"

    [[categories]]
    id = "cs.request-status"
    name = "Where is my request"
    queue = "customer-services"
    resolvable = true
    keywords = ["chasing", "status", "update", "progress", "where", "waiting", "heard"]
    article = "cs-request-status.md"

    [[categories]]
    id = "payroll.salary-query"
    name = "Salary query"
    queue = "payroll"
    resolvable = true
    keywords = ["salary", "pay", "paid", "wage", "amount", "deduction"]
    article = "payroll-salary-query.md"

    [[categories]]
    id = "payroll.payslip"
    name = "Payslip"
    queue = "payroll"
    resolvable = true
    keywords = ["payslip", "copy", "download", "slip", "missing", "lost", "not received"]
    article = "payroll-payslip.md"

    [[categories]]
    id = "payroll.overpayment"
    name = "Overpayment"
    queue = "payroll"
    resolvable = false
    priority = "high"
    keywords = ["overpaid", "overpayment", "repay", "too much"]
    article = "payroll-overpayment.md"

    [[categories]]
    id = "payroll.underpayment"
    name = "Underpayment"
    queue = "payroll"
    resolvable = false
    priority = "high"
    keywords = ["underpaid", "underpayment", "short", "missing", "not paid"]
    article = "payroll-underpayment.md"

    [[categories]]
    id = "payroll.tax"
    name = "Tax code, P45 or P60"
    queue = "payroll"
    resolvable = true
    keywords = ["tax", "code", "p45", "p60", "hmrc", "emergency"]
    article = "payroll-tax.md"

    [[categories]]
    id = "payroll.starter-leaver"
    name = "Starter, leaver or contract change"
    queue = "payroll"
    resolvable = false
    keywords = ["starter", "leaver", "leaving", "contract", "hours", "change", "new"]
    article = "payroll-starter-leaver.md"

    [[categories]]
    id = "payroll.expenses"
    name = "Expenses and mileage"
    queue = "payroll"
    resolvable = false
    keywords = ["expenses", "mileage", "claim", "travel"]
    article = "payroll-expenses.md"

    [[categories]]
    id = "payroll.sick-pay"
    name = "Sick pay"
    queue = "payroll"
    resolvable = false
    keywords = ["sick", "ssp", "sickness", "illness"]
    article = "payroll-sick-pay.md"

    [[categories]]
    id = "payroll.pension"
    name = "Pension (LGPS, Teachers' Pensions)"
    queue = "payroll"
    resolvable = true
    keywords = ["pension", "lgps", "teachers", "retire", "retirement"]
    article = "payroll-pension.md"

    [[categories]]
    id = "payroll.benefits"
    name = "Staff benefits"
    queue = "payroll"
    resolvable = true
    keywords = ["benefit", "benefits", "sacrifice", "cycle", "childcare", "lease"]
    article = "payroll-benefits.md"

    [[categories]]
    id = "exchequer.payment-chase"
    name = "Supplier chasing payment"
    queue = "exchequer"
    resolvable = true
    keywords = ["chase", "chasing", "payment", "remittance", "invoice", "paid", "supplier", "owed"]
    article = "exchequer-payment-chase.md"

    [[categories]]
    id = "exchequer.new-supplier"
    name = "New supplier set-up"
    queue = "exchequer"
    resolvable = false
    keywords = ["new", "supplier", "set-up", "setup", "vendor", "register"]
    article = "exchequer-new-supplier.md"

    [[categories]]
    id = "exchequer.bank-details"
    name = "Bank-detail change"
    queue = "exchequer"
    resolvable = false
    priority = "high"
    identity_check = true
    keywords = ["bank details", "bank", "details", "account", "sort code", "sort", "change"]
    resolution_target = "3d"
    article = "exchequer-bank-details.md"
    # Its own hand-off details: no invoice is involved.
    handoff = [
      { key = "account-number", label = "Supplier or debtor number" },
    ]

    [[categories]]
    id = "exchequer.invoice-dispute"
    name = "Invoice dispute"
    queue = "exchequer"
    resolvable = false
    keywords = ["dispute", "disputed", "wrong", "incorrect", "invoice", "query"]
    article = "exchequer-invoice-dispute.md"

    [[categories]]
    id = "exchequer.repayment-plan"
    name = "Debt repayment plan"
    queue = "exchequer"
    resolvable = false
    keywords = ["repayment", "plan", "instalments", "debt", "arrears", "afford"]
    article = "exchequer-repayment-plan.md"

    [[categories]]
    id = "exchequer.letter-before-action"
    name = "Letter before action"
    queue = "exchequer"
    resolvable = false
    priority = "high"
    keywords = ["letter", "action", "court", "legal", "solicitor"]
    article = "exchequer-letter-before-action.md"

    [[categories]]
    id = "exchequer.card-payment"
    name = "Card payment"
    queue = "exchequer"
    resolvable = true
    keywords = ["card", "pay", "payment", "debit", "credit"]
    article = "exchequer-card-payment.md"

    [[categories]]
    id = "exchequer.right-to-buy"
    name = "Right-to-buy enquiry"
    queue = "exchequer"
    resolvable = false
    keywords = ["right", "buy", "purchase", "home"]
    article = "exchequer-right-to-buy.md"

    [[categories]]
    id = "exchequer.leaseholder"
    name = "Leaseholder account"
    queue = "exchequer"
    resolvable = false
    keywords = ["leaseholder", "lease", "service", "charge"]
    article = "exchequer-leaseholder.md"

    [[categories]]
    id = "exchequer.purchase-card"
    name = "Purchase card"
    queue = "exchequer"
    resolvable = true
    keywords = ["purchase", "card", "p-card", "procurement", "limit"]
    article = "exchequer-purchase-card.md"

    [[categories]]
    id = "vacancy.approval"
    name = "Vacancy approval"
    queue = "vacancy-management"
    resolvable = false
    keywords = ["vacancy", "approval", "approve", "authorise", "post"]
    article = "vacancy-approval.md"

    [[categories]]
    id = "vacancy.advert"
    name = "Advert query"
    queue = "vacancy-management"
    resolvable = true
    keywords = ["advert", "advertise", "closing", "date", "job"]
    article = "vacancy-advert.md"

    [[categories]]
    id = "vacancy.applicant"
    name = "Applicant enquiry"
    queue = "vacancy-management"
    resolvable = true
    keywords = ["applicant", "application", "applied", "interview", "shortlist", "job"]
    article = "vacancy-applicant.md"

    [[categories]]
    id = "vacancy.dbs"
    name = "DBS check status"
    queue = "vacancy-management"
    resolvable = true
    keywords = ["dbs", "disclosure", "check", "barring"]
    article = "vacancy-dbs.md"

    [[categories]]
    id = "vacancy.agency-booking"
    name = "Agency worker booking"
    queue = "vacancy-management"
    resolvable = false
    keywords = ["agency", "temp", "temporary", "booking", "worker"]
    article = "vacancy-agency-booking.md"

    [[categories]]
    id = "vacancy.interim"
    name = "Interim or consultant placement"
    queue = "vacancy-management"
    resolvable = false
    keywords = ["interim", "consultant", "extension", "placement"]
    article = "vacancy-interim.md"

    [[categories]]
    id = "appointeeship.allowance"
    name = "Client's personal allowance"
    queue = "appointeeship"
    resolvable = false
    keywords = ["allowance", "personal", "money", "spending", "cash"]
    article = "appointeeship-allowance.md"

    [[categories]]
    id = "appointeeship.benefit-change"
    name = "Benefit change"
    queue = "appointeeship"
    resolvable = false
    keywords = ["benefit", "dwp", "pip", "universal", "credit", "attendance"]
    article = "appointeeship-benefit-change.md"

    [[categories]]
    id = "appointeeship.pay-bill"
    name = "Paying a client's bill"
    queue = "appointeeship"
    resolvable = false
    keywords = ["bill", "pay", "rent", "utility", "energy"]
    article = "appointeeship-pay-bill.md"

    [[categories]]
    id = "appointeeship.deputyship"
    name = "Court of Protection deputyship"
    queue = "appointeeship"
    resolvable = false
    keywords = ["court", "protection", "deputy", "deputyship"]
    article = "appointeeship-deputyship.md"

    [[categories]]
    id = "appointeeship.care-charge"
    name = "Care-charge contribution"
    queue = "appointeeship"
    resolvable = false
    keywords = ["care", "charge", "contribution", "financial", "assessment"]
    article = "appointeeship-care-charge.md"

    """#
}
