/// Configured changes to the rule-based bank holidays: one-off holidays and
/// extra closures (`added`), and holidays that were moved or cancelled
/// (`removed`). This is configuration, not rule: a council edits it when a
/// proclamation or a local closure is announced.
public struct HolidayAdjustments: Hashable, Sendable {
    public var added: [CivilDate: String]
    public var removed: Set<CivilDate>

    public init(added: [CivilDate: String] = [:], removed: Set<CivilDate> = []) {
        self.added = added
        self.removed = removed
    }

    public static let none = HolidayAdjustments()

    /// The proclaimed changes in England & Wales, 2019 to 2027, as published
    /// on GOV.UK. A ready-made value for the default configuration; later
    /// proclamations belong in the council's configuration.
    public static let englandAndWalesOneOffs2019to2027 = HolidayAdjustments(
        added: [
            CivilDate(year: 2020, month: 5, day: 8): "Early May bank holiday (VE day)",
            CivilDate(year: 2022, month: 6, day: 2): "Spring bank holiday",
            CivilDate(year: 2022, month: 6, day: 3): "Platinum Jubilee bank holiday",
            CivilDate(year: 2022, month: 9, day: 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
            CivilDate(year: 2023, month: 5, day: 8): "Bank holiday for the coronation of King Charles III",
        ],
        removed: [
            CivilDate(year: 2020, month: 5, day: 4),  // Early May moved to Fri 8 May
            CivilDate(year: 2022, month: 5, day: 30),  // Spring moved to Thu 2 June
        ]
    )

    /// Both sets of changes; where both add the same date, `other`'s name wins.
    public func merging(_ other: HolidayAdjustments) -> HolidayAdjustments {
        HolidayAdjustments(
            added: added.merging(other.added) { _, theirs in theirs },
            removed: removed.union(other.removed)
        )
    }

    /// `holidays` of `year` minus `removed`, plus this year's `added`, sorted by date.
    /// A date both added and removed stays removed.
    public func apply(to holidays: [BankHoliday], year: Int) -> [BankHoliday] {
        var result = holidays.filter { !removed.contains($0.date) && added[$0.date] == nil }
        for (date, name) in added where date.year == year && !removed.contains(date) {
            result.append(BankHoliday(date: date, name: name))
        }
        result.sort { $0.date < $1.date }
        return result
    }
}
