import BSCCore
import Foundation

/// The integer counts behind every figure of docs/metrics.md, as the
/// reference model computes them. Compared field by field with the engine.
struct RefTally: Equatable, CustomStringConvertible {
    // By the local date of the first contact.
    var opened: Int64 = 0
    var contacts: Int64 = 0
    var contactsWithDuration: Int64 = 0
    var contactsWithoutDuration: Int64 = 0
    var handleMillis: Int64 = 0
    var fcrFlagged: Int64 = 0
    var fcr: Int64 = 0
    var fcrProvisional: Int64 = 0
    var disqualifiedReopened: Int64 = 0
    var disqualifiedRepeatContact: Int64 = 0
    var disqualifiedSameCaller: Int64 = 0
    var netOpened: Int64 = 0
    var netFCR: Int64 = 0
    var netFCRProvisional: Int64 = 0
    var flr: Int64 = 0
    // By the local date of the current resolution.
    var resolved: Int64 = 0
    var resolvedReopened: Int64 = 0
    var resolveWorkingMillis: Int64 = 0
    var slaTargeted: Int64 = 0
    var slaMet: Int64 = 0
    var ratings: Int64 = 0
    var ratingsGood: Int64 = 0
    // Imported tickets whose first contact's outcome is unknown.
    var fcrUnknown: Int64 = 0
    var netFCRUnknown: Int64 = 0

    var isEmpty: Bool { opened == 0 && resolved == 0 }

    /// The fields as (name, value), for naming the one that differs.
    var fields: [(String, Int64)] {
        [("opened", opened), ("contacts", contacts), ("contactsWithDuration", contactsWithDuration),
         ("contactsWithoutDuration", contactsWithoutDuration), ("handleMillis", handleMillis), ("fcrFlagged", fcrFlagged),
         ("fcr", fcr), ("fcrProvisional", fcrProvisional), ("disqualifiedReopened", disqualifiedReopened),
         ("disqualifiedRepeatContact", disqualifiedRepeatContact), ("disqualifiedSameCaller", disqualifiedSameCaller),
         ("netOpened", netOpened), ("netFCR", netFCR), ("netFCRProvisional", netFCRProvisional), ("flr", flr),
         ("resolved", resolved), ("resolvedReopened", resolvedReopened), ("resolveWorkingMillis", resolveWorkingMillis),
         ("slaTargeted", slaTargeted), ("slaMet", slaMet), ("ratings", ratings), ("ratingsGood", ratingsGood),
         ("fcrUnknown", fcrUnknown), ("netFCRUnknown", netFCRUnknown)]
    }

    var description: String { fields.filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }

    /// The names of the fields that differ.
    func differences(from o: RefTally) -> [String] {
        zip(fields, o.fields).filter { $0.0.1 != $0.1.1 }.map { "\($0.0.0) expected \($0.0.1) got \($0.1.1)" }
    }
}

/// The board's four figures: numerator, denominator and (FCR) provisional.
struct RefAttainment: Equatable, CustomStringConvertible {
    var numerator: Int
    var denominator: Int
    var provisional: Bool
    var description: String { "\(numerator)/\(denominator)\(provisional ? " provisional" : "")" }
}

enum RefFCRVerdict: Equatable {
    case notFlagged
    case qualified(provisional: Bool)
    case reopened, repeatContact, sameCaller
}

enum RefSLAState: String, Equatable {
    case onTrack, atRisk, breached, paused, met, missed
}

struct RefSLAVerdict: Equatable, CustomStringConvertible {
    var state: RefSLAState
    var elapsedMillis: Int64
    var targetMillis: Int64
    var description: String { "\(state.rawValue) elapsed=\(elapsedMillis)ms target=\(targetMillis)ms" }
}

/// The reference model: a deliberately simple, slow reading of
/// docs/metrics.md ("Definitions") and issue 12. It folds the events itself
/// and shares no code with the engine (no TicketStore, MetricsIndex,
/// SLAClock or WorkingCalendar); its clock is `ReferenceCalendar`.
struct ReferenceModel {
    typealias Cal = ReferenceCalendar

    struct Contact {
        var received: Int64
        var durationMillis: Int64?
    }

