import BSCApp
import BSCCore
import BSCProtocol
import BSCUI
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One terminal's front desk, run on the server: the same screens as the
/// in-process desk (`FrontDeskTabs.root`), over a desk acting for the
/// peer's login that is lent the shared projection for each step. The
/// terminal is sent what changed on screen and the call form's draft.
final class ScreenSession {
    let login: String
    let send: @Sendable (BSCProtocol.Message) -> Void
    /// The projection this session's desk was made on: a new one (the
    /// configuration changed) means a new desk.
    let projection: SharedProjection
    let desk: Desk
    let deskSession: DeskSession
    let drafts: DraftStore
    let draftId: String
    var app: UIApp
    /// What the terminal shows (nil: nothing yet, the next frame is full).
    var shown: CellGrid?
    /// The draft last sent to the terminal.
    var mirrored: CallDraft?

    init(login: String, size: Size, unicode: Bool, board: ScreenBoard? = nil, projection: SharedProjection, send: @escaping @Sendable (BSCProtocol.Message) -> Void) throws(DeskError) {
        self.login = login
        self.send = send
        self.projection = projection
        desk = try projection.makeDesk(for: login)
        draftId = ScreenSessions.newDraftId()
        // This terminal's own draft in the server's data directory; drafts
        // of this login's terminals that are gone are offered by the form.
        drafts = DraftStore(directory: projection.data.draftsPath, login: login, terminal: draftId)
        deskSession = DeskSession(desk: desk, drafts: drafts)
        let (desk, deskSession) = (desk, deskSession)
        app = projection.lending(to: desk) {
            // `bscdesk board` asks for the board alone, as a wall screen.
            let root: any Screen = board.map { BoardScreen(desk: desk, environment: [:], now: desk.now(), wallboard: !$0.detailed, teamOnly: $0.team) }
                ?? FrontDeskTabs.root(session: deskSession)
            return UIApp(root: root, size: size, now: desk.now(), unicode: unicode)
        }
        app.effects = RemoteEffects(session: deskSession, deliver: { send(.file($0)) })
    }

    /// Gives up the draft's claim: an unsaved draft stays on disk and the
    /// login's next session offers it.
    func close() {
        drafts.flush()
        drafts.close()
    }
}

/// The screen sessions of every connected terminal. Used on the request
/// queue only, like the projection.
final class ScreenSessions {
    private var sessions: [ObjectIdentifier: ScreenSession] = [:]
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var isEmpty: Bool { sessions.isEmpty }
    var count: Int { sessions.count }

    static func newDraftId() -> String {
        var g = SystemRandomNumberGenerator()
        let v: UInt64 = g.next()
        let s = String(v, radix: 16)
        return "s" + String(repeating: "0", count: 16 - s.count) + s
    }

    /// Largest screen accepted: anything bigger is a broken or hostile
    /// client, and each cell costs memory here.
    static let maxWidth = 1000, maxHeight = 500

    /// Starts the front desk for a connection. A draft the terminal kept
    /// while the server was away is first put back as an unsaved draft of
    /// this login (replacing the server's older copy of the same draft),
    /// so the call form restores it as it restores a crashed session's.
    func open(_ m: ScreenOpen, connection: ObjectIdentifier, login: String, projection: SharedProjection,
              send: @escaping @Sendable (BSCProtocol.Message) -> Void) {
        if let old = sessions.removeValue(forKey: connection) { old.close() }
        guard (1...Self.maxWidth).contains(m.width), (1...Self.maxHeight).contains(m.height) else {
            send(.screenClosed(ScreenClosed(message: "a screen of \(m.width)×\(m.height) is not possible: width 1–\(Self.maxWidth), height 1–\(Self.maxHeight)")))
            return
        }
        if let text = m.draft, text.utf8.count <= 1 << 20, let draft = CallDraft.decode(Array(text.utf8)), !draft.isBlank {
            let id = m.draftId.flatMap { DraftIds.isValid($0) ? $0 : nil } ?? Self.newDraftId()
            let keeper = DraftStore(directory: projection.data.draftsPath, login: login, terminal: id, interval: 0)
            keeper.update(draft, now: wallNow())
            keeper.close()
            logger.info("screen: restoring the draft a terminal kept while the server was away", metadata: ["login": "\(terminalSafe(login))", "draft": "\(id)"])
        }
        do {
            let s = try ScreenSession(login: login, size: Size(width: m.width, height: m.height), unicode: m.unicode, board: m.board, projection: projection, send: send)
            sessions[connection] = s
            logger.info(m.board == nil ? "screen opened" : "board screen opened", metadata: ["login": "\(terminalSafe(login))", "size": "\(m.width)x\(m.height)", "draft": "\(s.draftId)"])
            publish(s)
        } catch {
            send(.screenClosed(ScreenClosed(message: terminalSafe(error.message, lineBreaks: .space))))
        }
    }

