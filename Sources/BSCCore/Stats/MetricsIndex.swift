import Foundation

/// How a report groups tickets. See `MetricDefinitions.text` for which
/// attribute of a ticket each dimension reads.
public enum BreakdownDimension: String, CaseIterable, Sendable {
    case queue
    case category
    case channel
    case agent
    case callerType = "caller-type"
    /// An imported ticket's category in its old helpdesk.
    case sourceCategory = "source-category"
}

/// Why a first-contact resolution stopped counting.
public enum Disqualification: UInt8, Sendable {
    case none = 0, reopened, repeatContact, sameCallerNewTicket
}

/// Per-ticket facts for metrics, computed once from the projection so that
/// a query is one pass over compact integers: no strings, dictionaries or
/// calendar work in the hot loop.
///
/// Facts are kept by slot (ticket number − 1), so that `update` can replace
/// the facts of the tickets a few new events touched instead of rebuilding
/// the whole index: a ticket's own facts depend only on that ticket; the
/// one verdict that depends on other tickets ("same caller, same category")
/// is recomputed for every ticket sharing a caller group with a changed one.
public struct MetricsIndex: Sendable {
    /// The days that place a ticket in a period, apart from its other facts
    /// so that a query scans 8 bytes per ticket and reads the facts only of
    /// tickets in the period.
    struct Days {
        /// Local day numbers (days since 1970-01-01, desk zone).
        /// `Int32.min` for a slot without a ticket (it never counts).
        var received: Int32
        /// `Int32.min` when not resolved now.
        var resolved: Int32

        static let absent = Days(received: Int32.min, resolved: Int32.min)
    }

    struct Fact {
        var flags: UInt16
        var disqualification: Disqualification
        /// End of the reopen window (inclusive), ms; FCR tickets only.
        var windowEnd: Int64
        var contacts: Int32
        var contactsWithDuration: Int32
        var handleMillis: Int64
        var resolveWorkingMillis: Int64
        var queue: Int32
        var category: Int32
        var channel: Int32
        var callerType: Int32
        var openedBy: Int32
        var resolvedBy: Int32
        var sourceCategory: Int32

        static let absent = Fact(flags: 0, disqualification: .none, windowEnd: 0,
                                 contacts: 0, contactsWithDuration: 0, handleMillis: 0, resolveWorkingMillis: 0,
                                 queue: 0, category: 0, channel: 0, callerType: 0, openedBy: 0, resolvedBy: -1, sourceCategory: 0)
    }

    static let fFCR: UInt16 = 1, fNet: UInt16 = 2, fFLR: UInt16 = 4, fReopened: UInt16 = 8
    static let fSLATargeted: UInt16 = 16, fSLAMet: UInt16 = 32, fRated: UInt16 = 64, fRatedGood: UInt16 = 128
    static let fPresent: UInt16 = 256
    /// Imported without saying how the first contact ended: out of FCR.
    static let fFCRUnknown: UInt16 = 512
    /// The source-category group of tickets that were not imported.
    public static let notImported = "(not imported)"

    /// By slot: `facts[ref.number - 1]`.
    var days: [Days] = []
    var facts: [Fact] = []
    public let zone: ZoneRules
    public let reopenWindowMillis: Int64
    public private(set) var ticketCount = 0
    /// Voided import batches the index has seen: a new one takes many
    /// tickets out of the store at once.
    var voidsSeen = 0

    // Interned values: the names per dimension, in id order.
    var queues = Interner(), categories = Interner(), agents = Interner(), sourceCategories = Interner()
    // Per interned queue / category id, looked up once: the SLA targets
    // (`SLAPolicy`: a category's overrides its queue's) and net FCR.
    var queueTarget: [Int64?] = [], categoryTarget: [Int64?] = [], resolvable: [Bool] = []

    // For "same caller, same category", by slot: interned normalised
    // reference and folded name (-1: none), received time, and the FCR
    // resolution moment (0 unless FCR).
    var refs = Interner(), callerNames = Interner()
    var refKey: [Int32] = [], nameKey: [Int32] = [], received: [Int64] = [], fcrMoment: [Int64] = []
    /// Slots by (category at first contact << 32 | reference or name id),
    /// ordered by (received, slot).
    var byRef: [Int64: GroupMembers] = [:], byName: [Int64: GroupMembers] = [:]

