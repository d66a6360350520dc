import BSCCore
import BSCJournal
import Foundation
import Logging
import PostgresNIO

/// The journal in PostgreSQL (docs/postgresql.md).
///
/// Each event is its exact journal line (`text`, never `jsonb`, which
/// would reorder keys and break the chain). Position, previous hash, `ts`
/// and the reference counter come from one head row locked `FOR UPDATE`
/// inside the append transaction: appends from every server queue on that
/// row, so positions are gap-free and commit in order, and a reader that
/// finds a gap has found a bug. The event id is unique: an append retried
/// after an unknown outcome gets the stored events back, never a second
/// copy.
public final class PostgresEventStore: EventStore, @unchecked Sendable {
    public let address: PostgresAddress
    let clock: Clock
    let logger: Logger
    let session: PostgresSession
    /// How often a subscription reads even without a notification
    /// (NOTIFY is not replayed after a reconnect and not sent on standbys).
    public var pollMillis: Int = 1000
    /// Set by the team server: an append leaves its transaction open, and
    /// `commitHeld()` commits every append since the last one (group
    /// commit: one WAL flush for every request that waited). Set before
    /// the first append.
    public var holdsCommits = false

    static let channel = "bscdesk_events"
    static let readBatch = 5000

    public init(address: PostgresAddress, clock: Clock, logger: Logger = Logger(label: "bscdesk.postgres")) {
        self.address = address
        self.clock = clock
        self.logger = logger
        self.session = PostgresSession(address: address, logger: logger)
    }

    // MARK: - Schema