    func keys(_ keys: [WireKey], connection: ObjectIdentifier, projection: SharedProjection) {
        step(connection, projection) { app in
            for k in keys {
                guard let key = ScreenWire.key(k) else { continue }
                app.handle(key)
                if app.isFinished { break }
            }
        }
    }

    func resize(_ m: ScreenResize, connection: ObjectIdentifier, projection: SharedProjection) {
        guard (1...Self.maxWidth).contains(m.width), (1...Self.maxHeight).contains(m.height) else { return }
        step(connection, projection) { app in
            app.resize(to: Size(width: m.width, height: m.height))
            app.handle(.resize)
        }
    }

    /// The connection is gone: its draft stays for the login's next session.
    func close(connection: ObjectIdentifier) {
        guard let s = sessions.removeValue(forKey: connection) else { return }
        s.close()
        logger.info("screen closed", metadata: ["login": "\(terminalSafe(s.login))"])
    }

    /// The server stops: every draft written, every claim given up.
    func closeAll() {
        for s in sessions.values { s.close() }
        sessions = [:]
    }

    /// Advances every screen's clock (timers, call-backs due, the live
    /// board's minute) and sends what changed. A screen is drawn only when
    /// its tick says it changed, as the in-process loop does; stale screens
    /// wait for their own turn.
    func tick(projection: SharedProjection) {
        let now = wallNow()
        for (connection, s) in sessions where !staleSet.contains(connection) {
            guard let s = current(connection, s, projection) else { continue }
            let changed = projection.lending(to: s.desk) { s.app.tick(now: now) }
            if changed { publish(s) }
        }
    }

    /// Screens still to show the latest appends, oldest first.
    private var stale: [ObjectIdentifier] = []
    private var staleSet: Set<ObjectIdentifier> = []
    /// Called when screens became stale: the executor then updates them
    /// one per turn of its queue (`updateOneStale`), so a request waits
    /// for one screen's redraw at most, never for all of them. Without
    /// it, every stale screen is updated at once.
    var onStale: (() -> Void)?

    /// After an append by anyone: every other screen shows it soon, not at
    /// its next tick (a tick is where the board recomputes its figures).
    func pushAll(projection: SharedProjection, except skipped: ObjectIdentifier? = nil) {
        for connection in sessions.keys where connection != skipped && staleSet.insert(connection).inserted {
            stale.append(connection)
        }
        guard !stale.isEmpty else { return }
        if let onStale {
            onStale()
        } else {
            while updateOneStale(projection: projection) {}
        }
    }

    /// Brings the oldest stale screen up to date; true while more wait.
    func updateOneStale(projection: SharedProjection) -> Bool {
        while !stale.isEmpty {
            let connection = stale.removeFirst()
            staleSet.remove(connection)
            guard let found = sessions[connection], let s = current(connection, found, projection) else { continue }
            projection.lending(to: s.desk) { _ = s.app.tick(now: wallNow()) }
            publish(s)
            break
        }
        return !stale.isEmpty
    }