    public var queueNames: [String] { queues.names }
    public var categoryNames: [String] { categories.names }
    public var channelNames: [String] { Channel.allCases.map(\.rawValue) }
    public var callerTypeNames: [String] { CallerType.allCases.map(\.rawValue) }
    public var agentNames: [String] { agents.names }

    static let channelIndex = Dictionary(uniqueKeysWithValues: Channel.allCases.enumerated().map { ($1, Int32($0)) })
    static let callerTypeIndex = Dictionary(uniqueKeysWithValues: CallerType.allCases.enumerated().map { ($1, Int32($0)) })

    /// Caches of string work while building (many tickets share a caller).
    struct KeyCaches {
        var refs: [String: Int32] = [:]
        var folded: [String: String] = [:]
    }

    /// - Parameters:
    ///   - reopenWindowMillis: working time after the resolution moment in
    ///     which a first-contact resolution can still be disqualified.
    public init(store: TicketStore, taxonomy: Taxonomy, calendar: WorkingCalendar, reopenWindowMillis: Int64) {
        zone = calendar.zone
        self.reopenWindowMillis = reopenWindowMillis
        grow(to: store.slots.count)
        var caches = KeyCaches()
        store.forEach { t in
            setOwnFacts(t, store: store, taxonomy: taxonomy, calendar: calendar, caches: &caches)
        }
        ticketCount = store.count
        voidsSeen = store.voidedBatches.count

        // Tickets by (category, reference) and (category, folded name), in received order.
        // Most (category, reference) groups hold one ticket.
        byRef.reserveCapacity(ticketCount)
        for i in facts.indices where facts[i].flags & Self.fPresent != 0 {
            let (r, m) = groupKeys(i)
            if let r { GroupMembers.append(Int32(i), to: r, in: &byRef) }
            if let m { GroupMembers.append(Int32(i), to: m, in: &byName) }
        }
        let received = self.received
        GroupMembers.sortAll(&byRef, received: received)
        GroupMembers.sortAll(&byName, received: received)

        // The ticket's own reopen or repeat contact was checked above; now other tickets.
        for i in facts.indices where facts[i].flags & Self.fFCR != 0 && facts[i].disqualification == .none {
            if sameCallerNewTicket(i) { facts[i].disqualification = .sameCallerNewTicket }
        }
    }

    /// Brings the index up to date after the tickets in `slots` (ticket
    /// number − 1) changed or were opened in `store`: their facts are
    /// recomputed, and the "same caller, same category" verdict of every
    /// ticket sharing a caller group with one of them (before or after the
    /// change). The result equals a fresh `init` on `store` (the ids of
    /// interned names may differ; reports do not show them). `slots` must
    /// name every ticket that changed since the index was built or last
    /// updated.
    public mutating func update<S: Sequence<Int>>(slots changed: S, store: TicketStore, taxonomy: Taxonomy, calendar: WorkingCalendar) {
        let n = store.slots.count
        grow(to: n)
        var caches = KeyCaches()
        var refGroups: Set<Int64> = [], nameGroups: Set<Int64> = []
        var recheck: Set<Int> = []
        // Tickets gone from the store (a voided import batch) leave the index.
        func drop(_ s: Int) {
            let (r, m) = groupKeys(s)
            if let r { refGroups.insert(r); Self.remove(s, from: r, in: &byRef, received: received) }
            if let m { nameGroups.insert(m); Self.remove(s, from: m, in: &byName, received: received) }
            facts[s] = .absent
            days[s] = .absent
            refKey[s] = -1
            nameKey[s] = -1
            fcrMoment[s] = 0
            ticketCount -= 1
        }
        if store.voidedBatches.count != voidsSeen {
            voidsSeen = store.voidedBatches.count
            for s in 0..<n where facts[s].flags & Self.fPresent != 0 && !store.holds(slot: s) { drop(s) }
        }
        for s in changed where s >= 0 && s < n && !recheck.contains(s) {
            guard let t = store.slots[s] else {
                if facts[s].flags & Self.fPresent != 0 { drop(s) }
                continue
            }
            recheck.insert(s)
            if facts[s].flags & Self.fPresent != 0 {
                let (r, m) = groupKeys(s)
                if let r { refGroups.insert(r); Self.remove(s, from: r, in: &byRef, received: received) }
                if let m { nameGroups.insert(m); Self.remove(s, from: m, in: &byName, received: received) }
            } else {
                ticketCount += 1
            }
            setOwnFacts(t, store: store, taxonomy: taxonomy, calendar: calendar, caches: &caches)
            let (r, m) = groupKeys(s)
            if let r { refGroups.insert(r); Self.insert(s, into: r, in: &byRef, received: received) }
            if let m { nameGroups.insert(m); Self.insert(s, into: m, in: &byName, received: received) }
        }
        for g in refGroups { byRef[g]?.forEach { recheck.insert(Int($0)) } }
        for g in nameGroups { byName[g]?.forEach { recheck.insert(Int($0)) } }
        for i in recheck where facts[i].flags & Self.fFCR != 0 && facts[i].flags & Self.fPresent != 0 {
            // A ticket's own reopen or repeat contact takes precedence and
            // did not change unless the ticket did (then it was just set).
            switch facts[i].disqualification {
            case .none, .sameCallerNewTicket:
                facts[i].disqualification = sameCallerNewTicket(i) ? .sameCallerNewTicket : .none
            case .reopened, .repeatContact:
                break
            }
        }
    }

