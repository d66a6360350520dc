import BSCCore
import BSCJournal

/// The team server's one projection of the journal, and the desks that act
/// on it for each request.
///
/// The engine desk reads history with a supervisor's view (every restricted
/// queue's sealed content), since the server is the only reader of the
/// files. Each request gets a desk acting for the peer's login with the
/// peer's profile; the engine lends it the projection for the length of
/// the request (a move, not a copy: the store is never duplicated, so an
/// append folds in place). What the peer sees goes through the same
/// visibility rules as in-process (`visible`, `canSeeContent`).
///
/// Not thread-safe: the server runs every request on one queue.
public final class SharedProjection: @unchecked Sendable {
    public let data: DataDirectory
    /// The configuration as loaded: who may connect, and their roles.
    public let config: DeskConfiguration
    let engine: Desk

    /// The engine's own name: not a login (logins have no parentheses).
    static let engineLogin = "(bscdesk-server)"

    /// `upstream`: the shared store (PostgreSQL) this server's journal
    /// copies; the projection is then caught up before every request.
    public init(data: DataDirectory, clock: Clock = SystemClock(), upstream: (any JournalUpstream)? = nil,
                sharedKeys: (any SharedKeys)? = nil) throws(DeskError) {
        self.data = data
        let config = try Desk.loadConfiguration(data)
        self.config = config
        var engineConfig = config
        // A supervisor with no queues: reads every restricted queue's content
        // but is never in a team, so never auto-assigned work.
        engineConfig.users[Self.engineLogin] = UserProfile(login: Self.engineLogin, name: "bscdesk server", role: .supervisor, queues: [])
        engine = try Desk(data: data, config: engineConfig, login: Self.engineLogin, clock: clock, ids: RandomIds())
        // Before anything is read: keys come from the shared store only.
        engine.keys.shared = sharedKeys
        if let upstream {
            engine.journal.upstream = upstream
            do { try engine.journal.pullUpstream() } catch { throw DeskError.from(error) }
        }
        try engine.load()
        // The server is the journal's only writer; it acknowledges appends
        // after `syncAppends`, one sync for every request waiting.
        engine.journal.defersSync = true
        // A new ticket's key is synced with its group, before the lines.
        engine.keys.defersSync = true
        engine.journal.companionSync = { [keys = engine.keys] () throws(FileError) in try keys.syncDeferred() }
        // A shared store commits a group's appends in one transaction, at
        // that same sync.
        _ = upstream?.holdCommits()
        // Its screens are told of appends (ScreenSessions): boards watch nothing.
        engine.boardCache.appendsAnnounced = true
    }

    /// Makes every append since the last call durable. Until it returns,
    /// none of them may be acknowledged.
    @discardableResult
    public func syncAppends() throws(DeskError) -> Int {
        do {
            return try engine.journal.syncDeferred()
        } catch {
            throw DeskError.from(error)
        }
    }

    /// A group commit to the shared store failed: this copy may hold lines
    /// the store does not, and the projection folded them. Until
    /// `matchStore()` succeeds, no request runs on it.
    public var needsMatching: Bool { hasUpstream && syncFailures != matchedAfter }
    private var matchedAfter = 0

    /// Sets aside the lines of this copy that the store does not hold
    /// (`pullUpstream`) and replays the projection from the copy, so it is
    /// the store's again.
    public func matchStore() throws(DeskError) {
        let failures = syncFailures
        do { try engine.journal.pullUpstream() } catch { throw DeskError.from(error) }
        try engine.load()
        matchedAfter = failures
    }

    /// How many syncs of the journal have failed, whoever asked for them
    /// (a request's group, a screen, an erasure). A sync takes every file
    /// written since the last one: an append is only known to be stored if
    /// none failed between its write and the sync that acknowledges it.
    /// Safe from any thread.
    public var syncFailures: Int { engine.journal.syncFailures }

    /// Where each event of the newest two months' segments is: a client
    /// resending a request after the server restarted is recognised by its
    /// event id (a resend comes within moments, never months, later).
    public func recentEventIds() throws(DeskError) -> [String: (seq: Int64, ref: TicketRef, user: String)] {
        var found: [String: (seq: Int64, ref: TicketRef, user: String)] = [:]
        do {
            let segments = try engine.journal.segments()
            guard let first = segments.suffix(2).first else { return [:] }
            var cursor = JournalCursor(segment: first)
            try engine.journal.read(from: &cursor, keepIdsAndHashes: true) { d in
                found[d.event.id] = (d.event.seq, d.event.ref, d.event.user)
            } issue: { _ in }
        } catch {
            throw DeskError.from(error)
        }
        return found
    }

