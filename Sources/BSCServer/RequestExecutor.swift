import BSCApp
import BSCCore
import BSCImport
import BSCProtocol
import Dispatch
import Foundation
import Logging

/// Runs requests one at a time against the shared projection, as the
/// login the kernel gave for the connection. One queue: the projection is
/// not thread-safe, and the journal serialises appends anyway.
public final class RequestExecutor: @unchecked Sendable {
    /// Replaced whole when the configuration changes (SIGHUP, `config
    /// set`); used on `queue` only.
    private(set) var projection: SharedProjection
    let logger: Logger
    /// The configuration in use, for the event loop's hello checks (which
    /// must not wait for the queue).
    private let configLock = NSLock()
    private var configInUse: DeskConfiguration
    private let queue = DispatchQueue(label: "bscdesk.server.requests")
    /// Answers to appends already written, by the client's event id: a
    /// resent request gets the first answer and appends nothing. Oldest
    /// forgotten first past `rememberedIds`.
    private var written: [String: (login: String, response: Response)] = [:]
    private var writtenOrder: [String] = []
    private let rememberedIds = 200_000
    /// Events already in the journal when the server started, by id (the
    /// newest two months): a request resent across a restart is answered
    /// from here instead of being appended again.
    private var journalIds: [String: (seq: Int64, ref: TicketRef, user: String)]
    private var draining = false
    /// Answers held until the group's sync (group commit): every request
    /// that arrived while one was running shares the next fdatasync.
    typealias Held = (reply: @Sendable (Response) -> Void, response: Response, appended: Bool, eventId: String?)
    private var held: [Held] = []
    /// The projection and its count of failed syncs when the first append
    /// now held was written: a failure after that (anyone's sync) leaves
    /// the held appends' outcome unknown.
    private var heldSince: (SharedProjection, Int)?
    private var flushQueued = false
    /// A group's sync is running on `syncQueue`; the next group waits.
    private var syncing = false
    private let syncQueue = DispatchQueue(label: "bscdesk.server.sync")
    /// A sync slower than this is logged.
    static let slowSyncMillis = 100
    /// The front desks run here for terminals (protocol version 3).
    let screens: ScreenSessions
    /// Ticks the screens (clocks, call-backs due, the board's minute).
    private var screenTicker: DispatchSourceTimer?
    private var pushQueued = false
    static let screenTickMillis = 250

    public init(projection: SharedProjection, logger: Logger) throws(DeskError) {
        self.projection = projection
        self.dataDirectory = projection.data
        self.logger = logger
        self.configInUse = projection.config
        self.journalIds = try projection.recentEventIds()
        self.screens = ScreenSessions(logger: logger)
        screens.onStale = { [unowned self] in scheduleStaleUpdate() }
    }

    /// One stale screen per turn of the queue, behind whatever is queued.
    private func scheduleStaleUpdate() {
        guard !pushQueued else { return }
        pushQueued = true
        queue.async { [self] in
            pushQueued = false
            if !draining, screens.updateOneStale(projection: projection) { scheduleStaleUpdate() }
            commitShared()
        }
    }

    /// A screen's tick may append (a call-back falling due): on a shared
    /// store that append holds the store's head row until committed, so
    /// it is committed at once rather than at the next request's flush.
    private func commitShared() {
        guard projection.hasUpstream, !syncing else { return }
        do { try projection.syncAppends() } catch {
            logger.error("commit after a screen tick failed: \(terminalSafe(error.message, lineBreaks: .space))")
        }
    }

    // MARK: Screens (ScreenSessions.swift), on the same queue as requests

    public func openScreen(_ m: ScreenOpen, connection: ObjectIdentifier, login: String, send: @escaping @Sendable (Message) -> Void) {
        queue.async { [self] in
            guard !draining else { return }
            screens.open(m, connection: connection, login: login, projection: projection, send: send)
            startScreenTicks()
        }
    }

    public func screenKeys(_ m: ScreenKeys, connection: ObjectIdentifier) {
        queue.async { [self] in
            guard !draining else { return }
            screens.keys(m.keys, connection: connection, projection: projection)
        }
    }

