import BSCApp
import BSCCore
import BSCJournal
import BSCProtocol

/// The checks and look-ups of protocol version 4 (`verify`, `doctor`,
/// `categories`): the same functions in-process and on the team server,
/// so a supervisor gets the same report on either.
extension DeskCommands {
    /// The journal's hash chain: events and files checked, the head to
    /// record, and (with `against`) whether an earlier head is still in
    /// it. Tampering or lost events end in a finding (exit 1). It reads
    /// nothing personal, so every role may ask.
    public static func verify(_ a: VerifyArgs, desk: Desk) throws -> CommandOutput {
        if let against = a.against, against.count != 64 || !against.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
            throw DeskError.usage("bad --against \"\(terminalSafe(against))\": give a 64-character lower-case hex head hash as printed by verify")
        }
        var bad = false
        var r = try ChainVerifier(journal: desk.journal).verify(against: a.against)
        var out = "checked \(r.events) events in \(r.files) file(s)\n"
        var beforeMigration: String?
        if let m = try desk.migrationOrigin() {
            out += "note: migrated from a journal of before encryption (head \(m.head), seq \(m.headSeq)), archived in \(m.archive)\n"
            if r.foundEarlierHead == false, let against = a.against, let found = try desk.earlierHeadBeforeMigration(against) {
                r.foundEarlierHead = true
                beforeMigration = found
            }
        }
        for skipped in try desk.journal.skippedEntries() { out += "note: journal/\(skipped)\n" }
        for skipped in r.skippedFragments { out += "note: journal/\(terminalSafe(skipped))\n" }
        out += "head: \(r.headHash) (seq \(r.headSeq))\n"
        if r.unterminatedBytes > 0 {
            out += "note: the newest file ends with \(r.unterminatedBytes) bytes of an unfinished line (a crashed or in-progress write; not part of the chain)\n"
        }
        for lost in r.reusedSeqs {
            out += "LOST: \(terminalSafe(lost))\n"
            bad = true
        }
        if let b = r.firstBreak {
            out += "TAMPERED: \(b)\n"
            bad = true
        }
        // A data directory not yet migrated: its restricted journals are
        // chains of their own (docs/journal-format.md).
        var restrictedBroken = false
        if desk.hasRestrictedJournals {
            let rr = desk.checkRestrictedJournals(chains: true)
            out += "restricted journals of before encryption: checked \(rr.events) events in \(rr.journals) journal(s)\n"
            for n in rr.notes { out += "note: \(n)\n" }
            for p in rr.problems { out += "TAMPERED: \(p)\n" }
            restrictedBroken = !rr.problems.isEmpty
            bad = bad || restrictedBroken
        }
        if let found = r.foundEarlierHead, let against = a.against {
            if found {
                out += (beforeMigration ?? "earlier head \(against) is in the chain") + "\n"
            } else {
                out += "TAMPERED: earlier head \(against) is not in the chain: the journal was cut back or rewritten since it was recorded\n"
                bad = true
            }
        }
        let lostOnly = r.firstBreak == nil && r.foundEarlierHead != false && !restrictedBroken
        out += bad ? (lostOnly ? "result: EVENTS LOST\n" : "result: TAMPERING FOUND\n") : "result: chain intact\n"
        var answer = CommandOutput(output: out)
        if bad {
            answer.finding = .init(status: ExitStatus.damage.rawValue, message: lostOnly ? "the journal has lost events (see above)" : "the journal's chain is broken: tampering found (see above)")
        }
        return answer
    }

    /// The journal's damage and semantic warnings (docs/journal-format.md).
    /// For supervisors and team leaders: the warnings name tickets and
    /// users. Damage (or, with `strict`, any warning) ends in a finding.
    public static func doctor(_ a: DoctorArgs, desk: Desk) throws -> CommandOutput {
        guard desk.profile.role != .agent else {
            throw DeskError.permission("doctor is for team leaders and supervisors; you are \(desk.profile.role.rawValue). Ask a supervisor; nothing was done")
        }
        try desk.needHistoryLoaded()
        let report = DoctorReport.make(desk, limit: a.all ? nil : 50)
        var answer = CommandOutput(output: report.text)
        if report.damaged {
            answer.finding = .init(status: ExitStatus.damage.rawValue, message: "the journal is damaged (see above)")
        } else if a.strict && report.warnings > 0 {
            answer.finding = .init(status: ExitStatus.damage.rawValue, message: "\(report.warnings) warning\(report.warnings == 1 ? "" : "s") with --strict (see above)")
        }
        return answer
    }

    /// The queues and their categories, with the ids `--category` takes.
    public static func categories(_ a: CategoriesArgs, desk: Desk) throws -> CommandOutput {
        let tax = desk.taxonomy
        switch a.format {
        case "json":
            let queues: [JSONOut] = tax.queues.map { q in
                .object([
                    ("id", .string(q.id)), ("name", .string(q.name)), ("restricted", .bool(q.restricted)),
                    ("handoff", .array(q.handoff.map { .object([("key", .string($0.key)), ("label", .string($0.label)), ("required", .bool($0.required))]) })),
                    ("categories", .array(tax.categories(inQueue: q.id).map { c in
                        .object([("id", .string(c.id)), ("name", .string(c.name)), ("resolvable", .bool(c.frontDeskResolvable)),
                                 ("priority", .string(c.defaultPriority.rawValue)), ("identity_check", .bool(c.requiresIdentityCheck))])
                    })),
                ])
            }
            return CommandOutput(output: JSONOut.array(queues).serialized() + "\n")
        case "table":
            var out = ""
            for q in tax.queues {
                // Names come from bscdesk.toml: text like any other.
                out += "\(terminalSafe(q.id)) — \(terminalSafe(q.name))" + (q.restricted ? " [restricted]" : "") + "\n"
                for c in tax.categories(inQueue: q.id) {
                    out += "  " + terminalSafe(c.id).padded(toWidth: 34) + (c.frontDeskResolvable ? "front desk " : "back office ") + terminalSafe(c.name) + (c.requiresIdentityCheck ? " (identity check)" : "") + "\n"
                }
            }
            return CommandOutput(output: out)
        default:
            throw DeskError.usage("unknown format \"\(terminalSafe(a.format))\" for categories: use table or json")
        }
    }

    /// A journal of before encryption brought under crypto-shredding
    /// (docs/data-protection.md); supervisors. On the team server the
    /// requests behind it wait, and its projection is rebuilt after.
    public static func migrate(_ a: MigrateArgs, desk: Desk) throws -> CommandOutput {
        CommandOutput(output: try desk.migrate(dryRun: a.dryRun).text)
    }
}