    public var hasUpstream: Bool { engine.journal.upstream != nil }

    /// Whether the journal or the keys are shared with other servers.
    public var isShared: Bool { engine.journal.upstream != nil || engine.keys.shared != nil }

    /// Folds in what other servers appended to the shared store.
    public func catchUpWithUpstream() throws(DeskError) {
        guard hasUpstream else { return }
        if needsMatching { return try matchStore() }
        let erased: [TicketRef]
        do {
            try engine.journal.pullUpstream()
            // Keys other servers stored or erased since the last request.
            erased = try engine.keys.refreshShared()
        } catch { throw DeskError.from(error) }
        try engine.refresh()
        // Another server erased tickets this projection holds decrypted:
        // replay it, as the erasing server does, so no answer shows them.
        if !erased.isEmpty { try engine.load() }
    }

    /// The event the shared store holds under `id`, if any.
    public func storedEvent(id: String) throws -> Event? {
        try engine.journal.upstream?.storedEvent(id: id)
    }

    /// Replays the journal into a new projection (after an erasure: the
    /// shredded tickets' content must leave memory too).
    public func reload() throws(DeskError) {
        try engine.load()
    }

    public var ticketCount: Int { engine.store.count }
    public var loadIssues: [LoadIssue] { engine.issues }

    /// The profile of `login`, or nil if the configuration does not know it.
    public func profile(_ login: String) -> UserProfile? { config.user(login) }

    /// Why a login the configuration does not know is refused.
    public func notSetUp(_ login: String) -> String {
        "user \"\(login)\" is not set up in \(data.configPath); ask a supervisor to add a [users.\(DefaultConfiguration.tomlKey(login))] table with a role (agent, team-leader or supervisor)"
    }

    /// Runs `body` with a desk acting for `login` on the shared projection.
    /// `firstEventId`, when given, is the id of the first event `body`
    /// appends (the client's, for de-duplication).
    public func acting<T>(as login: String, firstEventId: String? = nil, _ body: (Desk) throws -> T) throws -> T {
        guard let profile = config.user(login) else { throw DeskError.permission(notSetUp(login)) }
        let desk = Desk(actingFor: login, profile: profile, config: config, engine: engine,
                        ids: FirstIdThenRandom(first: firstEventId))
        Self.move(from: engine, to: desk)
        defer { Self.move(from: desk, to: engine) }
        return try body(desk)
    }

    /// A desk acting for `login` that lives as long as a terminal's screen
    /// session (the front desk's screens keep their desk): it holds
    /// nothing until `lending` lends it the projection for one step.
    public func makeDesk(for login: String) throws(DeskError) -> Desk {
        guard let profile = config.user(login) else { throw DeskError.permission(notSetUp(login)) }
        return Desk(actingFor: login, profile: profile, config: config, engine: engine, ids: RandomIds())
    }

    /// Runs `body` with the projection lent to `desk` (one made by
    /// `makeDesk` on this projection), as `acting` does for a request.
    public func lending<T>(to desk: Desk, _ body: () throws -> T) rethrows -> T {
        Self.move(from: engine, to: desk)
        defer { Self.move(from: desk, to: engine) }
        return try body()
    }

    /// Hands the projection and its caches over; the giver is left empty.
    private static func move(from a: Desk, to b: Desk) {
        swap(&a.store, &b.store)
        swap(&a.cursor, &b.cursor)
        swap(&a.issues, &b.issues)
        swap(&a.loads, &b.loads)
        swap(&a.indexedLoad, &b.indexedLoad)
        swap(&a.sealedContent, &b.sealedContent)
        swap(&a.metricsCache, &b.metricsCache)
        swap(&a.boardCache, &b.boardCache)
        swap(&a.suggesterCache, &b.suggesterCache)
        swap(&a.repeatIndexCache, &b.repeatIndexCache)
    }
}

/// Event ids for one request: the client's id first (so a resent request
/// can be recognised), random ones after it.
struct FirstIdThenRandom: IdGenerator {
    var first: String?
    var rest = RandomIds()
    mutating func next() -> String {
        if let f = first {
            first = nil
            return f
        }
        return rest.next()
    }
}

extension Desk {
    /// Loads history unless it is loaded (a command-line desk loads on
    /// first use; the server's desks arrive with the projection lent).
    public func needHistoryLoaded() throws(DeskError) { try needHistory() }
}