    public func resizeScreen(_ m: ScreenResize, connection: ObjectIdentifier) {
        queue.async { [self] in
            guard !draining else { return }
            screens.resize(m, connection: connection, projection: projection)
        }
    }

    public func closeScreen(connection: ObjectIdentifier) {
        queue.async { [self] in screens.close(connection: connection) }
    }

    /// One timer for every screen, started with the first.
    private func startScreenTicks() {
        guard screenTicker == nil else { return }
        let t = DispatchSource.makeTimerSource(queue: queue)
        t.schedule(deadline: .now() + .milliseconds(Self.screenTickMillis), repeating: .milliseconds(Self.screenTickMillis))
        t.setEventHandler { [weak self] in
            guard let self, !self.draining, !self.screens.isEmpty else { return }
            self.screens.tick(projection: self.projection)
            self.commitShared()
        }
        t.resume()
        screenTicker = t
    }

    /// Runs `request` for `login` on the executor's queue and hands the
    /// response to `reply` (on that queue) once whatever it appended is
    /// synced. Answers to reads wait for the same sync, so nobody is shown
    /// an event that a crash could still take back.
    public func submit(_ request: Request, login: String, reply: @escaping @Sendable (Response) -> Void) {
        queue.async { [self] in
            if request.command == .import, request.import?.step == .write, !draining, !projection.hasUpstream {
                startImportWrite(request, login: login, reply: reply)
                return
            }
            hold(request, execute(request, login: login), reply: reply)
        }
    }

    /// Holds `response` for the group's sync (or, for a read, the sync of
    /// the groups before). Runs on `queue`.
    private func hold(_ request: Request, _ response: Response, reply: @escaping @Sendable (Response) -> Void) {
        let appended = request.appends && response.status == WireStatus.ok
        if appended && heldSince == nil { heldSince = (projection, projection.syncFailures) }
        held.append((reply, response, appended, request.eventId))
        if !flushQueued {
            // Behind every request already queued: they join this group.
            flushQueued = true
            queue.async { [self] in flush() }
        }
    }

    // MARK: Imports, written between other requests

    /// An import being written (one at a time).
    private var importWriting = false

    /// What an import's thread needs; touched on that thread, and on
    /// `queue` only before it starts and after it ends.
    private final class ImportJob: @unchecked Sendable {
        let request: Request
        let file: ImportFile.Request
        var target: Importer.Target
        /// The projection, and its count of failed syncs, when it began.
        let began: (SharedProjection, Int)
        let reply: @Sendable (Response) -> Void

        init(request: Request, file: ImportFile.Request, target: Importer.Target, began: (SharedProjection, Int), reply: @escaping @Sendable (Response) -> Void) {
            self.request = request
            self.file = file
            self.target = target
            self.began = began
            self.reply = reply
        }
    }

    /// An import's write reads the export and builds its stories on a
    /// thread of its own; only its appends (about 5,000 events each) run on
    /// this queue, each queued behind the requests that came meanwhile, so
    /// a `log` waits for one append, not for the whole import. The answer
    /// is held for the sync like any append's. A server on a shared store
    /// (which catches up before each request) writes it as one request.
    /// Runs on `queue`.
    private func startImportWrite(_ request: Request, login: String, reply: @escaping @Sendable (Response) -> Void) {
        guard !importWriting else {
            hold(request, Response(id: request.id, status: WireStatus.refused,
                                   error: "another import is being written on this server; run this one again when it has finished"), reply: reply)
            return
        }
        let job: ImportJob
        do {
            job = try projection.acting(as: login) { desk in
                let target = try Importer.Target(desk: desk)
                return ImportJob(request: request, file: try ImportFile.Request(request.import!, desk: desk), target: target,
                                 began: (projection, projection.syncFailures), reply: reply)
            }
        } catch {
            let e = DeskError.from(error)
            hold(request, Response(id: request.id, status: Int(e.status.rawValue), error: terminalSafe(e.message, lineBreaks: .space)), reply: reply)
            return
        }
        importWriting = true
        // Each append on the queue, as the person importing.
        let began = job.began.0
        job.target.append = { [self, began] make in
            try queue.sync {
                guard !draining else {
                    throw DeskError(.ioFailure, "the server is stopping: the import stopped part-way; run it again once the server is back, and it carries on")
                }
                guard projection === began else {
                    throw DeskError(.ioFailure, "the server's configuration was reloaded while the import was written; run it again, and it carries on")
                }
                return try projection.acting(as: login) { desk in try desk.appendImported(make) }
            }
        }
        let writer = Thread { [self, job] in
            var response: Response
            do {
                let f = job.file
                let (plan, written) = try Importer.importAtOnce(f.format, input: f.input, mapping: f.mapping, zone: f.zone, target: job.target)
                response = Response(id: job.request.id, output: written == 0 ? "Nothing to write.\n"
                                        : "Imported \(plan.tickets) tickets (\(written) events) as batch \(plan.batch).\n")
            } catch {
                let e = (error as? ImportError).map { DeskError.usage($0.message) } ?? DeskError.from(error)
                response = Response(id: job.request.id, status: Int(e.status.rawValue), error: terminalSafe(e.message, lineBreaks: .space))
            }
            queue.async { [self, job, response] in finishImportWrite(job, response) }
        }
        writer.stackSize = 4 << 20
        writer.start()
    }