    /// Creates the tables if they are missing (safe to run from several
    /// servers at once) and checks the database keeps text byte for byte.
    public func prepare() throws {
        try session.with { c in
            let enc = try c.query("SHOW server_encoding")
            if let row = enc.first, let name = try? row.decode(String.self), name.uppercased() != "UTF8" {
                throw PostgresStoreError.database("the database's encoding is \(name); bscdesk needs UTF8 so that journal lines are kept byte for byte (createdb -E UTF8)")
            }
            try c.run("BEGIN")
            do {
                // One schema creator at a time.
                try c.run("SELECT pg_advisory_xact_lock(7283910455)")
                try c.run("""
                    CREATE TABLE IF NOT EXISTS bscdesk_head (
                        one boolean PRIMARY KEY DEFAULT true CHECK (one),
                        seq bigint NOT NULL, tickets bigint NOT NULL, hash text NOT NULL, at_millis bigint NOT NULL)
                    """)
                try c.run("INSERT INTO bscdesk_head VALUES (true, 0, 0, '\(StoreHead.genesisHash)', 0) ON CONFLICT DO NOTHING")
                try c.run("""
                    CREATE TABLE IF NOT EXISTS bscdesk_events (
                        seq bigint PRIMARY KEY,
                        id text NOT NULL CONSTRAINT bscdesk_events_id_unique UNIQUE,
                        ref bigint NOT NULL,
                        line text NOT NULL)
                    """)
                try c.run("CREATE INDEX IF NOT EXISTS bscdesk_events_ref ON bscdesk_events (ref, seq)")
                try c.run("""
                    CREATE TABLE IF NOT EXISTS bscdesk_configuration (
                        one boolean PRIMARY KEY DEFAULT true CHECK (one), text text NOT NULL)
                    """)
                try c.run("COMMIT")
            } catch {
                try? c.run("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: - Configuration shared through the database

    /// The configuration every server on this database runs with: the
    /// first server to start stores its own; later ones get the stored
    /// text back (and must refuse to run if theirs differs).
    public func sharedConfiguration(offering text: String) throws -> String {
        try session.with { c in
            try c.query("INSERT INTO bscdesk_configuration (one, text) VALUES (true, \(text)) ON CONFLICT DO NOTHING")
            guard let row = try c.query("SELECT text FROM bscdesk_configuration").first else {
                throw PostgresStoreError.database("the configuration row vanished")
            }
            return try row.decode(String.self)
        }
    }

    /// The stored configuration, if any.
    public func storedConfiguration() throws -> String? {
        try session.with { c in
            try c.query("SELECT text FROM bscdesk_configuration").first.map { try $0.decode(String.self) }
        }
    }

    /// A server setting (`synchronous_commit`, say), for reports.
    public func setting(_ name: String) throws -> String {
        try session.with { c in
            guard let row = try c.query("SELECT current_setting(\(name))").first else { return "?" }
            return try row.decode(String.self)
        }
    }

    // MARK: - EventStore

    public func head() throws -> StoreHead {
        try session.with { c in try Self.readHead(c, forUpdate: false) }
    }

    static func readHead(_ c: PostgresSession.Connection, forUpdate: Bool) throws -> StoreHead {
        let sql = "SELECT seq, tickets, hash, at_millis FROM bscdesk_head WHERE one" + (forUpdate ? " FOR UPDATE" : "")
        guard let row = try c.query(PostgresQuery(unsafeSQL: sql)).first else {
            throw PostgresStoreError.database("the head row is missing: the schema was damaged by hand")
        }
        let (seq, tickets, hash, at) = try row.decode((Int64, Int64, String, Int64).self)
        guard seq >= 0, tickets >= 0, tickets < Int64(Int.max / 2), hash.utf8.count == 64 else {
            throw PostgresStoreError.database("the head row holds impossible values (seq \(seq), \(tickets) tickets): it was changed by hand")
        }
        return StoreHead(seq: seq, tickets: Int(tickets), hash: hash, at: Instant(millis: at))
    }

    /// The head row locked `FOR UPDATE`, and whether any of `ids` is
    /// stored, in one round trip.
    static func lockHead(_ c: PostgresSession.Connection, askingFor ids: [String]) throws -> (StoreHead, Bool) {
        guard let row = try c.query("""
            SELECT seq, tickets, hash, at_millis, EXISTS (SELECT 1 FROM bscdesk_events WHERE id = ANY(\(ids)))
            FROM bscdesk_head WHERE one FOR UPDATE
            """).first else {
            throw PostgresStoreError.database("the head row is missing: the schema was damaged by hand")
        }
        let (seq, tickets, hash, at, anyStored) = try row.decode((Int64, Int64, String, Int64, Bool).self)
        guard seq >= 0, tickets >= 0, tickets < Int64(Int.max / 2), hash.utf8.count == 64 else {
            throw PostgresStoreError.database("the head row holds impossible values (seq \(seq), \(tickets) tickets): it was changed by hand")
        }
        return (StoreHead(seq: seq, tickets: Int(tickets), hash: hash, at: Instant(millis: at)), anyStored)
    }

    @discardableResult
    public func append(_ events: [Event], expected: Int64) throws -> [Event] {
        try append(events, expected: expected, expectedHash: nil, beforeCommit: { _ in }).events
    }

    /// The append transaction; `beforeCommit` runs inside it, with the
    /// head row still locked (the gap race test holds it open there).
    /// With `holdsCommits`, the transaction is left open (still holding
    /// the head row) for the next append, and `commitHeld()` commits them
    /// all.
    ///
    /// With `expectedHash`, the head must also have that hash (a copy that
    /// chains on its own last line), or it is a conflict. Returns the
    /// stamped lines with the events when it stored them now (nil when
    /// they were stored before).
    func append(_ events: [Event], expected: Int64, expectedHash: String? = nil,
                beforeCommit: (PostgresSession.Connection) throws -> Void) throws -> (events: [Event], stamped: EventStamping.Stamped?) {
        guard !events.isEmpty else { return ([], nil) }
        let ids = events.map(\.id)
        return try session.with { c in
            // An open group on this very connection: its BEGIN and head
            // lock are already done. (A new connection means the group's
            // transaction died with the old one: that is reported by
            // `commitHeld`, and this append starts a new group.)
            let continuing = held.count > 0 && held.connection == c.number
            if held.count > 0 && !continuing { held.lost = held.lost ?? "the connection to PostgreSQL was lost with the group's transaction open" }
            if !continuing {
                try c.run("BEGIN")
                held.count = 0
            }
            var committing = false
            do {
                // Every server's appends queue here: one writer at a time.
                // The same round trip asks whether any id is stored.
                let (head, anyStored) = try Self.lockHead(c, askingFor: ids)
                // A retry of an append that did commit (its answer was lost):
                // the stored events, whatever the head is now.
                if anyStored {
                    let stored = try Self.decodeRows(try c.query("SELECT seq, line FROM bscdesk_events WHERE id = ANY(\(ids)) ORDER BY seq"))
                    if !continuing { try c.run("ROLLBACK") }
                    guard stored.count == events.count, Set(stored.map(\.id)) == Set(ids) else {
                        throw EventStoreError.rejected("some of these event ids are already stored and some are not: make new ids; nothing was saved")
                    }
                    return (stored, nil)
                }
                guard head.seq == expected, expectedHash == nil || head.hash == expectedHash else {
                    if continuing { throw PostgresStoreError.database("the head moved inside this server's own transaction (seq \(head.seq), expected \(expected))") }
                    try c.run("ROLLBACK")
                    throw EventStoreError.conflict(expected: expected, head: head)
                }
                let s = try EventStamping.stamp(events, onto: head, now: clock.now())
                var lines: [String] = []
                for raw in s.lines {
                    // Without the newline; text keeps the rest byte for byte.
                    guard let line = String(validating: raw.dropLast(), as: UTF8.self) else {
                        throw EventStoreError.rejected("internal error: an encoded event is not UTF-8; nothing was saved")
                    }
                    lines.append(line)
                }
                let seqs = s.events.map(\.seq)
                let refs = s.events.map { Int64($0.ref.number) }
                let h = s.head
                let tickets = Int64(h.tickets)
                let at = h.at.millis
                try c.query("""
                    WITH ins AS (
                        INSERT INTO bscdesk_events (seq, id, ref, line)
                        SELECT * FROM unnest(\(seqs)::int8[], \(ids)::text[], \(refs)::int8[], \(lines)::text[])
                        RETURNING 1),
                    upd AS (
                        UPDATE bscdesk_head SET seq = \(h.seq), tickets = \(tickets), hash = \(h.hash), at_millis = \(at)
                        WHERE one RETURNING seq)
                    SELECT (SELECT count(*) FROM ins), pg_notify(\(Self.channel), (SELECT seq FROM upd)::text)
                    """)
                try beforeCommit(c)
                if holdsCommits {
                    // Committed with the group by `commitHeld()`; the
                    // caller must not acknowledge it before that.
                    held.count += 1
                    held.connection = c.number
                    return (s.events, s)
                }
                committing = true
                try Self.commit(c)
                return (s.events, s)
            } catch {
                if committing {
                    session.resetLater()
                    throw PostgresStoreError.outcomeUnknown(PostgresStoreError.describe(error))
                }
                if held.count > 0 {
                    // The group's transaction is aborted with this
                    // statement: its earlier appends are gone too.
                    held.lost = held.lost ?? PostgresStoreError.describe(error)
                    held.count = 0
                }
                if c.raw.isClosed == false, !(error is EventStoreError) || continuing { try? c.run("ROLLBACK") }
                if PostgresStoreError.sqlState(error) == "23505" {
                    // Another server stored one of these ids between our
                    // check and insert: impossible under the head lock, but
                    // the constraint is the last word.
                    throw EventStoreError.rejected("an event with one of these ids is already stored; nothing was saved")
                }
                if let e = error as? EventStoreError { throw e }
                if let e = error as? PostgresStoreError { throw e }
                throw PostgresStoreError.database(PostgresStoreError.describe(error))
            }
        }
    }

    /// COMMIT, checked: PostgreSQL answers COMMIT of a transaction that an
    /// error aborted with ROLLBACK, not with an error.
    static func commit(_ c: PostgresSession.Connection) throws {
        let r = try c.query("COMMIT")
        guard r.metadata.command == "COMMIT" else {
            throw PostgresStoreError.database("PostgreSQL rolled the transaction back (it answered COMMIT with \(r.metadata.command))")
        }
    }

    /// The appends `commitHeld()` will commit (see `holdsCommits`).
    /// Guarded by the session's lock: touched only inside `session.with`.
    struct HeldGroup {
        var count = 0
        /// The connection the group's transaction is open on.
        var connection = 0
        /// Why the group's transaction is gone, if it is.
        var lost: String?
    }
    var held = HeldGroup()

    /// Commits every append made since the last call (with
    /// `holdsCommits`): one transaction, so one WAL flush, for a group.
    /// Throws an outcome-unknown error if the COMMIT failed or the group's
    /// transaction was lost before it: then none of the group may be
    /// acknowledged, and some or none of it is stored.
    public func commitHeld() throws {
        try session.with { c in
            let group = held
            held = HeldGroup()
            if let lost = group.lost {
                if group.count > 0, group.connection == c.number { try? c.run("ROLLBACK") }
                throw PostgresStoreError.outcomeUnknown("the group's transaction was rolled back: \(lost)")
            }
            guard group.count > 0 else { return }
            guard group.connection == c.number else {
                throw PostgresStoreError.outcomeUnknown("the connection to PostgreSQL was lost with the group's transaction open; its appends were not stored")
            }
            do {
                try Self.commit(c)
            } catch {
                session.resetLater()
                throw PostgresStoreError.outcomeUnknown(PostgresStoreError.describe(error))
            }
        }
    }

    /// Events from `seq, line` rows, in the order given.
    static func decodeRows(_ rows: PostgresQueryResult) throws -> [Event] {
        let decoder = EventDecoder()
        var out: [Event] = []
        for row in rows {
            let (seq, line) = try row.decode((Int64, String).self)
            do {
                out.append(try decoder.decode(Array(line.utf8)).event)
            } catch {
                throw PostgresStoreError.database("the stored line at position \(seq) does not decode: \(error)")
            }
        }
        return out
    }

    @discardableResult
    public func read(after position: StorePosition, _ event: (Event) throws -> Void, issue: (LoadIssue) -> Void) throws -> StorePosition {
        var last = position.seq
        try readLines(after: position.seq) { seq, line in
            last = seq
            do {
                let d = try EventDecoder().decode(line)
                guard d.event.seq == seq else {
                    issue(LoadIssue(file: "postgresql", line: Int(clamping: seq), reason: "the line says seq \(d.event.seq) at position \(seq); skipped"))
                    return
                }
                try event(d.event)
            } catch let e as DecodeError {
                issue(LoadIssue(file: "postgresql", line: Int(clamping: seq), reason: "\(e.message); skipped"))
            }
        }
        return StorePosition(seq: last)
    }

    /// Every stored line after `seq`, oldest first, each without its
    /// newline. Throws `.gap` if a position is missing: that is a bug.
    public func readLines(after seq: Int64, _ line: (Int64, [UInt8]) throws -> Void) throws {
        var last = seq
        while true {
            let rows = try session.with { c in
                try c.query("SELECT seq, line FROM bscdesk_events WHERE seq > \(last) ORDER BY seq LIMIT \(Self.readBatch)")
            }
            var count = 0
            for row in rows {
                let (s, text) = try row.decode((Int64, String).self)
                guard s == last + 1 else { throw PostgresStoreError.gap(after: last, found: s) }
                last = s
                count += 1
                try line(s, Array(text.utf8))
            }
            if count < Self.readBatch { return }
        }
    }

    public func events(of ref: TicketRef) throws -> [Event] {
        let number = Int64(ref.number)
        let rows = try session.with { c in
            try c.query("SELECT seq, line FROM bscdesk_events WHERE ref = \(number) ORDER BY seq")
        }
        return try Self.decodeRows(rows).filter { $0.ref == ref }
    }

    public func subscribe(after position: StorePosition, _ deliver: @escaping @Sendable ([Event]) -> Void) throws -> EventSubscription {
        let follower = PostgresFollower(store: self, position: position, deliver: deliver)
        follower.start()
        return EventSubscription { follower.stop() }
    }

    // MARK: - Verifying

    /// What `bscdesk verify --store` prints.
    public struct ChainReport: Sendable, Equatable {
        public var events: Int64 = 0
        public var headSeq: Int64 = 0
        public var headHash = StoreHead.genesisHash
        /// The first place the chain breaks, or nil.
        public var firstBreak: String?
    }

    /// Checks every stored line from the first: positions 1, 2, …; each
    /// line's seq is its position; each hash chains on the one before;
    /// the head row names the last line.
    public func verifyChain() throws -> ChainReport {
        var r = ChainReport()
        var previous = StoreHead.genesisHash
        let decoder = EventDecoder()
        try readLines(after: 0) { seq, line in
            r.events += 1
            guard r.firstBreak == nil else { return }
            guard let d = try? decoder.decode(line) else {
                r.firstBreak = "position \(seq): the line does not decode"
                return
            }
            guard d.event.seq == seq else {
                r.firstBreak = "position \(seq): the line says seq \(d.event.seq)"
                return
            }
            guard let hash = d.hash, let cut = Self.bodyEnd(line),
                  Journal.chainHash(previous: previous, body: Array(line[..<cut])) == hash else {
                r.firstBreak = "position \(seq): the hash does not chain on the line before (edited, inserted or removed)"
                return
            }
            previous = hash
            r.headSeq = seq
            r.headHash = hash
        }
        let head = try head()
        if r.firstBreak == nil && (head.seq != r.headSeq || head.hash != r.headHash) {
            r.firstBreak = "the head row says seq \(head.seq), hash \(head.hash), but the last line is seq \(r.headSeq), hash \(r.headHash)"
        }
        return r
    }

    // MARK: - Moving journals in and out

    /// Loads exact journal lines (each with or without its newline) into
    /// an empty store, checking the chain as it goes: the store's head is
    /// then the file journal's head. Refuses a store that holds events.
    public func importLines(_ lines: [[UInt8]]) throws -> StoreHead {
        var head = StoreHead.empty
        var seqs: [Int64] = [], ids: [String] = [], refs: [Int64] = [], texts: [String] = []
        let decoder = EventDecoder()
        for (i, raw) in lines.enumerated() {
            let line = raw.last == 10 ? Array(raw.dropLast()) : raw
            let d: EventDecoder.Decoded
            do { d = try decoder.decode(line) } catch {
                throw EventStoreError.rejected("event \(i + 1) does not decode (\(error.message)); nothing was imported")
            }
            guard d.event.seq == head.seq + 1 else {
                throw EventStoreError.rejected("event \(i + 1) has seq \(d.event.seq) where \(head.seq + 1) was expected; nothing was imported")
            }
            guard let hash = d.hash, let cut = Self.bodyEnd(line) else {
                throw EventStoreError.rejected("event \(i + 1) (seq \(d.event.seq)) has no chain hash; nothing was imported")
            }
            let computed = Journal.chainHash(previous: head.hash, body: Array(line[..<cut]))
            guard computed == hash else {
                throw EventStoreError.rejected("event \(i + 1) (seq \(d.event.seq)) breaks the hash chain; run bscdesk verify on the source; nothing was imported")
            }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw EventStoreError.rejected("event \(i + 1) is not UTF-8; nothing was imported")
            }
            head = StoreHead(seq: d.event.seq, tickets: d.tickets, hash: hash, at: max(head.at, d.event.at))
            seqs.append(d.event.seq); ids.append(d.event.id); refs.append(Int64(d.event.ref.number)); texts.append(text)
        }
        let final = head
        try session.with { c in
            try c.run("BEGIN")
            do {
                let current = try Self.readHead(c, forUpdate: true)
                guard current.seq == 0 else {
                    throw EventStoreError.rejected("the store already holds \(current.seq) events: import-journal loads only an empty store; nothing was imported")
                }
                var start = 0
                while start < seqs.count {
                    let end = min(seqs.count, start + 2000)
                    let (s, i, r, t) = (Array(seqs[start..<end]), Array(ids[start..<end]), Array(refs[start..<end]), Array(texts[start..<end]))
                    try c.query("INSERT INTO bscdesk_events (seq, id, ref, line) SELECT * FROM unnest(\(s)::int8[], \(i)::text[], \(r)::int8[], \(t)::text[])")
                    start = end
                }
                let tickets = Int64(final.tickets)
                try c.query("UPDATE bscdesk_head SET seq = \(final.seq), tickets = \(tickets), hash = \(final.hash), at_millis = \(final.at.millis) WHERE one")
                try c.run("COMMIT")
            } catch {
                if !c.raw.isClosed { try? c.run("ROLLBACK") }
                throw error
            }
        }
        return final
    }

    /// Where the chained body ends: before `,"h":"<64 hex>"}`.
    static func bodyEnd(_ line: [UInt8]) -> Int? {
        let suffix = 6 + 64 + 2  // ,"h":"  hash  "}
        guard line.count > suffix else { return nil }
        let cut = line.count - suffix
        guard Array(line[cut..<(cut + 6)]) == Array(#","h":""#.utf8) else { return nil }
        return cut
    }
}

extension PostgresEventStore: JournalUpstream {
    public func lines(after seq: Int64, _ line: (Int64, [UInt8]) throws -> Void) throws {
        try readLines(after: seq, line)
    }

    public func append(_ events: [Event], onto head: StoreHead) throws -> (events: [Event], stamped: EventStamping.Stamped?) {
        try append(events, expected: head.seq, expectedHash: head.hash, beforeCommit: { _ in })
    }

    public func holdCommits() -> Bool {
        holdsCommits = true
        return true
    }

    public func storedEvent(id: String) throws -> Event? {
        let rows = try session.with { c in try c.query("SELECT seq, line FROM bscdesk_events WHERE id = \(id)") }
        return try Self.decodeRows(rows).first
    }
}

extension PostgresSession {
    /// Drops the connection once the current holder is done with it.
    func resetLater() {
        DispatchQueue.global().async { [self] in reset() }
    }
}

/// Follows the store from a thread of its own: a NOTIFY wakes it at once,
/// and it reads anyway every `pollMillis` (notifications are lost across
/// a reconnect and never sent on a standby).
final class PostgresFollower: @unchecked Sendable {
    let store: PostgresEventStore
    let reader: PostgresEventStore
    var position: StorePosition
    let deliver: @Sendable ([Event]) -> Void
    private let mutex = Mutex()
    private let wake = DispatchSemaphore(value: 0)
    private var stopped = false
    private var listening: PostgresConnection?
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(store: PostgresEventStore, position: StorePosition, deliver: @escaping @Sendable ([Event]) -> Void) {
        self.store = store
        // Its own connection: reading never waits behind an append.
        self.reader = PostgresEventStore(address: store.address, clock: store.clock, logger: store.logger)
        self.position = position
        self.deliver = deliver
    }

    func start() {
        let t = Thread { [self] in
            run()
            done.signal()
        }
        thread = t
        t.start()
    }

    func stop() {
        let first = mutex.locked { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        wake.signal()
        // Never wait for our own thread (a delivery that cancels).
        if Thread.current != thread { done.wait() }
        if let l = mutex.locked({ listening }) { try? l.close().wait() }
    }

    private var isStopped: Bool { mutex.locked { stopped } }

    private func listen() {
        if let l = mutex.locked({ listening }), !l.isClosed { return }
        let wake = self.wake
        do {
            let c = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: store.address.configuration,
                                                   id: 0, logger: store.logger).wait()
            c.addListener(channel: PostgresEventStore.channel) { _, _ in wake.signal() }
            _ = try c.query(PostgresQuery(unsafeSQL: "LISTEN " + PostgresEventStore.channel), logger: store.logger).wait()
            mutex.locked { listening = c }
        } catch {
            store.logger.debug("cannot LISTEN for new events; polling: \(PostgresStoreError.describe(error))")
        }
    }

    private func run() {
        while !isStopped {
            listen()
            var batch: [Event] = []
            do {
                position = try reader.read(after: position, { batch.append($0) }, issue: { issue in
                    self.store.logger.warning("skipped a damaged stored event: \(issue)")
                })
            } catch let e as PostgresStoreError {
                if case .gap = e {
                    store.logger.critical("\(e.description)")
                } else {
                    store.logger.debug("\(e.description)")
                }
            } catch {
                store.logger.debug("reading new events failed: \(PostgresStoreError.describe(error))")
            }
            // Delivery holds the lock, so none starts after stop returns.
            mutex.locked {
                if !stopped && !batch.isEmpty { deliver(batch) }
            }
            _ = wake.wait(timeout: .now() + .milliseconds(max(1, store.pollMillis)))
        }
    }
}
