/// Opening hours as local wall-clock times of day.
public struct WorkingHours: Hashable, Sendable, CustomStringConvertible {
    /// Milliseconds since local midnight.
    public let opens: Int64
    public let closes: Int64

    public init(opensHour: Int, opensMinute: Int = 0, closesHour: Int, closesMinute: Int = 0) {
        opens = Int64((opensHour * 60 + opensMinute) * 60_000)
        closes = Int64((closesHour * 60 + closesMinute) * 60_000)
        precondition(opens >= 0 && opens < closes && closes <= 86_400_000, "opening hours must be within one day")
    }

    public static let nineToFive = WorkingHours(opensHour: 9, closesHour: 17)

    public var millis: Int64 { closes - opens }

    public var description: String {
        func hm(_ ms: Int64) -> String { pad(Int(ms / 3_600_000), 2) + ":" + pad(Int(ms / 60_000 % 60), 2) }
        return hm(opens) + "–" + hm(closes)
    }
}

/// Working days and hours in a zone: the clock that SLAs and "time to
/// resolve" run on.
///
/// Working hours are local wall-clock hours, so a working day is
/// `workingDayMillis` long on clock-change days too. That holds as long as
/// the hours do not contain the zone's clock change (London changes at
/// 01:00/02:00); hours that straddle one are not supported.
///
/// Non-working days for `tabulatedYears` are precomputed into a prefix-sum
/// table at init, so day tests and "n working days later" are O(1)/O(log n)
/// and allocation-free. Dates outside it are computed on demand (slowly).
public struct WorkingCalendar: Sendable {
    public let zone: ZoneRules
    /// ISO weekdays, Monday = 1 … Sunday = 7.
    public let workingWeekdays: Set<Int>
    public let hours: WorkingHours
    public let adjustments: HolidayAdjustments
    /// Local closures beyond the bank holidays (e.g. office moves); no name needed.
    public let extraClosures: Set<CivilDate>

    let weekdayMask: Int
    /// Day number (days since 1970-01-01) of the first tabulated day.
    let tableStart: Int
    /// `cumulative[i]` = working days in the first `i` tabulated days.
    let cumulative: [Int32]

    public init(
        zone: ZoneRules = .london,
        workingWeekdays: Set<Int> = [1, 2, 3, 4, 5],
        hours: WorkingHours = .nineToFive,
        adjustments: HolidayAdjustments = .englandAndWalesOneOffs2019to2027,
        extraClosures: Set<CivilDate> = [],
        tabulatedYears: ClosedRange<Int> = 1970...2100
    ) {
        precondition(!workingWeekdays.isEmpty && workingWeekdays.allSatisfy { (1...7).contains($0) },
                     "working weekdays must be a non-empty subset of 1...7")
        self.zone = zone
        self.workingWeekdays = workingWeekdays
        self.hours = hours
        self.adjustments = adjustments
        self.extraClosures = extraClosures
        weekdayMask = workingWeekdays.reduce(0) { $0 | (1 << $1) }

        let first = CivilDate(year: tabulatedYears.lowerBound, month: 1, day: 1).daysSinceEpoch
        let end = CivilDate(year: tabulatedYears.upperBound + 1, month: 1, day: 1).daysSinceEpoch
        var closed = Set<Int>(extraClosures.map(\.daysSinceEpoch))
        for year in tabulatedYears {
            for holiday in BankHolidays.englandAndWales(year: year, adjustments: adjustments) {
                closed.insert(holiday.date.daysSinceEpoch)
            }
        }
        var table = [Int32](repeating: 0, count: end - first + 1)
        var count: Int32 = 0
        for day in first..<end {
            if weekdayMask & (1 << WorkingCalendar.isoWeekday(day)) != 0 && !closed.contains(day) { count += 1 }
            table[day - first + 1] = count
        }
        tableStart = first
        cumulative = table
    }

    /// The default front-desk calendar: London, Mon–Fri 09:00–17:00, England & Wales holidays.
    public static let standard = WorkingCalendar()