    /// The import's thread is done: its answer waits for the sync. Runs on `queue`.
    private func finishImportWrite(_ job: ImportJob, _ response: Response) {
        importWriting = false
        var answer = response
        // A sync that failed while the import wrote (anyone's) may have
        // lost some of its appends.
        if answer.status == WireStatus.ok, projection !== job.began.0 || projection.syncFailures != job.began.1 {
            answer = Response(id: job.request.id, status: WireStatus.outcomeUnknown,
                              error: "a sync of the journal failed while the import was written; some of it may not be on disk: run the import again, and it carries on")
        }
        if answer.status == WireStatus.ok, heldSince == nil { heldSince = job.began }
        hold(job.request, answer, reply: job.reply)
    }

    /// Starts the group's sync, unless one is running: then the group
    /// waits for it, and goes as soon as it is done (`synced`).
    private func flush() {
        flushQueued = false
        guard !syncing else { return }
        startSync()
    }

    /// One fdatasync for the group, off the request queue: requests keep
    /// executing while the disk works (as PostgreSQL's WAL writer does),
    /// and gather into the next group. Runs on `queue`.
    private func startSync() {
        guard !held.isEmpty else { return }
        let group = held
        held = []
        let since = heldSince
        heldSince = nil
        guard group.contains(where: { $0.appended }) else {
            // Reads only: what they saw was synced by the groups before
            // (one sync runs at a time, and none is running).
            for entry in group { entry.reply(entry.response) }
            return
        }
        syncing = true
        let p = projection
        if p.hasUpstream {
            // A shared store: the group's one COMMIT runs here, so the next
            // requests append in the next transaction, and a failed one is
            // repaired before any request runs on the projection.
            let started = DispatchTime.now().uptimeNanoseconds
            var syncError: DeskError? = nil
            do { try p.syncAppends() } catch { syncError = DeskError.from(error) }
            let millis = Int((DispatchTime.now().uptimeNanoseconds &- started) / 1_000_000)
            synced(group, since: since, error: syncError, millis: millis)
            return
        }
        syncQueue.async { [self] in
            let started = DispatchTime.now().uptimeNanoseconds
            var syncError: DeskError? = nil
            do { try p.syncAppends() } catch { syncError = DeskError.from(error) }
            let millis = Int((DispatchTime.now().uptimeNanoseconds &- started) / 1_000_000)
            queue.async { [self, syncError] in synced(group, since: since, error: syncError, millis: millis) }
        }
    }