    /// Room for `n` slots, empty ones absent. Capacity grows by 1/64 at a
    /// time, not by doubling: new tickets arrive a few at a time, and
    /// doubling would double the index's memory at the first new ticket
    /// past the capacity.
    private mutating func grow(to n: Int) {
        guard facts.count < n else { return }
        if facts.capacity < n {
            let capacity = n + max(1024, n / 64)
            days.reserveCapacity(capacity)
            facts.reserveCapacity(capacity)
            refKey.reserveCapacity(capacity)
            nameKey.reserveCapacity(capacity)
            received.reserveCapacity(capacity)
            fcrMoment.reserveCapacity(capacity)
        }
        let more = n - facts.count
        days.append(contentsOf: repeatElement(.absent, count: more))
        facts.append(contentsOf: repeatElement(.absent, count: more))
        refKey.append(contentsOf: repeatElement(-1, count: more))
        nameKey.append(contentsOf: repeatElement(-1, count: more))
        received.append(contentsOf: repeatElement(0, count: more))
        fcrMoment.append(contentsOf: repeatElement(0, count: more))
    }

    /// The ticket's own facts; the "same caller" verdict is left to the caller.
    private mutating func setOwnFacts(_ t: Ticket, store: TicketStore, taxonomy: Taxonomy, calendar: WorkingCalendar, caches: inout KeyCaches) {
        let slot = t.ref.number - 1
        var d = Days(received: Int32(zone.localDayNumber(t.receivedAt)), resolved: Int32.min)
        // A survivor holds the contacts of the duplicates merged into it
        // (appended at the end when absorbed); each is one interaction,
        // already counted with its duplicate, so volumes and handle time
        // count only the survivor's own.
        var own = t.contacts
        if !t.mergedFrom.isEmpty {
            var absorbed: [Ticket.LoggedContact] = []
            for dup in t.mergedFrom where dup != t.ref { absorbed += store[dup]?.contacts ?? [] }
            // The first contact is always the survivor's own.
            own = Array(t.contacts.prefix(1))
            for c in t.contacts.dropFirst() {
                if let k = absorbed.firstIndex(of: c) { absorbed.remove(at: k) } else { own.append(c) }
            }
        }
        var f = Fact(flags: Self.fPresent,
                     disqualification: .none, windowEnd: 0, contacts: Int32(clamping: own.count), contactsWithDuration: 0,
                     handleMillis: 0, resolveWorkingMillis: 0,
                     queue: queues.id(t.queue), category: categories.id(t.firstCategory),
                     channel: Self.channelIndex[t.channel]!, callerType: Self.callerTypeIndex[t.caller.type]!,
                     openedBy: agents.id(t.openedBy), resolvedBy: -1,
                     sourceCategory: sourceCategories.id(t.imported.map { $0.sourceCategory ?? "(none)" } ?? Self.notImported))
        if t.imported?.fcrUnknown == true { f.flags |= Self.fFCRUnknown }
        for c in own {
            if let d = c.record.durationMillis {
                f.contactsWithDuration += 1
                f.handleMillis += d
            }
        }
        // The SLA target follows the category the ticket has now (usually
        // its first, the same shared string).
        let categoryNow = t.category == t.firstCategory ? f.category : categories.id(t.category)
        while resolvable.count < categories.names.count {
            let c = taxonomy.category(categories.names[resolvable.count])
            resolvable.append(c?.frontDeskResolvable == true)
            categoryTarget.append(c?.resolutionTargetHours.map(SLAPolicy.millis(hours:)))
        }
        if resolvable[Int(f.category)] { f.flags |= Self.fNet }
        while queueTarget.count < queues.names.count {
            queueTarget.append(taxonomy.queue(queues.names[queueTarget.count])?.resolutionTargetHours.map(SLAPolicy.millis(hours:)))
        }
        if let r = t.resolvedAt {
            d.resolved = Int32(zone.localDayNumber(r))
            f.resolvedBy = agents.id(t.resolvedBy ?? "")
            if !t.everRouted { f.flags |= Self.fFLR }
            if !t.reopenedAt.isEmpty { f.flags |= Self.fReopened }
            let pauses = t.pauses.map { $0.start..<$0.end }
            f.resolveWorkingMillis = calendar.workingMillis(from: t.receivedAt, to: r, excluding: pauses)
            if let target = categoryTarget[Int(categoryNow)] ?? queueTarget[Int(f.queue)] {
                f.flags |= Self.fSLATargeted
                if f.resolveWorkingMillis <= target { f.flags |= Self.fSLAMet }
            }
            if let rating = t.rating {
                f.flags |= Self.fRated
                if rating >= 4 { f.flags |= Self.fRatedGood }
            }
        }
        var moment: Int64 = 0
        if t.firstContactResolution {
            f.flags |= Self.fFCR
            // The flag is set only by a resolution during the first contact,
            // written with the opening; after a reopen, `resolvedAt` is a later one.
            moment = (t.reopenedAt.isEmpty ? (t.resolvedAt ?? t.openedAt) : t.openedAt).millis
            let end = ReopenWindow(millis: reopenWindowMillis).end(after: Instant(millis: moment), calendar: calendar).millis
            f.windowEnd = end
            if let first = t.reopenedAt.first(where: { $0.millis > moment }), first.millis <= end {
                f.disqualification = .reopened
            } else if t.contacts.dropFirst().contains(where: { $0.record.received.millis > moment && $0.record.received.millis <= end }) {
                f.disqualification = .repeatContact
            }
        }
        fcrMoment[slot] = moment
        // A caller written with blind indexes is matched on them alone, so
        // the figures do not depend on whether its content can be read
        // (docs/data-protection.md): "#" keeps them apart from clear keys.
        if let ix = t.caller.referenceIndex {
            refKey[slot] = ix.isEmpty ? -1 : refs.id("#" + ix)
        } else if let raw = t.caller.reference, !raw.isEmpty {
            if let k = caches.refs[raw] { refKey[slot] = k } else {
                let ref = CallerIdentity.referenceKey(raw)
                let k = ref.isEmpty ? -1 : refs.id(ref)
                caches.refs[raw] = k
                refKey[slot] = k
            }
        } else {
            refKey[slot] = -1
        }
        var folded = ""
        if let ix = t.caller.nameIndex {
            folded = ix.isEmpty ? "" : "#" + ix
        } else if !t.caller.name.isEmpty {
            if let c = caches.folded[t.caller.name] { folded = c } else {
                folded = CallerIdentity.nameKey(t.caller.name)
                caches.folded[t.caller.name] = folded
            }
        }
        nameKey[slot] = folded.isEmpty ? -1 : callerNames.id(folded)
        received[slot] = t.receivedAt.millis
        days[slot] = d
        facts[slot] = f
    }

