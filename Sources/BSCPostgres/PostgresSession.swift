import BSCJournal
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Why the PostgreSQL store could not do what was asked.
public enum PostgresStoreError: AppendOutcomeError, Sendable {
    /// No connection could be made or kept.
    case unavailable(String)
    /// The connection broke after COMMIT was sent: the events may or may
    /// not be stored. Sending the same events again (same ids) is safe:
    /// the store answers with the stored position.
    case outcomeUnknown(String)
    /// A reader found position `found` right after `after`: positions are
    /// gap-free by construction, so this is a bug, never a normal state.
    case gap(after: Int64, found: Int64)
    /// PostgreSQL refused a statement.
    case database(String)

    public var description: String {
        switch self {
        case .unavailable(let why): return "the PostgreSQL store is unavailable: \(why)"
        case .outcomeUnknown(let why):
            return "the connection to PostgreSQL broke while committing (\(why)): the events may or may not be saved; send the same request again (its event ids make a retry safe)"
        case .gap(let after, let found):
            return "BUG: the PostgreSQL store skipped from position \(after) to \(found); positions are gap-free by construction, so nothing after \(after) was delivered. Report this with the server's log"
        case .database(let why): return "PostgreSQL refused: \(why)"
        }
    }

    /// Whether the events may or may not be stored (exit 75: resend them).
    public var outcomeUnknown: Bool {
        if case .outcomeUnknown = self { return true }
        return false
    }

    /// A PostgresNIO error in one line, with the server's own message when there is one.
    static func describe(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let info = e.serverInfo, let message = info[.message] {
                return "\(info[.sqlState] ?? "?"): \(message)"
            }
            return "\(e.code)"
        }
        return "\(error)"
    }

    static func sqlState(_ error: Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

/// A mutex for state shared with the subscription threads.
final class Mutex: @unchecked Sendable {
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(m, nil) }
    deinit {
        pthread_mutex_destroy(m)
        m.deallocate()
    }
    func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}

/// One connection used from blocking code, one caller at a time: made on
/// first use, dropped when it breaks and made again on the next call (so a
/// server rides out a restarted or promoted database).
final class PostgresSession: @unchecked Sendable {
    let address: PostgresAddress
    let logger: Logger
    private let mutex = Mutex()
    private var connection: PostgresConnection?
    private static let ids = Mutex()
    nonisolated(unsafe) private static var nextId = 0

    init(address: PostgresAddress, logger: Logger) {
        self.address = address
        self.logger = logger
    }

    deinit { try? connection?.close().wait() }

    /// Runs `body` with the connection, holding it for the whole body (a
    /// transaction, say). A body that throws a connection error leaves
    /// the connection dropped.
    func with<R>(_ body: (Connection) throws -> R) throws -> R {
        try mutex.locked {
            let c = try connected()
            do {
                return try body(Connection(raw: c, logger: logger))
            } catch {
                if c.isClosed || Self.brokeConnection(error) {
                    // Kept until closed: freeing an open connection traps in debug builds.
                    if !c.isClosed { c.close().whenComplete { _ in _ = c } }
                    connection = nil
                }
                throw error
            }
        }
    }

    /// Whether `error` left the connection unusable (closed, or given up
    /// for not answering).
    static func brokeConnection(_ error: Error) -> Bool {
        switch error as? PostgresStoreError {
        case .unavailable?, .outcomeUnknown?: return true
        default: return false
        }
    }

    /// Drops the connection (after a failed transaction whose state is unknown).
    func reset() {
        mutex.locked {
            if let c = connection { try? c.close().wait() }
            connection = nil
        }
    }

    private func connected() throws -> PostgresConnection {
        if let c = connection, !c.isClosed { return c }
        connection = nil
        let id = Self.ids.locked { () -> Int in
            Self.nextId += 1
            return Self.nextId
        }
        do {
            let c = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: address.configuration,
                                                   id: id, logger: logger).wait()
            connection = c
            return c
        } catch {
            throw PostgresStoreError.unavailable("cannot connect to \(address): \(PostgresStoreError.describe(error))")
        }
    }

    /// How long a statement may go unanswered before the connection is
    /// given up (a database that stopped answering: a partition, or a
    /// primary whose synchronous standby is gone).
    static let answerTimeout: Duration = .seconds(30)
    /// How long an answer may still come after the connection closed.
    static let closedGrace: Duration = .milliseconds(500)

    /// Futures whose answer will never come, kept: a debug build of NIO
    /// traps when an uncompleted future is freed. One per broken
    /// connection at most, so few.
    nonisolated(unsafe) private static var abandoned: [EventLoopFuture<PostgresQueryResult>] = []

    static func abandon(_ future: EventLoopFuture<PostgresQueryResult>) {
        ids.locked { abandoned.append(future) }
    }

    /// The blocking face of one connection.
    struct Connection {
        let raw: PostgresConnection
        let logger: Logger
        /// Which connection this is: a new one after a reconnect.
        var number: Int { raw.id }

        /// Runs `q` and waits for its answer, but never forever: a query
        /// written to a connection that closed meanwhile (the database
        /// was killed) is dropped by NIO without completing its future,
        /// so a bare `wait()` would block the server for good. Waits in
        /// short steps, gives up `closedGrace` after the connection
        /// closed, and closes it after `answerTimeout` without an answer.
        @discardableResult
        func query(_ q: PostgresQuery) throws -> PostgresQueryResult {
            let future = raw.query(q, logger: logger)
            let answered = DispatchSemaphore(value: 0)
            future.whenComplete { _ in answered.signal() }
            let clock = ContinuousClock()
            let started = clock.now
            var closedAt: ContinuousClock.Instant? = nil
            while answered.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                let now = clock.now
                if raw.isClosed {
                    if closedAt == nil { closedAt = now }
                    if now - closedAt! >= PostgresSession.closedGrace {
                        PostgresSession.abandon(future)
                        throw PostgresStoreError.unavailable("the connection closed before PostgreSQL answered")
                    }
                } else if now - started >= PostgresSession.answerTimeout {
                    raw.close().whenComplete { [raw] _ in _ = raw }
                    PostgresSession.abandon(future)
                    throw PostgresStoreError.unavailable("PostgreSQL did not answer within \(PostgresSession.answerTimeout); the connection was closed")
                }
            }
            do {
                return try future.wait()
            } catch {
                if raw.isClosed { throw PostgresStoreError.unavailable("the connection broke: \(PostgresStoreError.describe(error))") }
                throw error
            }
        }

        func run(_ sql: String) throws {
            try query(PostgresQuery(unsafeSQL: sql))
        }
    }
}