    /// The group's sync is done: its answers go out. If it failed (or any
    /// sync since the group's first write failed, e.g. a screen's, which
    /// may have taken the group's files), no append of the group is
    /// acknowledged, nor any append executed since (it chains on them):
    /// each gets "outcome unknown" and its id is forgotten, so a resend is
    /// checked against the journal. Runs on `queue`.
    private func synced(_ group: [Held], since: (SharedProjection, Int)?, error: DeskError?, millis: Int) {
        syncing = false
        let appends = group.filter(\.appended).count
        var failure = error
        if failure == nil, let (p, failures) = since, p.syncFailures != failures {
            failure = DeskError(.outcomeUnknown, "a sync of the journal failed after these appends were written; they may or may not be on disk: resend them (same event ids)")
        }
        if let failure {
            logger.error("sync failed; \(appends) appends have an unknown outcome: \(terminalSafe(failure.message, lineBreaks: .space))")
        } else if millis >= Self.slowSyncMillis {
            logger.warning("slow sync", metadata: ["millis": "\(millis)", "appends": "\(appends)"])
        }
        var answer = group
        if failure != nil {
            // Appends executed while the failed sync ran are answered now too.
            answer += held.filter(\.appended)
            held.removeAll(where: \.appended)
            if held.isEmpty { heldSince = nil }
        }
        if failure != nil, projection.needsMatching {
            do {
                try projection.matchStore()
                logger.notice("the projection was replayed to match the shared store after the failed commit")
            } catch {
                logger.error("cannot match the projection to the shared store yet (each request tries again): \(terminalSafe(error.message, lineBreaks: .space))")
            }
        }
        for entry in answer {
            guard let failure, entry.appended else {
                entry.reply(entry.response)
                continue
            }
            if let id = entry.eventId { written[id] = nil }
            entry.reply(Response(id: entry.response.id, status: Int(ExitStatus.outcomeUnknown.rawValue), error: terminalSafe(failure.message, lineBreaks: .space)))
        }
        // Then every terminal's front desk shows the new events, one
        // screen per turn of the queue (a burst of appends marks each
        // screen stale once).
        if failure == nil, !screens.isEmpty {
            screens.pushAll(projection: projection)
        }
        // The next group waited for this sync; a flush still queued
        // gathers the requests queued behind it first.
        if !flushQueued { startSync() }
    }

    /// Refuses new requests, then waits for those already queued and for
    /// their sync: every append executed is synced (or reported) before
    /// the server exits.
    public func drain() {
        queue.sync {
            draining = true
            screenTicker?.cancel()
            // Unsaved drafts stay on disk for the next sessions; the
            // terminals keep theirs and reconnect.
            screens.closeAll()
        }
        // A group's flush is queued behind its requests, and its sync runs
        // on `syncQueue`: wait until both have answered. An import being
        // written stops at its next append and answers.
        while queue.sync(execute: { syncing || flushQueued || !held.isEmpty || importWriting }) {
            usleep(1000)
        }
    }

    /// Whether `login` may connect, and as what. This does not wait for the
    /// queue (it runs on the event loop, which a long request must not
    /// stall): it reads the configuration last installed.
    public func profile(_ login: String) -> UserProfile? { configLock.withLock { configInUse.user(login) } }

    public let dataDirectory: DataDirectory

    /// Why a login the configuration does not know is refused.
    public func notSetUp(_ login: String) -> String {
        "user \"\(login)\" is not set up in \(dataDirectory.configPath); ask a supervisor to add a [users.\(login)] table with a role (agent, team-leader or supervisor)"
    }

    /// SIGHUP: re-reads bscdesk.toml with the start-up checks. A good file
    /// replaces the configuration and the projection (a full replay: the
    /// queues and their restrictions may have changed); a bad one is
    /// refused with a log line and the configuration in use is kept.
    public func reloadConfiguration(why: String) {
        queue.sync {
            do throws(DeskError) {
                try replaceProjection()
                logger.notice("\(why): reloaded \(dataDirectory.configPath)", metadata: ["users": "\(configInUse.users.count)"])
            } catch {
                logger.error("\(why): \(dataDirectory.configPath) refused, the configuration in use is kept: \(terminalSafe(error.message, lineBreaks: .space))")
            }
        }
    }

    /// A new projection under the configuration on disk. Runs on `queue`.
    private func replaceProjection() throws(DeskError) {
        if projection.isShared {
            throw .config("servers sharing a store (--store) run one configuration: change it on every server and restart them")
        }
        // What the old engine appended is synced before it goes.
        try projection.syncAppends()
        let fresh = try SharedProjection(data: dataDirectory)
        for issue in fresh.loadIssues.prefix(5) { logger.warning("skipped damaged journal line \(terminalSafe(String(describing: issue)))") }
        projection = fresh
        configLock.withLock { configInUse = fresh.config }
    }

