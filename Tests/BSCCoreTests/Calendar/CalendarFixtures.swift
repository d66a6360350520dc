@testable import BSCCore

/// Short constructors for calendar tests.
enum CalendarFixtures {
    static func date(_ text: String) -> CivilDate {
        guard let d = CivilDate.parse(text) else { fatalError("bad date \(text)") }
        return d
    }

    /// `2027-03-25T15:00` read as UTC.
    static func utc(_ text: String) -> Instant {
        guard let i = Timestamp.parse(text + ":00.000Z") else { fatalError("bad timestamp \(text)") }
        return i
    }

    /// A London wall-clock time that exists exactly once.
    static func london(_ day: String, _ hour: Int, _ minute: Int = 0) -> Instant {
        let local = CivilDateTime(date: date(day), hour: hour, minute: minute)
        guard case .unique(let instant) = ZoneRules.london.resolve(local) else { fatalError("not unique: \(local)") }
        return instant
    }
}