    public var workingDayMillis: Int64 { hours.millis }

    // MARK: Days

    public func isWorkingDay(_ date: CivilDate) -> Bool { isWorkingDay(dayNumber: date.daysSinceEpoch) }

    /// Bank holidays and configured closures of `year` (weekend days included if configured so).
    public func holidays(in year: Int) -> [BankHoliday] {
        var list = BankHolidays.englandAndWales(year: year, adjustments: adjustments)
        for date in extraClosures where date.year == year && !list.contains(where: { $0.date == date }) {
            list.append(BankHoliday(date: date, name: "Closed"))
        }
        return list.sorted { $0.date < $1.date }
    }

    /// Working days in `[from, to)`; 0 if `to <= from`.
    public func workingDays(from: CivilDate, to: CivilDate) -> Int {
        workingDays(fromDay: from.daysSinceEpoch, toDay: to.daysSinceEpoch)
    }

    /// The first working day strictly after `date`.
    public func nextWorkingDay(after date: CivilDate) -> CivilDate {
        CivilDate(daysSinceEpoch: nthWorkingDay(after: date.daysSinceEpoch, 1))
    }

    @inline(__always)
    static func isoWeekday(_ day: Int) -> Int { ((day % 7) + 7 + 3) % 7 + 1 }

    @inline(__always)
    func isWorkingDay(dayNumber day: Int) -> Bool {
        let i = day - tableStart
        if i >= 0 && i + 1 < cumulative.count { return cumulative[i + 1] != cumulative[i] }
        return isWorkingDaySlow(day)
    }

    func isWorkingDaySlow(_ day: Int) -> Bool {
        guard weekdayMask & (1 << WorkingCalendar.isoWeekday(day)) != 0 else { return false }
        let date = CivilDate(daysSinceEpoch: day)
        if extraClosures.contains(date) { return false }
        return !BankHolidays.englandAndWales(year: date.year, adjustments: adjustments).contains { $0.date == date }
    }

    func workingDays(fromDay: Int, toDay: Int) -> Int {
        guard toDay > fromDay else { return 0 }
        let a = fromDay - tableStart
        let b = toDay - tableStart
        if a >= 0 && b < cumulative.count { return Int(cumulative[b] - cumulative[a]) }
        var n = 0
        for day in fromDay..<toDay where isWorkingDay(dayNumber: day) { n += 1 }
        return n
    }