    struct Ticket {
        var ref: Int
        var received: Int64
        var openedBy: String
        var channel: String
        var callerName: String
        var callerRef: String?
        var callerType: String
        var category: String
        /// The category at first contact: the opening one, or one corrected
        /// while the first contact was the only thing that had happened.
        var firstCategory: String
        var queue: String
        /// Interactions logged on this ticket, the first included: each
        /// counts once, with this ticket, for volumes and handle time.
        var ownContacts: [Contact]
        /// Every contact on the matter, those of merged duplicates included:
        /// the later ones are its repeat contacts.
        var allContacts: [Contact]
        var everRouted = false
        var reopenedOnce = false
        var fcrFlag = false
        /// When the first-contact resolution was made.
        var fcrMoment: Int64?
        var resolvedAt: Int64?
        var resolvedBy: String?
        var resolutions = 0
        var reopens: [Int64] = []
        var pauses: [(Int64, Int64)] = []
        var pendingSince: Int64?
        var rating: Int?
        var merged = false
        /// Set on a ticket brought in by an import: its batch and the
        /// source's category. Its FCR is unknown.
        var importBatch: String?
        var sourceCategory = "(not imported)"
    }

    /// The engine's known departures from the definitions, emulated on
    /// demand so that a disagreement they explain can be told apart from a
    /// new one (see `ReferenceModelTests.compare`). Never on by default.
    enum Quirk: String, CaseIterable {
        /// A survivor counts the contacts it absorbed from a merged
        /// duplicate as its own for volumes and handle time, so each of
        /// them is counted twice (once more with the duplicate).
        case mergedContactsCountedTwice = "merged contacts counted twice"
    }

    var tickets: [Int: Ticket] = [:]
    var voidedRefs: Set<Int> = []
    let now: Int64
    let quirks: Set<Quirk>

    init(events: [Event], now: Int64, quirks: Set<Quirk> = []) {
        self.now = now
        self.quirks = quirks
        for e in events { apply(e) }
        computeVerdicts()
    }

    // MARK: The fold, from the event types' meaning

    private mutating func apply(_ e: Event) {
        // An imported event happened at its source time, not when written.
        let at = (e.source?.at ?? e.at).millis, n = e.ref.number
        if case .opened(let caller, let category, let queue, _, let contact, _) = e.body {
            guard tickets[n] == nil, !voidedRefs.contains(n) else { return }
            let c = Contact(received: contact.received.millis, durationMillis: contact.durationMillis)
            tickets[n] = Ticket(ref: n, received: contact.received.millis, openedBy: e.user, channel: contact.channel.rawValue,
                                callerName: caller.name, callerRef: caller.reference, callerType: caller.type.rawValue,
                                category: category, firstCategory: category, queue: queue, ownContacts: [c], allContacts: [c])
            if let src = e.source, src.sourceRef != nil {
                tickets[n]!.importBatch = src.batch
                tickets[n]!.sourceCategory = src.sourceCategory ?? "(none)"
            }
            return
        }
        if case .importVoided(let batch) = e.body {
            // The batch's tickets leave every figure.
            for (k, t) in tickets where t.importBatch == batch {
                tickets[k] = nil
                voidedRefs.insert(k)
            }
            return
        }
        guard var t = tickets[n] else { return }
        func endPause() {
            if let s = t.pendingSince { t.pauses.append((s, at)) }
            t.pendingSince = nil
        }
        switch e.body {
        case .opened: break
        case .contactLogged(let c):
            let contact = Contact(received: c.received.millis, durationMillis: c.durationMillis)
            t.ownContacts.append(contact)
            t.allContacts.append(contact)
        case .routed(let queue, _, _):
            // A route moves a pending ticket out of pending: the pause ends.
            endPause()
            t.queue = queue
            if queue != ReferenceDesk.frontDesk { t.everRouted = true }
        case .pending:
            if t.pendingSince == nil { t.pendingSince = at }
        case .resumed:
            endPause()
        case .resolved(_, let firstContact):
            endPause()
            t.resolutions += 1
            if t.resolutions == 1 && firstContact {
                t.fcrFlag = true
                t.fcrMoment = at
            }
            t.resolvedAt = at
            t.resolvedBy = e.user
        case .reopened:
            t.reopens.append(at)
            t.reopenedOnce = true
            t.resolvedAt = nil
            t.resolvedBy = nil
        case .corrected(let field, _, let to):
            switch field {
            case .category:
                t.category = to
                if t.allContacts.count <= 1 && !t.reopenedOnce && !t.everRouted { t.firstCategory = to }
            case .callerName: t.callerName = to
            case .callerReference: t.callerRef = to.isEmpty ? nil : to
            case .callerType: t.callerType = to
            default: break
            }
        case .feedback(let rating, _):
            t.rating = rating
        case .merged:
            endPause()
            t.merged = true
        case .absorbed(let from):
            if from.number != n, let dup = tickets[from.number] {
                t.allContacts += dup.allContacts
                if quirks.contains(.mergedContactsCountedTwice) { t.ownContacts += dup.allContacts }
            }
        default: break
        }
        tickets[n] = t
    }

