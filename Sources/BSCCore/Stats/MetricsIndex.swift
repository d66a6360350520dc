import Foundation

/// How a report groups tickets. See `MetricDefinitions.text` for which
/// attribute of a ticket each dimension reads.
public enum BreakdownDimension: String, CaseIterable, Sendable {
    case queue
    case category
    case channel
    case agent
    case callerType = "caller-type"
}

/// Why a first-contact resolution stopped counting.
public enum Disqualification: UInt8, Sendable {
    case none = 0, reopened, repeatContact, sameCallerNewTicket
}

/// Per-ticket facts for metrics, computed once from the projection so that
/// a query is one pass over compact integers: no strings, dictionaries or
/// calendar work in the hot loop.
public struct MetricsIndex: Sendable {
    struct Fact {
        /// Local day numbers (days since 1970-01-01, desk zone).
        var receivedDay: Int32
        /// `Int32.min` when not resolved now.
        var resolvedDay: Int32
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
    }

    static let fFCR: UInt16 = 1, fNet: UInt16 = 2, fFLR: UInt16 = 4, fReopened: UInt16 = 8
    static let fSLATargeted: UInt16 = 16, fSLAMet: UInt16 = 32, fRated: UInt16 = 64, fRatedGood: UInt16 = 128

    var facts: [Fact] = []
    /// Names of the interned values, per dimension.
    public private(set) var queueNames: [String] = []
    public private(set) var categoryNames: [String] = []
    public private(set) var channelNames: [String] = []
    public private(set) var callerTypeNames: [String] = []
    public private(set) var agentNames: [String] = []
    public let zone: ZoneRules
    public let reopenWindowMillis: Int64

    public var ticketCount: Int { facts.count }