    /// The caller groups a present ticket is listed in.
    private func groupKeys(_ i: Int) -> (ref: Int64?, name: Int64?) {
        let cat = Int64(facts[i].category) << 32
        return (refKey[i] >= 0 ? cat | Int64(refKey[i]) : nil, nameKey[i] >= 0 ? cat | Int64(nameKey[i]) : nil)
    }

    /// The first position in `list` not before (received, slot).
    private static func position(_ at: Int64, _ slot: Int, in list: UnsafeBufferPointer<Int32>, received: [Int64]) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let j = Int(list[mid])
            if (received[j], j) < (at, slot) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private static func remove(_ slot: Int, from key: Int64, in groups: inout [Int64: GroupMembers], received: [Int64]) {
        guard let g = groups.index(forKey: key) else { return }
        let p = groups.values[g].withUnsafeMembers { list -> Int? in
            let p = position(received[slot], slot, in: list, received: received)
            if p < list.count && Int(list[p]) == slot { return p }
            return list.firstIndex(of: Int32(slot))
        }
        guard let p else { return }
        if groups.values[g].remove(at: p) { groups.remove(at: g) }
    }

    private static func insert(_ slot: Int, into key: Int64, in groups: inout [Int64: GroupMembers], received: [Int64]) {
        guard let g = groups.index(forKey: key) else {
            groups[key] = .one(Int32(slot))
            return
        }
        let p = groups.values[g].withUnsafeMembers { position(received[slot], slot, in: $0, received: received) }
        groups.values[g].insert(Int32(slot), at: p)
    }

