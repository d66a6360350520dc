import BSCApp
import BSCCore
import BSCProtocol
import BSCUI
import Foundation
import Logging
import Testing
@testable import BSCServer

/// The server's side of remote screens, on a real data directory: keys in,
/// frames and drafts out, a save on one terminal pushed to another, and
/// drafts per terminal (a kept draft restored; another terminal's never
/// taken while it runs).
@Suite("Screen sessions on the server")
struct ScreenSessionsTests {
    /// Everything the server sent one terminal, and that terminal's screen.
    final class Terminal: @unchecked Sendable {
        var messages: [BSCProtocol.Message] = []
        var screen = CellGrid(width: 0, height: 0)
        var frames: [ScreenFrame] { messages.compactMap { if case .frame(let f) = $0 { f } else { nil } } }
        var drafts: [ScreenDraft] { messages.compactMap { if case .draft(let d) = $0 { d } else { nil } } }
        var text: String { screen.rows().joined(separator: "\n") }
        func send(_ m: BSCProtocol.Message) {
            messages.append(m)
            if case .frame(let f) = m { ScreenWire.apply(f, to: &screen) }
        }
        var id: ObjectIdentifier { ObjectIdentifier(self) }
    }

    final class World {
        let root: String
        let data: DataDirectory
        let projection: SharedProjection
        let sessions = ScreenSessions(logger: Logger(label: "test"))

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("screens-" + UUID().uuidString).path
            data = DataDirectory(path: root + "/desk", source: "test")
            try data.create(firstSupervisor: "sup")
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: data.configPath))
            h.seekToEndOfFile()
            h.write("""

            [users.ann]
            role = "agent"
            queues = ["customer-services"]

            [users.bob]
            role = "agent"
            queues = ["customer-services"]

            """.data(using: .utf8)!)
            try h.close()
            projection = try SharedProjection(data: data)
        }

        deinit {
            sessions.closeAll()
            try? FileManager.default.removeItem(atPath: root)
        }

        func open(_ login: String, draft: CallDraft? = nil, draftId: String? = nil) -> Terminal {
            let t = Terminal()
            let open = ScreenOpen(width: 100, height: 30, draft: draft.map { String(decoding: $0.encoded(), as: UTF8.self) }, draftId: draftId)
            sessions.open(open, connection: t.id, login: login, projection: projection, send: { t.send($0) })
            return t
        }

        func press(_ t: Terminal, _ keys: [Key]) {
            sessions.keys(keys.compactMap(ScreenWire.wire), connection: t.id, projection: projection)
        }

        func type(_ t: Terminal, _ text: String) { press(t, text.map { .char($0) }) }

        func draftFiles(_ login: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: data.draftsPath)) ?? []).filter { $0.hasPrefix(login + ".") && $0.hasSuffix(".json") }
        }
    }

    @Test func typingComesBackAsASmallDiffAndTheDraftIsMirrored() throws {
        let w = try World()
        let ann = w.open("ann")
        try #require(ann.frames.count == 1)
        #expect(ann.frames[0].full)
        #expect(ann.text.contains("Log a call"))
        #expect(ann.text.contains("ann/agent"))

        w.type(ann, "Jo Bloggs")
        let typed = ann.frames.dropFirst()
        #expect(typed.count == 1, "one batch of keys, one frame")
        #expect(typed.allSatisfy { !$0.full })
        let cells = typed.flatMap(\.runs).reduce(0) { $0 + $1.text.count }
        #expect(cells < 100 * 30 / 4, "a diff, not the screen: \(cells) cells")
        #expect(ann.text.contains("Jo Bloggs"))
        let mirrored = try #require(ann.drafts.last?.draft.flatMap { CallDraft.decode(Array($0.utf8)) })
        #expect(mirrored.callerName == "Jo Bloggs")
        // The server keeps the draft too, as this login's and this terminal's.
        #expect(w.draftFiles("ann") == ["ann.\(ann.drafts.last!.draftId).json"])
    }

    @Test func aCallSavedOnOneTerminalShowsOnAnothersListWithoutAKey() throws {
        let w = try World()
        let ann = w.open("ann")
        let bob = w.open("bob")
        w.press(bob, [.function(3)])
        #expect(!bob.text.contains("BSC-000001"))
        let bobFrames = bob.frames.count

        w.type(ann, "Jo Bloggs")
        w.press(ann, [.tab, .tab, .tab])
        w.type(ann, "cs.general-enquiry")
        w.press(ann, [.tab])
        w.type(ann, "Where is my payslip")
        w.press(ann, [.function(5)])
        #expect(ann.text.contains("Saved BSC-000001"), "\(ann.text)")
        #expect(ann.drafts.last?.draft == nil, "the saved call's draft is withdrawn")
        #expect(w.draftFiles("ann").isEmpty)

        #expect(bob.frames.count > bobFrames, "pushed to bob")
        #expect(bob.text.contains("BSC-000001"), "\(bob.text)")
        #expect(bob.text.contains("Jo Bloggs"))
    }

    @Test func aDraftTheTerminalKeptIsRestoredIntoTheCallForm() throws {
        let w = try World()
        var kept = CallDraft()
        kept.callerName = "Kept Caller"
        kept.summary = "typed while the server was away"
        let ann = w.open("ann", draft: kept, draftId: "sdeadbeef")
        #expect(ann.text.contains("Kept Caller"), "\(ann.text)")
        #expect(ann.text.contains("draft restored"))
        // It is now this session's draft, under its own id; the old id is gone.
        let own = try #require(ann.drafts.last)
        #expect(own.draftId != "sdeadbeef")
        #expect(own.draft.flatMap { CallDraft.decode(Array($0.utf8)) }?.callerName == "Kept Caller")
        #expect(w.draftFiles("ann") == ["ann.\(own.draftId).json"])
    }

    @Test func aRunningTerminalsDraftIsNeverOfferedToAnotherButAGoneOnesIs() throws {
        let w = try World()
        let first = w.open("ann")
        w.type(first, "Alpha Caller")
        let second = w.open("ann")
        #expect(!second.text.contains("Alpha Caller"), "taken from a terminal still typing")
        #expect(!second.text.contains("draft restored"))

        w.sessions.close(connection: first.id)
        let third = w.open("ann")
        #expect(third.text.contains("Alpha Caller"))
        #expect(third.text.contains("draft restored"))
    }

    @Test func quittingClosesTheScreen() throws {
        let w = try World()
        let ann = w.open("ann")
        w.press(ann, [.ctrl("c")])
        #expect(ann.messages.last == .screenClosed(ScreenClosed()))
        #expect(w.sessions.isEmpty)
    }

    @Test func anImpossibleSizeIsRefusedWithAReason() throws {
        let w = try World()
        let t = Terminal()
        w.sessions.open(ScreenOpen(width: 0, height: 24), connection: t.id, login: "ann", projection: w.projection, send: { t.send($0) })
        guard case .screenClosed(let c)? = t.messages.last else { Issue.record("not closed: \(t.messages)"); return }
        #expect(c.message?.contains("width 1–1000") == true)
        #expect(w.sessions.isEmpty)
    }
}

