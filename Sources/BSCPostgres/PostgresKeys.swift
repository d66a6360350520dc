import BSCCore
import BSCJournal
import Foundation
import Logging
import PostgresNIO

/// The data-protection keys of servers that share a PostgreSQL journal
/// (docs/postgresql.md, "Keys in PostgreSQL"): one table beside the
/// events, so a key reaches the synchronous standby with the same
/// guarantee as the events encrypted with it (it is stored before them),
/// and every server reads every ticket.
///
/// An erased ticket keeps its row with no key (so a late writer cannot
/// give it a new one); the table is vacuumed at once, so the old row
/// version does not linger in the heap. WAL and base backups still hold it
/// until they expire: docs/postgresql.md says how long.
public final class PostgresKeys: SharedKeys, @unchecked Sendable {
    private let session: PostgresSession

    public init(address: PostgresAddress, logger: Logger) {
        self.session = PostgresSession(address: address, logger: logger)
    }

    /// Creates the tables if missing (safe from several servers at once).
    public func prepare() throws {
        try session.with { c in
            try c.run("BEGIN")
            do {
                try c.run("SELECT pg_advisory_xact_lock(7283910456)")
                try c.run("CREATE SEQUENCE IF NOT EXISTS bscdesk_key_version")
                try c.run("""
                    CREATE TABLE IF NOT EXISTS bscdesk_keys (
                        ticket bigint PRIMARY KEY, key text, queue text, version bigint NOT NULL)
                    """)
                try c.run("CREATE INDEX IF NOT EXISTS bscdesk_keys_version ON bscdesk_keys (version)")
                try c.run("""
                    CREATE TABLE IF NOT EXISTS bscdesk_index_key (
                        one boolean PRIMARY KEY DEFAULT true CHECK (one), key text NOT NULL)
                    """)
                try c.run("COMMIT")
            } catch {
                try? c.run("ROLLBACK")
                throw error
            }
        }
    }

    public func store(_ entries: [(ref: TicketRef, key: DataKey, queue: String?)]) throws {
        guard !entries.isEmpty else { return }
        try session.with { c in
            try c.run("BEGIN")
            do {
                for e in entries {
                    let ticket = Int64(e.ref.number)
                    let key = Data(e.key.bytes).base64EncodedString()
                    // A new key, or the same key moved to another queue; an
                    // erased ticket (no key) stays erased.
                    try c.query("""
                        INSERT INTO bscdesk_keys (ticket, key, queue, version)
                        VALUES (\(ticket), \(key), \(e.queue), nextval('bscdesk_key_version'))
                        ON CONFLICT (ticket) DO UPDATE SET key = EXCLUDED.key, queue = EXCLUDED.queue, version = EXCLUDED.version
                        WHERE bscdesk_keys.key IS NOT NULL
                        """)
                }
                try c.run("COMMIT")
            } catch {
                try? c.run("ROLLBACK")
                throw error
            }
        }
    }

    public func openingKey(_ ref: TicketRef, proposing proposed: DataKey, queue: String?) throws -> DataKey {
        try session.with { c in
            let ticket = Int64(ref.number)
            let text = Data(proposed.bytes).base64EncodedString()
            // First writer wins: an upsert here let the server that lost the
            // race for this reference replace the winner's key, leaving the
            // winner's events unreadable on every server. The stored key is
            // read back in the same statement.
            //
            // Committed without waiting for the WAL flush (`synchronous_commit`
            // off for this one transaction): the first events encrypted with
            // the key commit later in the same WAL, with the flush (and the
            // synchronous standby) awaited, so the key is durable, and on
            // the standby, before any of them is acknowledged. Waiting here
            // cost every new ticket a flush of its own, one at a time.
            guard let row = try c.query("""
                WITH nowait AS (SELECT set_config('synchronous_commit', 'off', true)),
                ins AS (
                    INSERT INTO bscdesk_keys (ticket, key, queue, version)
                    VALUES (\(ticket), \(text), \(queue), nextval('bscdesk_key_version'))
                    ON CONFLICT (ticket) DO NOTHING
                    RETURNING key, queue)
                SELECT key, queue FROM ins, nowait
                UNION ALL
                SELECT key, queue FROM bscdesk_keys, nowait WHERE ticket = \(ticket) AND NOT EXISTS (SELECT 1 FROM ins)
                """).first else {
                throw PostgresStoreError.database("the key row of \(ref) vanished")
            }
            let (stored, storedQueue) = try row.decode((String?, String?).self)
            guard let stored else {
                throw PostgresStoreError.database("\(ref) was erased; it cannot be opened again")
            }
            guard let data = Data(base64Encoded: stored), let key = DataKey(bytes: Array(data)) else {
                throw PostgresStoreError.database("the key row of \(ref) is damaged (not a base64 32-byte key)")
            }
            if storedQueue != queue {
                // The same key, this ticket's queue (the other server's ticket
                // may have been meant for another).
                try c.query("UPDATE bscdesk_keys SET queue = \(queue), version = nextval('bscdesk_key_version') WHERE ticket = \(ticket) AND key IS NOT NULL")
            }
            return key
        }
    }

