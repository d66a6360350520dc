import BSCJournal

/// Exit codes, from sysexits.h where one fits. Documented in README.md.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// `doctor` or `verify` found damage.
    case damage = 1
    /// Bad command line: unknown option or value, bad duration or time.
    case usage = 64
    /// Understood but refused by the rules: unknown reference, illegal
    /// transition, missing hand-off details.
    case refused = 65
    case noPermission = 77
    /// Could not read or write files; nothing was saved.
    case ioFailure = 74
    /// A sync failed after writing: the outcome is unknown.
    case outcomeUnknown = 75
    case configuration = 78
}

/// An error with a one-line message that names what was wrong and what is
/// allowed, and the exit status it maps to.
public struct DeskError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var message: String

    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    public static func usage(_ m: String) -> DeskError { DeskError(.usage, m) }
    public static func refused(_ m: String) -> DeskError { DeskError(.refused, m) }
    public static func permission(_ m: String) -> DeskError { DeskError(.noPermission, m) }
    public static func config(_ m: String) -> DeskError { DeskError(.configuration, m) }

    /// Maps journal failures onto exit statuses.
    public static func from(_ error: Error) -> DeskError {
        switch error {
        case let e as DeskError: return e
        case let e as JournalError:
            switch e {
            case .outcomeUnknown: return DeskError(.outcomeUnknown, e.description)
            case .rejected(let m): return DeskError(.refused, m)
            default: return DeskError(.ioFailure, e.description)
            }
        case let e as FileError: return DeskError(.ioFailure, e.description)
        case let e as EventStoreError: return DeskError(.refused, e.description)
        case let e as any AppendOutcomeError where e.outcomeUnknown: return DeskError(.outcomeUnknown, e.description)
        default: return DeskError(.ioFailure, "\(error)")
        }
    }
}