    // MARK: Same caller

    /// Spaces (all of them) and case ignored; nil when nothing is left.
    static func reference(_ r: String?) -> String? {
        guard let r else { return nil }
        let s = r.unicodeScalars.filter { !$0.properties.isWhitespace }.map(String.init).joined().uppercased()
        return s.isEmpty ? nil : s
    }

    /// Folded for case, accents and spacing; nil when nothing is left.
    static func name(_ n: String) -> String? {
        let folded = n.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        let words = folded.split(whereSeparator: { $0.isWhitespace })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    static func sameCaller(_ a: Ticket, _ b: Ticket) -> Bool {
        if let x = reference(a.callerRef), let y = reference(b.callerRef) { return x == y }
        if let x = name(a.callerName), let y = name(b.callerName) { return x == y }
        return false
    }

    // MARK: Per-ticket verdicts

    struct Verdict {
        var fcr: RefFCRVerdict = .notFlagged
        /// Working time received → current resolution, pauses out.
        var resolveMillis: Int64 = 0
        var targetMillis: Int64?
        /// Local day numbers of the first contact and of the current resolution.
        var openedDay = 0
        var resolvedDay: Int?
    }

    /// Ticket numbers in order.
    private(set) var numbers: [Int] = []

    private(set) var verdicts: [Int: Verdict] = [:]

    private mutating func computeVerdicts() {
        // Each caller's reference and name, folded once.
        var keys: [Int: (ref: String?, name: String?)] = [:]
        for (n, t) in tickets { keys[n] = (Self.reference(t.callerRef), Self.name(t.callerName)) }
        func same(_ a: Int, _ b: Int) -> Bool {
            let x = keys[a]!, y = keys[b]!
            if let r = x.ref, let s = y.ref { return r == s }
            if let m = x.name, let o = y.name { return m == o }
            return false
        }
        for (n, t) in tickets {
            var v = Verdict()
            v.targetMillis = ReferenceDesk.targetMillis(category: t.category, queue: t.queue)
            v.openedDay = Cal.localDay(t.received)
            v.resolvedDay = t.resolvedAt.map(Cal.localDay)
            if let r = t.resolvedAt { v.resolveMillis = Cal.workingMillis(from: t.received, to: r, excluding: t.pauses) }
            if t.fcrFlag, let moment = t.fcrMoment {
                let end = Cal.addingWorking(ReferenceDesk.reopenWindowMillis, to: moment)
                func inWindow(_ x: Int64) -> Bool { x > moment && x <= end }
                if t.reopens.contains(where: inWindow) {
                    v.fcr = .reopened
                } else if t.allContacts.dropFirst().contains(where: { inWindow($0.received) }) {
                    v.fcr = .repeatContact
                } else if tickets.values.contains(where: { o in
                    o.ref != n && o.firstCategory == t.firstCategory && inWindow(o.received) && same(n, o.ref)
                }) {
                    v.fcr = .sameCaller
                } else {
                    v.fcr = .qualified(provisional: now <= end)
                }
            }
            verdicts[n] = v
        }
        numbers = tickets.keys.sorted()
    }

    /// The SLA verdict `show` gives at `now`; nil without a target, and for
    /// a duplicate closed by a merge before it was resolved (no clock).
    func slaVerdict(_ n: Int) -> RefSLAVerdict? {
        guard let t = tickets[n], let target = verdicts[n]?.targetMillis else { return nil }
        if let r = t.resolvedAt {
            let elapsed = Cal.workingMillis(from: t.received, to: r, excluding: t.pauses)
            return RefSLAVerdict(state: elapsed <= target ? .met : .missed, elapsedMillis: elapsed, targetMillis: target)
        }
        if t.merged { return nil }
        let until = min(now, t.pendingSince ?? now)
        let elapsed = Cal.workingMillis(from: t.received, to: until, excluding: t.pauses)
        let state: RefSLAState
        if elapsed > target { state = .breached }
        else if t.pendingSince != nil { state = .paused }
        else if Double(elapsed) >= ReferenceDesk.atRiskShare * Double(target) { state = .atRisk }
        else { state = .onTrack }
        return RefSLAVerdict(state: state, elapsedMillis: elapsed, targetMillis: target)
    }

    // MARK: Figures

    enum Dimension: String, CaseIterable {
        case queue, category, channel, agent, callerType, sourceCategory
    }

    /// The counts for the local days `first...last` (day numbers), all
    /// tickets or grouped by `dimension`.
    func tallies(first: Int, last: Int, by dimension: Dimension?) -> [String: RefTally] {
        var out: [String: RefTally] = [:]
        for n in numbers {
            let v = verdicts[n]!
            let opened = v.openedDay >= first && v.openedDay <= last
            let resolved = v.resolvedDay.map { $0 >= first && $0 <= last } ?? false
            guard opened || resolved else { continue }
            let t = tickets[n]!
            if opened {
                let key: String
                switch dimension {
                case nil: key = ""
                case .queue: key = t.queue
                case .category: key = t.firstCategory
                case .channel: key = t.channel
                case .agent: key = t.openedBy
                case .callerType: key = t.callerType
                case .sourceCategory: key = t.sourceCategory
                }
                var g = out[key] ?? RefTally()
                g.opened += 1
                g.contacts += Int64(t.ownContacts.count)
                for c in t.ownContacts {
                    if let d = c.durationMillis {
                        g.contactsWithDuration += 1
                        g.handleMillis += d
                    } else {
                        g.contactsWithoutDuration += 1
                    }
                }
                let net = ReferenceDesk.category(t.firstCategory)?.resolvable == true
                if net { g.netOpened += 1 }
                if t.importBatch != nil {
                    g.fcrUnknown += 1
                    if net { g.netFCRUnknown += 1 }
                }
                if t.resolvedAt != nil && !t.everRouted { g.flr += 1 }
                if t.fcrFlag { g.fcrFlagged += 1 }
                switch v.fcr {
                case .notFlagged: break
                case .qualified(let provisional):
                    g.fcr += 1
                    if provisional { g.fcrProvisional += 1 }
                    if net {
                        g.netFCR += 1
                        if provisional { g.netFCRProvisional += 1 }
                    }
                case .reopened: g.disqualifiedReopened += 1
                case .repeatContact: g.disqualifiedRepeatContact += 1
                case .sameCaller: g.disqualifiedSameCaller += 1
                }
                out[key] = g
            }
            if resolved {
                let key: String
                switch dimension {
                case nil: key = ""
                case .queue: key = t.queue
                case .category: key = t.firstCategory
                case .channel: key = t.channel
                case .agent: key = t.resolvedBy ?? ""
                case .callerType: key = t.callerType
                case .sourceCategory: key = t.sourceCategory
                }
                var g = out[key] ?? RefTally()
                g.resolved += 1
                if t.reopenedOnce { g.resolvedReopened += 1 }
                g.resolveWorkingMillis += v.resolveMillis
                if let target = v.targetMillis {
                    g.slaTargeted += 1
                    if v.resolveMillis <= target { g.slaMet += 1 }
                }
                if let rating = t.rating {
                    g.ratings += 1
                    if rating >= 4 { g.ratingsGood += 1 }
                }
                out[key] = g
            }
        }
        return out
    }

    func overall(first: Int, last: Int) -> RefTally { tallies(first: first, last: last, by: nil)[""] ?? RefTally() }

    /// The board: today, and this ISO week from Monday to today.
    func board() -> (fcrToday: RefAttainment, fcrWeek: RefAttainment, slaToday: RefAttainment, slaWeek: RefAttainment) {
        let today = Cal.localDay(now)
        let monday = today - (Cal.weekday(today) - 1)
        let d = overall(first: today, last: today), w = overall(first: monday, last: today)
        // Gross FCR leaves out the imported tickets whose FCR is unknown.
        return (RefAttainment(numerator: Int(d.fcr), denominator: Int(d.opened - d.fcrUnknown), provisional: d.fcrProvisional > 0),
                RefAttainment(numerator: Int(w.fcr), denominator: Int(w.opened - w.fcrUnknown), provisional: w.fcrProvisional > 0),
                RefAttainment(numerator: Int(d.slaMet), denominator: Int(d.slaTargeted), provisional: false),
                RefAttainment(numerator: Int(w.slaMet), denominator: Int(w.slaTargeted), provisional: false))
    }

    // MARK: Periods (own arithmetic)

    static func month(containing d: Int) -> (Int, Int) {
        let c = Cal.civil(d)
        let first = Cal.dayNumber(c.year, c.month, 1)
        return (first, first + Cal.daysIn(c.year, c.month) - 1)
    }

    static func week(containing d: Int) -> (Int, Int) {
        let monday = d - (Cal.weekday(d) - 1)
        return (monday, monday + 6)
    }
}