    func execute(_ request: Request, login: String) -> Response {
        if draining {
            return Response(id: request.id, status: WireStatus.ioFailure, error: "the server is stopping; nothing was saved: run the command again once it is back")
        }
        if let id = request.eventId {
            guard request.appends else {
                return Response(id: request.id, status: WireStatus.usage, error: "\(request.command.rawValue) writes nothing: drop the event id")
            }
            guard EventIds.isValid(id) else {
                return Response(id: request.id, status: WireStatus.usage, error: "bad event id: use 32 lowercase hex digits")
            }
            if let prior = written[id] {
                guard prior.login == login else {
                    return Response(id: request.id, status: WireStatus.refused, error: "event id \(id) was already used by another request: make a new one")
                }
                logger.info("resent request answered from its first write", metadata: ["login": "\(login)", "event": "\(id)"])
                var r = prior.response
                r.id = request.id
                return r
            }
            if let saved = journalIds[id] {
                guard saved.user == login else {
                    return Response(id: request.id, status: WireStatus.refused, error: "event id \(id) was already used by another request: make a new one")
                }
                // Written before this server started: its first answer is
                // gone, but the event is in the journal; append nothing.
                logger.info("resent request found in the journal", metadata: ["login": "\(login)", "event": "\(id)"])
                return Response(id: request.id, output: request.command == .log ? "\(saved.ref)\n" : "",
                                warnings: ["note: this request was resent after the server restarted; it was saved before (seq \(saved.seq)) and is not written again"])
            }
        }
        if projection.hasUpstream {
            // Another server may have appended: catch up first. A resent
            // append whose first answer was lost with a server or a
            // database (failover) is answered from the store.
            do {
                if request.appends, let id = request.eventId, let stored = try projection.storedEvent(id: id) {
                    logger.info("resent request found in the shared store", metadata: ["login": "\(login)", "event": "\(id)", "seq": "\(stored.seq)"])
                    return Response(id: request.id, output: request.command == .log ? stored.ref.description + "\n" : "", warnings: [])
                }
                try projection.catchUpWithUpstream()
            } catch {
                let e = DeskError.from(error)
                return Response(id: request.id, status: Int(e.status.rawValue), error: terminalSafe(e.message, lineBreaks: .space))
            }
        }
        var response: Response
        do {
            let out = try projection.acting(as: login, firstEventId: request.appends ? request.eventId : nil) { desk -> CommandOutput in
                var out = try Self.run(request, desk: desk)
                out.warnings += desk.notices.map { "note: " + $0 }
                return out
            }
            response = Response(id: request.id, status: Int(out.finding?.status ?? 0), output: out.output, warnings: out.warnings,
                                error: out.finding?.message, files: out.files.isEmpty ? nil : out.files, tickets: out.tickets, figures: out.figures)
        } catch {
            let e = DeskError.from(error)
            response = Response(id: request.id, status: Int(e.status.rawValue), error: terminalSafe(e.message, lineBreaks: .space))
        }
        if response.status == WireStatus.ok, request.command == .erase || request.command == .retention, request.appends {
            // Shredded tickets are still decrypted in the projection:
            // replay it, so no answer shows them again.
            do {
                try projection.reload()
                logger.info("erasure applied; projection reloaded", metadata: ["login": "\(login)"])
            } catch {
                logger.error("erasure applied, but reloading the projection failed: \(terminalSafe(error.message, lineBreaks: .space)); restart the server")
            }
        }
        if response.status == WireStatus.ok, request.command == .config, request.appends {
            do {
                try replaceProjection()
                logger.notice("configuration changed by \(terminalSafe(login)): \(terminalSafe(request.config?.key ?? "the whole file (config edit)"))")
            } catch {
                logger.error("configuration changed by \(terminalSafe(login)), but reloading it failed: \(terminalSafe(error.message, lineBreaks: .space)); send SIGHUP or restart")
                response.warnings.append("the file was changed, but the server could not load it (\(terminalSafe(error.message, lineBreaks: .space))); it keeps the configuration it had")
            }
        }
        if response.status == WireStatus.ok, request.command == .migrate, request.migrate?.dryRun == false, !projection.isShared {
            // The journal's files were swapped under the store: open the
            // new ones and replay them.
            do {
                try replaceProjection()
                logger.notice("journal migrated by \(terminalSafe(login)); projection rebuilt")
            } catch {
                logger.error("journal migrated by \(terminalSafe(login)), but rebuilding the projection failed: \(terminalSafe(error.message, lineBreaks: .space)); restart the server")
                response.warnings.append("the journal was migrated, but the server could not reload it (\(terminalSafe(error.message, lineBreaks: .space))); restart the server")
            }
        }
        if response.status == WireStatus.ok, request.appends, let id = request.eventId {
            written[id] = (login, response)
            writtenOrder.append(id)
            if writtenOrder.count > rememberedIds {
                let drop = writtenOrder.count - rememberedIds
                for old in writtenOrder.prefix(drop) { written[old] = nil }
                writtenOrder.removeFirst(drop)
            }
        }
        return response
    }