    /// Whether the same caller's first contact on another ticket in the same
    /// category was received within ticket `i`'s reopen window.
    private func sameCallerNewTicket(_ i: Int) -> Bool {
        let from = fcrMoment[i], to = facts[i].windowEnd
        let cat = Int64(facts[i].category) << 32
        if refKey[i] >= 0 {
            // Both have a reference: it decides. Else fall back to the name.
            if anyIn(byRef[cat | Int64(refKey[i])], after: from, upTo: to, except: i, { _ in true }) { return true }
            if nameKey[i] >= 0 {
                return anyIn(byName[cat | Int64(nameKey[i])], after: from, upTo: to, except: i) { refKey[$0] < 0 }
            }
            return false
        } else if nameKey[i] >= 0 {
            return anyIn(byName[cat | Int64(nameKey[i])], after: from, upTo: to, except: i) { _ in true }
        }
        return false
    }

    /// Whether a ticket other than `me` in `list` was received in `(from, to]` and passes `accept`.
    private func anyIn(_ group: GroupMembers?, after from: Int64, upTo to: Int64, except me: Int, _ accept: (Int) -> Bool) -> Bool {
        guard let group else { return false }
        return group.withUnsafeMembers { list in
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if received[Int(list[mid])] <= from { lo = mid + 1 } else { hi = mid }
            }
            var k = lo
            while k < list.count, received[Int(list[k])] <= to {
                let j = Int(list[k])
                if j != me && accept(j) { return true }
                k += 1
            }
            return false
        }
    }

    public func names(of dimension: BreakdownDimension) -> [String] {
        switch dimension {
        case .queue: return queueNames
        case .category: return categoryNames
        case .channel: return channelNames
        case .agent: return agentNames
        case .callerType: return callerTypeNames
        case .sourceCategory: return sourceCategories.names
        }
    }

    /// Tallies the tickets of the local days `first...last` (day numbers),
    /// grouped by `dimension` (one group when nil).
    func tally(firstDay: Int32, lastDay: Int32, asAt: Instant, dimension: BreakdownDimension?) -> [Tally] {
        let groups = dimension.map { max(1, names(of: $0).count) } ?? 1
        var out = [Tally](repeating: Tally(), count: groups)
        let now = asAt.millis
        days.withUnsafeBufferPointer { days in facts.withUnsafeBufferPointer { facts in out.withUnsafeMutableBufferPointer { buf in
            for i in 0..<days.count {
                let d = days[i]
                let opened = d.received >= firstDay && d.received <= lastDay
                let resolved = d.resolved >= firstDay && d.resolved <= lastDay
                if !opened && !resolved { continue }
                let f = facts[i]
                if opened {
                    let g: Int
                    switch dimension {
                    case nil: g = 0
                    case .queue: g = Int(f.queue)
                    case .category: g = Int(f.category)
                    case .channel: g = Int(f.channel)
                    case .agent: g = Int(f.openedBy)
                    case .callerType: g = Int(f.callerType)
                    case .sourceCategory: g = Int(f.sourceCategory)
                    }
                    buf[g].ticketsOpened += 1
                    buf[g].contacts += Int64(f.contacts)
                    buf[g].contactsWithDuration += Int64(f.contactsWithDuration)
                    buf[g].contactsWithoutDuration += Int64(f.contacts - f.contactsWithDuration)
                    buf[g].handleMillis += f.handleMillis
                    let net = f.flags & Self.fNet != 0
                    if net { buf[g].netOpened += 1 }
                    if f.flags & Self.fFLR != 0 { buf[g].flr += 1 }
                    if f.flags & Self.fFCRUnknown != 0 {
                        buf[g].fcrUnknown += 1
                        if net { buf[g].netFCRUnknown += 1 }
                    }
                    if f.flags & Self.fFCR != 0 {
                        buf[g].fcrFlagged += 1
                        switch f.disqualification {
                        case .none:
                            let provisional: Int64 = now <= f.windowEnd ? 1 : 0
                            buf[g].fcr += 1
                            buf[g].fcrProvisional += provisional
                            if net {
                                buf[g].netFCR += 1
                                buf[g].netFCRProvisional += provisional
                            }
                        case .reopened: buf[g].disqualifiedReopened += 1
                        case .repeatContact: buf[g].disqualifiedRepeatContact += 1
                        case .sameCallerNewTicket: buf[g].disqualifiedSameCaller += 1
                        }
                    }
                }
                if resolved {
                    let g: Int
                    switch dimension {
                    case nil: g = 0
                    case .queue: g = Int(f.queue)
                    case .category: g = Int(f.category)
                    case .channel: g = Int(f.channel)
                    case .agent: g = Int(f.resolvedBy)
                    case .callerType: g = Int(f.callerType)
                    case .sourceCategory: g = Int(f.sourceCategory)
                    }
                    buf[g].resolved += 1
                    if f.flags & Self.fReopened != 0 { buf[g].resolvedReopened += 1 }
                    buf[g].resolveWorkingMillis += f.resolveWorkingMillis
                    if f.flags & Self.fSLATargeted != 0 {
                        buf[g].slaTargeted += 1
                        if f.flags & Self.fSLAMet != 0 { buf[g].slaMet += 1 }
                    }
                    if f.flags & Self.fRated != 0 {
                        buf[g].ratings += 1
                        if f.flags & Self.fRatedGood != 0 { buf[g].ratingsGood += 1 }
                    }
                }
            }
        } } }
        return out
    }

    /// Per-ticket FCR verdict, for explanations and tests: `index` is the
    /// ticket's slot (its number − 1).
    public func disqualification(ofTicketAt index: Int) -> Disqualification { facts[index].disqualification }

    /// Per-ticket FCR verdict; nil for a number with no ticket.
    public func disqualification(of ref: TicketRef) -> Disqualification? {
        let i = ref.number - 1
        guard i >= 0, i < facts.count, facts[i].flags & Self.fPresent != 0 else { return nil }
        return facts[i].disqualification
    }
}

