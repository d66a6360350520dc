import BSCCore

/// Why an append or a load failed. Each message is one line that says what
/// happened and what it means for the data.
public enum JournalError: Error, Sendable, CustomStringConvertible {
    case locked(path: String, waitedSeconds: Double)
    case io(FileError)
    /// The write failed and was rolled back: nothing was saved.
    case writeFailed(FileError)
    case shortWrite(path: String, wrote: Int, of: Int)
    /// fdatasync failed after the write: the event may or may not be on disk.
    case outcomeUnknown(FileError)
    case rejected(String)

    public var description: String {
        switch self {
        case .locked(let path, let waited):
            return "the journal is locked by another bscdesk process (waited \(waited) s for \(path)); nothing was saved. If this persists, find the stuck process with: fuser \(path)"
        case .io(let e):
            return "journal I/O failed: \(e)"
        case .writeFailed(let e):
            return "could not save: \(e.description); nothing was written"
        case .shortWrite(let path, let wrote, let of):
            return "could not save: only \(wrote) of \(of) bytes reached \(path) (disk full or file size limit); the partial write was rolled back and nothing was saved"
        case .outcomeUnknown(let e):
            return "saving may have failed: \(e.description). The outcome is unknown: check with 'bscdesk show' before trying again"
        case .rejected(let why):
            return why
        }
    }
}

/// A complete line that could not be used, with where it is.
public struct LoadIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// File names and reasons can carry text from the journal: made safe
    /// for a terminal. Line 0 is a whole file.
    public var description: String {
        line > 0 ? "\(terminalSafe(file)):\(line): \(terminalSafe(reason))" : "\(terminalSafe(file)): \(terminalSafe(reason))"
    }
}