/// The FCR dashboard's export on the server: the content goes to the
/// terminal, which writes it; the server writes nothing at the path.
@Suite("Screen effects on the server")
struct RemoteEffectsTests {
    @Test func anExportIsSentToTheTerminalAndNeverWrittenByTheServer() throws {
        let w = try ScreenSessionsTests.World()
        let desk = try w.projection.makeDesk(for: "sup")
        let session = DeskSession(desk: desk, drafts: nil)
        var sent: [ScreenFile] = []
        let path = w.root + "/fcr-by-client.csv"
        let message = w.projection.lending(to: desk) {
            RemoteEffects(session: session, deliver: { sent.append($0) })
                .perform(.exportMetrics(period: "2026-11", breakdowns: [], path: path))
        }
        #expect(message?.kind == .info, "\(String(describing: message))")
        let file = try #require(sent.first)
        #expect(file.path == path)
        #expect(file.files.map(\.suffix) == ["", ".definitions.md"])
        #expect(file.files[0].content.contains("overall"), "the figures: \(file.files[0].content.prefix(200))")
        #expect(access(path, F_OK) != 0, "the server opened the client's path")
    }
}

/// The live board on the server: the figures are computed once per append
/// for every screen showing it, yet each login sees only what
/// `boardAsSeen` allows it.
@Suite("Remote boards share one set of figures")
struct RemoteBoardSharingTests {
    typealias World = ScreenSessionsTests.World

    func computations(_ w: World) throws -> Int {
        try w.projection.acting(as: "sup") { $0.boardCache.computations }
    }

    func saveCall(_ w: World, _ t: ScreenSessionsTests.Terminal, caller: String) {
        w.type(t, caller)
        w.press(t, [.tab, .tab, .tab])
        w.type(t, "cs.general-enquiry")
        w.press(t, [.tab])
        w.type(t, "Where is my payslip")
        w.press(t, [.function(5)])
    }

    @Test func nineBoardsAfterOneAppendCostOneComputation() throws {
        let w = try World()
        let ann = w.open("ann")
        let boards = (0..<9).map { i in w.open(["sup", "bob", "ann"][i % 3]) }
        for b in boards { w.press(b, [.function(11)]) }
        let before = try computations(w)
        let framesBefore = boards.map { $0.frames.count }

        saveCall(w, ann, caller: "Jo Bloggs")
        #expect(ann.text.contains("Saved BSC-000001"), "\(ann.text)")

        let after = try computations(w)
        // One; two only if the wall clock's minute turned during the test.
        #expect(after - before >= 1 && after - before <= 2, "\(after - before) computations for 9 boards")
        for (b, n) in zip(boards, framesBefore) { #expect(b.frames.count > n, "every board redrawn without a key") }
    }

    @Test func anAgentsBoardShowsOnlyTheirOwnRowThoughTheFiguresAreShared() throws {
        let w = try World()
        let ann = w.open("ann")
        let sup = w.open("sup")
        let bob = w.open("bob")
        w.press(sup, [.function(11)])
        w.press(bob, [.function(11)])
        saveCall(w, ann, caller: "Jo Bloggs")
        #expect(ann.text.contains("Saved BSC-000001"), "\(ann.text)")

        #expect(sup.text.contains(" ann "), "a supervisor sees every agent's row: \(sup.text)")
        #expect(!bob.text.contains(" ann "), "an agent sees only their own row: \(bob.text)")
        #expect(bob.text.contains(" bob "), "\(bob.text)")
        // The board carries no personal content for any login.
        #expect(!sup.text.contains("Jo Bloggs") && !bob.text.contains("Jo Bloggs"))
    }
}