    static func run(_ r: Request, desk: Desk) throws -> CommandOutput {
        func missing() -> DeskError { .usage("a \(r.command.rawValue) request without its \(r.command.rawValue) arguments") }
        func need<A>(_ a: A?) throws -> A {
            guard let a else { throw missing() }
            return a
        }
        switch r.command {
        case .log: return try DeskCommands.log(need(r.log), desk: desk)
        case .list: return try DeskCommands.list(need(r.list), desk: desk)
        case .show: return try DeskCommands.show(need(r.show), desk: desk)
        case .note: return try DeskCommands.note(need(r.note), desk: desk)
        case .resolve: return try DeskCommands.resolve(need(r.resolve), desk: desk)
        case .stats: return try DeskCommands.stats(need(r.stats), desk: desk)
        case .contact: return try DeskCommands.contact(need(r.contact), desk: desk)
        case .edit: return try DeskCommands.edit(need(r.edit), desk: desk)
        case .route: return try DeskCommands.route(need(r.route), desk: desk)
        case .assign: return try DeskCommands.assign(need(r.assign), desk: desk)
        case .pending: return try DeskCommands.pending(need(r.pending), desk: desk)
        case .resume: return try DeskCommands.resume(need(r.resume), desk: desk)
        case .reopen: return try DeskCommands.reopen(need(r.reopen), desk: desk)
        case .close: return try DeskCommands.close(need(r.close), desk: desk)
        case .feedback: return try DeskCommands.feedback(need(r.feedback), desk: desk)
        case .verifyIdentity: return try DeskCommands.verifyIdentity(need(r.verifyIdentity), desk: desk)
        case .callback: return try DeskCommands.callback(need(r.callback), desk: desk)
        case .return: return try DeskCommands.returnToFrontDesk(need(r.return), desk: desk)
        case .merge: return try DeskCommands.merge(need(r.merge), desk: desk)
        case .link: return try DeskCommands.link(need(r.link), desk: desk)
        case .triage: return try DeskCommands.triage(need(r.triage), desk: desk)
        case .board: return try DeskCommands.board(need(r.board), desk: desk)
        case .export: return try DeskCommands.export(need(r.export), desk: desk)
        case .sar: return try DeskCommands.sar(need(r.sar), desk: desk)
        case .erase: return try DeskCommands.erase(need(r.erase), desk: desk)
        case .retention: return try DeskCommands.retention(need(r.retention), desk: desk)
        case .config: return try DeskCommands.config(need(r.config), desk: desk)
        case .verify: return try DeskCommands.verify(need(r.verify), desk: desk)
        case .doctor: return try DeskCommands.doctor(need(r.doctor), desk: desk)
        case .categories: return try DeskCommands.categories(need(r.categories), desk: desk)
        case .migrate: return try DeskCommands.migrate(need(r.migrate), desk: desk)
        case .import: return try DeskCommands.importHistory(need(r.import), desk: desk)
        }
    }
}