    /// - Parameters:
    ///   - reopenWindowMillis: working time after the resolution moment in
    ///     which a first-contact resolution can still be disqualified.
    public init(store: TicketStore, taxonomy: Taxonomy, calendar: WorkingCalendar, reopenWindowMillis: Int64) {
        zone = calendar.zone
        self.reopenWindowMillis = reopenWindowMillis
        var queues = Interner(), categories = Interner(), agents = Interner()
        var refs = Interner(), names = Interner()
        var foldCache: [String: String] = [:]
        // Caller identity per ticket, for "same caller, same category".
        var refKey: [Int32] = [], nameKey: [Int32] = [], received: [Int64] = []
        var fcrResolution: [Int64] = []
        facts.reserveCapacity(store.count)
        // Per interned queue / category id, looked up once.
        var slaTarget: [Int64?] = [], resolvable: [Bool] = []
        let channelIndex = Dictionary(uniqueKeysWithValues: Channel.allCases.enumerated().map { ($1, Int32($0)) })
        let callerTypeIndex = Dictionary(uniqueKeysWithValues: CallerType.allCases.enumerated().map { ($1, Int32($0)) })
        var refCache: [String: Int32] = [:]

        store.forEach { t in
            var f = Fact(receivedDay: Int32(zone.localDayNumber(t.receivedAt)), resolvedDay: Int32.min, flags: 0,
                         disqualification: .none, windowEnd: 0, contacts: Int32(t.contacts.count), contactsWithDuration: 0,
                         handleMillis: 0, resolveWorkingMillis: 0,
                         queue: queues.id(t.queue), category: categories.id(t.firstCategory),
                         channel: channelIndex[t.channel]!, callerType: callerTypeIndex[t.caller.type]!,
                         openedBy: agents.id(t.openedBy), resolvedBy: -1)
            for c in t.contacts {
                if let d = c.record.durationMillis {
                    f.contactsWithDuration += 1
                    f.handleMillis += d
                }
            }
            while resolvable.count < categories.names.count {
                resolvable.append(taxonomy.category(categories.names[resolvable.count])?.frontDeskResolvable == true)
            }
            if resolvable[Int(f.category)] { f.flags |= Self.fNet }
            while slaTarget.count < queues.names.count {
                // Truncated to the millisecond, as Desk.slaStatus does.
                slaTarget.append(taxonomy.queue(queues.names[slaTarget.count])?.resolutionTargetHours.map { Int64($0 * 3_600_000) })
            }
            if let r = t.resolvedAt {
                f.resolvedDay = Int32(zone.localDayNumber(r))
                f.resolvedBy = agents.id(t.resolvedBy ?? "")
                if !t.everRouted { f.flags |= Self.fFLR }
                if !t.reopenedAt.isEmpty { f.flags |= Self.fReopened }
                let pauses = t.pauses.map { $0.start..<$0.end }
                f.resolveWorkingMillis = calendar.workingMillis(from: t.receivedAt, to: r, excluding: pauses)
                if let target = slaTarget[Int(f.queue)] {
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
                let end = calendar.addingWorkingMillis(reopenWindowMillis, to: Instant(millis: moment)).millis
                f.windowEnd = end
                if let first = t.reopenedAt.first(where: { $0.millis > moment }), first.millis <= end {
                    f.disqualification = .reopened
                } else if t.contacts.dropFirst().contains(where: { $0.record.received.millis > moment && $0.record.received.millis <= end }) {
                    f.disqualification = .repeatContact
                }
            }
            fcrResolution.append(moment)
            if let raw = t.caller.reference, !raw.isEmpty {
                if let k = refCache[raw] { refKey.append(k) } else {
                    let ref = MetricsIndex.normalisedReference(raw)
                    let k = ref.isEmpty ? -1 : refs.id(ref)
                    refCache[raw] = k
                    refKey.append(k)
                }
            } else {
                refKey.append(-1)
            }
            var folded = ""
            if !t.caller.name.isEmpty {
                if let c = foldCache[t.caller.name] { folded = c } else {
                    folded = foldCallerName(t.caller.name)
                    foldCache[t.caller.name] = folded
                }
            }
            nameKey.append(folded.isEmpty ? -1 : names.id(folded))
            received.append(t.receivedAt.millis)
            facts.append(f)
        }

        // Tickets by (category, reference) and (category, folded name), in received order.
        var byRef: [Int64: [Int32]] = [:], byName: [Int64: [Int32]] = [:]
        for i in facts.indices {
            let cat = Int64(facts[i].category) << 32
            if refKey[i] >= 0 { byRef[cat | Int64(refKey[i]), default: []].append(Int32(i)) }
            if nameKey[i] >= 0 { byName[cat | Int64(nameKey[i]), default: []].append(Int32(i)) }
        }
        for k in byRef.keys { byRef[k]!.sort { (received[Int($0)], $0) < (received[Int($1)], $1) } }
        for k in byName.keys { byName[k]!.sort { (received[Int($0)], $0) < (received[Int($1)], $1) } }

        /// Whether a ticket other than `me` in `list` was received in `(from, to]` and passes `accept`.
        func anyIn(_ list: [Int32]?, after from: Int64, upTo to: Int64, except me: Int, _ accept: (Int) -> Bool) -> Bool {
            guard let list else { return false }
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

        // The ticket's own reopen or repeat contact was checked above; now other tickets.
        for i in facts.indices where facts[i].flags & Self.fFCR != 0 && facts[i].disqualification == .none {
            let from = fcrResolution[i], to = facts[i].windowEnd
            let cat = Int64(facts[i].category) << 32
            var same = false
            if refKey[i] >= 0 {
                // Both have a reference: it decides. Else fall back to the name.
                same = anyIn(byRef[cat | Int64(refKey[i])], after: from, upTo: to, except: i) { _ in true }
                if !same && nameKey[i] >= 0 {
                    same = anyIn(byName[cat | Int64(nameKey[i])], after: from, upTo: to, except: i) { refKey[$0] < 0 }
                }
            } else if nameKey[i] >= 0 {
                same = anyIn(byName[cat | Int64(nameKey[i])], after: from, upTo: to, except: i) { _ in true }
            }
            if same { facts[i].disqualification = .sameCallerNewTicket }
        }

        queueNames = queues.names
        categoryNames = categories.names
        channelNames = Channel.allCases.map(\.rawValue)
        callerTypeNames = CallerType.allCases.map(\.rawValue)
        agentNames = agents.names
    }

    /// Caller references compare with surrounding spaces and case ignored.
    public static func normalisedReference(_ r: String?) -> String {
        guard let r else { return "" }
        return r.trimmingCharacters(in: .whitespaces).uppercased()
    }

    public func names(of dimension: BreakdownDimension) -> [String] {
        switch dimension {
        case .queue: return queueNames
        case .category: return categoryNames
        case .channel: return channelNames
        case .agent: return agentNames
        case .callerType: return callerTypeNames
        }
    }

    /// Tallies the tickets of the local days `first...last` (day numbers),
    /// grouped by `dimension` (one group when nil).
    func tally(firstDay: Int32, lastDay: Int32, asAt: Instant, dimension: BreakdownDimension?) -> [Tally] {
        let groups = dimension.map { max(1, names(of: $0).count) } ?? 1
        var out = [Tally](repeating: Tally(), count: groups)
        let now = asAt.millis
        out.withUnsafeMutableBufferPointer { buf in
            for f in facts {
                let opened = f.receivedDay >= firstDay && f.receivedDay <= lastDay
                let resolved = f.resolvedDay >= firstDay && f.resolvedDay <= lastDay
                if !opened && !resolved { continue }
                if opened {
                    let g: Int
                    switch dimension {
                    case nil: g = 0
                    case .queue: g = Int(f.queue)
                    case .category: g = Int(f.category)
                    case .channel: g = Int(f.channel)
                    case .agent: g = Int(f.openedBy)
                    case .callerType: g = Int(f.callerType)
                    }
                    buf[g].ticketsOpened += 1
                    buf[g].contacts += Int64(f.contacts)
                    buf[g].contactsWithDuration += Int64(f.contactsWithDuration)
                    buf[g].contactsWithoutDuration += Int64(f.contacts - f.contactsWithDuration)
                    buf[g].handleMillis += f.handleMillis
                    let net = f.flags & Self.fNet != 0
                    if net { buf[g].netOpened += 1 }
                    if f.flags & Self.fFLR != 0 { buf[g].flr += 1 }
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
        }
        return out
    }

    /// Per-ticket FCR verdict, for explanations and tests.
    public func disqualification(ofTicketAt index: Int) -> Disqualification { facts[index].disqualification }
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