    /// The day number of the `n`th working day after `day` (n ≥ 1).
    func nthWorkingDay(after day: Int, _ n: Int) -> Int {
        let i = day + 1 - tableStart
        if i >= 0 && i < cumulative.count {
            let target = cumulative[i] + Int32(clamping: n)
            if target <= cumulative[cumulative.count - 1] {
                // Smallest index j with cumulative[j] >= target; that day is j - 1.
                var lo = i + 1
                var hi = cumulative.count - 1
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if cumulative[mid] >= target { hi = mid } else { lo = mid + 1 }
                }
                return lo - 1 + tableStart
            }
        }
        var remaining = n
        var d = day
        while remaining > 0 {
            d += 1
            if isWorkingDay(dayNumber: d) { remaining -= 1 }
        }
        return d
    }

    // MARK: Working time

    @inline(__always)
    func opening(_ day: Int) -> Int64 {
        zone.firstInstant(localMillis: Int64(day) * ZoneRules.dayMillis + hours.opens).millis
    }

    @inline(__always)
    func closing(_ day: Int) -> Int64 {
        zone.firstInstant(localMillis: Int64(day) * ZoneRules.dayMillis + hours.closes).millis
    }

    /// Working time in `[from, to)`; 0 if `to <= from`. O(1) inside the
    /// tabulated years, no allocation.
    public func workingMillis(from: Instant, to: Instant) -> Int64 {
        guard to > from else { return 0 }
        let a = from.millis
        let b = to.millis
        let dayA = zone.localDayNumber(from)
        let dayB = zone.localDayNumber(to)
        if dayA == dayB {
            guard isWorkingDay(dayNumber: dayA) else { return 0 }
            return max(0, min(b, closing(dayA)) - max(a, opening(dayA)))
        }
        var total: Int64 = 0
        if isWorkingDay(dayNumber: dayA) { total += max(0, closing(dayA) - max(a, opening(dayA))) }
        if isWorkingDay(dayNumber: dayB) { total += max(0, min(b, closing(dayB)) - opening(dayB)) }
        if dayB - dayA > 1 { total += Int64(workingDays(fromDay: dayA + 1, toDay: dayB)) * workingDayMillis }
        return total
    }

    /// Working time in `[from, to)` with the pause intervals taken out.
    /// Pauses may overlap the range or each other, in any order.
    public func workingMillis(from: Instant, to: Instant, excluding pauses: [Range<Instant>]) -> Int64 {
        guard to > from else { return 0 }
        var total = workingMillis(from: from, to: to)
        for pause in WorkingCalendar.normalised(pauses) {
            let lo = max(pause.lowerBound, from)
            let hi = min(pause.upperBound, to)
            if hi > lo { total -= workingMillis(from: lo, to: hi) }
        }
        return total
    }

    /// The earliest instant `T >= start` with `workingMillis(from: start, to: T) == ms`.
    ///
    /// So the clock starts at the next opening if `start` is outside hours,
    /// and a target that is used up exactly at closing time is due at that
    /// closing time (1 working day from Thu 09:00 is Thu 17:00, not Fri 09:00).
    /// `ms <= 0` returns `start`.
    public func addingWorkingMillis(_ ms: Int64, to start: Instant) -> Instant {
        guard ms > 0 else { return start }
        let day = zone.localDayNumber(start)
        var remaining = ms
        if isWorkingDay(dayNumber: day) {
            let close = closing(day)
            if start.millis < close {
                let begin = max(start.millis, opening(day))
                let available = close - begin
                if remaining <= available { return Instant(millis: begin + remaining) }
                remaining -= available
            }
        }
        // Whole days consumed before the day on which the clock runs out.
        let wholeDays = (remaining - 1) / workingDayMillis
        let lastPart = remaining - wholeDays * workingDayMillis
        let dueDay = nthWorkingDay(after: day, Int(wholeDays) + 1)
        return Instant(millis: opening(dueDay) + lastPart)
    }

    /// Like `addingWorkingMillis(_:to:)` with the clock stopped during
    /// `pauses`. With an open pause (`pausedSince`, no end yet) the due time
    /// is unknown and the result is nil, unless the target is reached before
    /// the pause starts.
    public func addingWorkingMillis(
        _ ms: Int64, to start: Instant, pauses: [Range<Instant>], pausedSince: Instant? = nil
    ) -> Instant? {
        var cursor = start
        var remaining = max(0, ms)
        for pause in WorkingCalendar.normalised(pauses) where pause.upperBound > cursor {
            if pause.lowerBound > cursor {
                let due = addingWorkingMillis(remaining, to: cursor)
                if due <= pause.lowerBound { return due }
                remaining -= workingMillis(from: cursor, to: pause.lowerBound)
            }
            cursor = pause.upperBound
        }
        let due = addingWorkingMillis(remaining, to: cursor)
        if let pausedSince, due > pausedSince { return nil }
        return due
    }

    /// Sorted, merged, non-empty intervals. Returns the input untouched
    /// (no allocation) when it is already in that form.
    static func normalised(_ pauses: [Range<Instant>]) -> [Range<Instant>] {
        var clean = true
        for i in pauses.indices {
            if pauses[i].isEmpty || (i > 0 && pauses[i].lowerBound <= pauses[i - 1].upperBound) {
                clean = false
                break
            }
        }
        if clean { return pauses }
        var merged: [Range<Instant>] = []
        for pause in pauses.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, pause.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, pause.upperBound)
            } else {
                merged.append(pause)
            }
        }
        return merged
    }
}