    public func erase(_ refs: [TicketRef]) throws {
        guard !refs.isEmpty else { return }
        try session.with { c in
            try c.run("BEGIN")
            do {
                for r in refs {
                    let ticket = Int64(r.number)
                    try c.query("""
                        INSERT INTO bscdesk_keys (ticket, key, queue, version)
                        VALUES (\(ticket), NULL, NULL, nextval('bscdesk_key_version'))
                        ON CONFLICT (ticket) DO UPDATE SET key = NULL, queue = NULL, version = EXCLUDED.version
                        """)
                }
                try c.run("COMMIT")
            } catch {
                try? c.run("ROLLBACK")
                throw error
            }
            // Outside the transaction: the dead row versions that held the
            // keys go now, not at the next autovacuum.
            try c.run("VACUUM bscdesk_keys")
        }
    }

    public func changes(after version: Int64) throws -> (keys: [(ref: TicketRef, key: DataKey, queue: String?)], erased: [TicketRef], version: Int64) {
        try session.with { c in
            var keys: [(ref: TicketRef, key: DataKey, queue: String?)] = []
            var erased: [TicketRef] = []
            var newest = version
            let rows = try c.query("SELECT ticket, key, queue, version FROM bscdesk_keys WHERE version > \(version) ORDER BY version")
            for row in rows {
                let (ticket, key, queue, v) = try row.decode((Int64, String?, String?, Int64).self)
                newest = max(newest, v)
                guard ticket > 0, ticket < Int64(Int32.max) else { continue }
                let ref = TicketRef(Int(ticket))
                if let key {
                    guard let data = Data(base64Encoded: key), let k = DataKey(bytes: Array(data)) else {
                        throw PostgresStoreError.database("the key row of \(ref) is damaged (not a base64 32-byte key)")
                    }
                    keys.append((ref, k, queue))
                } else {
                    erased.append(ref)
                }
            }
            return (keys, erased, newest)
        }
    }

    /// The stored blind-index key, without storing one if there is none.
    public func storedIndexKey() throws -> DataKey? {
        try session.with { c in
            guard let row = try c.query("SELECT key FROM bscdesk_index_key").first else { return nil }
            guard let data = Data(base64Encoded: try row.decode(String.self)), let k = DataKey(bytes: Array(data)) else {
                throw PostgresStoreError.database("the blind-index key row is damaged")
            }
            return k
        }
    }

    public func indexKey(proposing proposed: DataKey) throws -> DataKey {
        try session.with { c in
            let text = Data(proposed.bytes).base64EncodedString()
            try c.query("INSERT INTO bscdesk_index_key (one, key) VALUES (true, \(text)) ON CONFLICT DO NOTHING")
            guard let row = try c.query("SELECT key FROM bscdesk_index_key").first,
                  let data = Data(base64Encoded: try row.decode(String.self)), let k = DataKey(bytes: Array(data)) else {
                throw PostgresStoreError.database("the blind-index key row is missing or damaged")
            }
            return k
        }
    }
}