/// The tickets (slots) of one caller group, ordered by (received, slot).
/// Most groups hold one ticket, kept inline: no array (8 bytes either way).
enum GroupMembers {
    case one(Int32)
    case many([Int32])

    func withUnsafeMembers<R>(_ body: (UnsafeBufferPointer<Int32>) -> R) -> R {
        switch self {
        case .one(let a): return withUnsafePointer(to: a) { body(UnsafeBufferPointer(start: $0, count: 1)) }
        case .many(let list): return list.withUnsafeBufferPointer(body)
        }
    }

    func forEach(_ body: (Int32) -> Void) {
        withUnsafeMembers { for s in $0 { body(s) } }
    }

    mutating func insert(_ slot: Int32, at position: Int) {
        switch self {
        case .one(let a):
            self = .many(position == 0 ? [slot, a] : [a, slot])
        case .many(var list):
            self = .one(0)  // `list` is now the array's only reference: no copy
            list.insert(slot, at: position)
            self = .many(list)
        }
    }

    /// Removes the member at `position`; true when none is left.
    mutating func remove(at position: Int) -> Bool {
        switch self {
        case .one:
            return true
        case .many(var list):
            self = .one(0)
            list.remove(at: position)
            self = list.count == 1 ? .one(list[0]) : .many(list)
            return list.isEmpty
        }
    }

    /// Appends without ordering (while building; `sortAll` orders them).
    static func append(_ slot: Int32, to key: Int64, in groups: inout [Int64: GroupMembers]) {
        guard let g = groups.index(forKey: key) else {
            groups[key] = .one(slot)
            return
        }
        switch groups.values[g] {
        case .one(let a):
            groups.values[g] = .many([a, slot])
        case .many(var list):
            groups.values[g] = .one(0)
            list.append(slot)
            groups.values[g] = .many(list)
        }
    }

    static func sortAll(_ groups: inout [Int64: GroupMembers], received: [Int64]) {
        for g in groups.indices {
            guard case .many(var list) = groups.values[g] else { continue }
            groups.values[g] = .one(0)
            list.sort { (received[Int($0)], $0) < (received[Int($1)], $1) }
            groups.values[g] = .many(list)
        }
    }
}

/// Strings to dense ids, once, at index build.
struct Interner {
    var ids: [String: Int32] = [:]
    var names: [String] = []
    mutating func id(_ s: String) -> Int32 {
        if let i = ids[s] { return i }
        let i = Int32(names.count)
        ids[s] = i
        names.append(s)
        return i
    }
}