    /// Runs one step of a session's app, then syncs what it appended (a
    /// saved call is on disk before the frame saying so is sent), sends
    /// the frame and draft, and shows the append on every other screen.
    private func step(_ connection: ObjectIdentifier, _ projection: SharedProjection, _ body: (inout UIApp) -> Void) {
        guard let found = sessions[connection], let s = current(connection, found, projection) else { return }
        projection.lending(to: s.desk) { body(&s.app) }
        var synced = 0
        do {
            synced = try projection.syncAppends()
        } catch {
            logger.error("screen: sync failed; what the last keys saved has an unknown outcome: \(terminalSafe(error.message, lineBreaks: .space))")
        }
        if s.app.isFinished {
            sessions[connection] = nil
            s.close()
            s.send(.screenClosed(ScreenClosed()))
            logger.info("screen quit", metadata: ["login": "\(terminalSafe(s.login))"])
        } else {
            publish(s)
        }
        if synced > 0 { pushAll(projection: projection, except: connection) }
    }

    /// The session, rebuilt on the projection in use if the configuration
    /// changed since it opened (its unsaved draft carries over: the new
    /// session offers it as any gone session's); nil if its login was
    /// removed.
    private func current(_ connection: ObjectIdentifier, _ s: ScreenSession, _ projection: SharedProjection) -> ScreenSession? {
        guard s.projection !== projection else { return s }
        s.close()
        do {
            let fresh = try ScreenSession(login: s.login, size: s.app.size, unicode: s.app.unicode, projection: projection, send: s.send)
            sessions[connection] = fresh
            return fresh
        } catch {
            sessions[connection] = nil
            s.send(.screenClosed(ScreenClosed(message: terminalSafe(error.message, lineBreaks: .space))))
            return nil
        }
    }

    /// Renders the session's screen and sends the difference from what its
    /// terminal shows, and the draft if it changed.
    private func publish(_ s: ScreenSession) {
        let grid = s.projection.lending(to: s.desk) { s.app.render() }
        if s.app.needsFullRepaint {
            s.app.needsFullRepaint = false
            s.shown = nil
        }
        let frame = ScreenWire.frame(grid, from: s.shown)
        if !ScreenWire.isEmpty(frame, comparedTo: s.shown) { s.send(.frame(frame)) }
        s.shown = grid
        let latest = s.drafts.latest
        if latest != s.mirrored {
            s.mirrored = latest
            s.send(.draft(ScreenDraft(draftId: s.draftId, draft: latest.map { String(decoding: $0.encoded(), as: UTF8.self) })))
        }
    }
}

/// The front desk's effects on the server: a view is recorded here (as
/// the person's login); an export's content is sent to the terminal,
/// which writes it as its own user (the server never opens a path a
/// client names).
struct RemoteEffects: EffectRunner {
    let session: DeskSession
    let deliver: (ScreenFile) -> Void

    func perform(_ effect: ScreenEffect) -> BSCUI.Message? {
        switch effect {
        case .recordView:
            return DeskEffects(session: session).perform(effect)
        case .exportMetrics(let period, let by, let path):
            let desk = session.desk
            do {
                let report = try desk.metricsReport(try desk.metricsQuery(period: period, from: nil, to: nil, by: by, series: nil))
                let name = path.split(separator: "/").last.map(String.init) ?? path
                let sidecar = String(Desk.sidecarPath(forCSV: path).dropFirst(path.count))
                deliver(ScreenFile(path: path, files: [
                    OutputFile(suffix: "", content: desk.renderMetrics(report, format: .csv)),
                    OutputFile(suffix: sidecar, content: MetricsOutput.csvSidecar(report, csvName: name, zone: desk.zone)),
                ]))
                return BSCUI.Message(.info, "exporting: your terminal writes \(terminalSafe(path)) (definitions beside it)")
            } catch {
                return BSCUI.Message(.error, error.message)
            }
        }
    }
}

func wallNow() -> Instant {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Instant(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
}
