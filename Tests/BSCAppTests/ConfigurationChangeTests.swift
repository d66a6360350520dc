import BSCCore
import BSCTestSupport
import Foundation
import Testing
@testable import BSCApp

/// `config edit`'s whole-file replacement: validated by the start-up
/// loader, refused when the file moved on meanwhile, and recorded as one
/// `config.changed` per changed value, with no person's name.
@Suite final class ConfigurationChangeTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-configchange-" + UUID().uuidString).path

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func desk(_ user: String = "sup") throws -> Desk {
        let d = try Desk.open(dataOption: dir, environment: ["BSCDESK_USER": user, "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                              clock: ManualClock(Instant(millis: 1_795_512_600_000)), ids: SequentialIds(prefix: user + "-"))
        try d.load()
        return d
    }

    /// The `config.changed` lines of the journal, as written.
    func changedEvents(_ d: Desk) throws -> [(key: String, from: String?, to: String?)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: d.data.journalPath).filter { $0.hasSuffix(".jsonl") }.sorted()
        var out: [(key: String, from: String?, to: String?)] = []
        for f in files {
            let text = try String(contentsOfFile: d.data.journalPath + "/" + f, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard obj["type"] as? String == "config.changed" else { continue }
                out.append((obj["field"] as? String ?? "?", obj["from"] as? String, obj["to"] as? String))
            }
        }
        return out
    }

    @Test func anEditIsRecordedValueByValueWithoutNames() throws {
        let d = try desk()
        let base = try d.configurationText()
        let edited = base.replacingOccurrences(of: "at_risk_share = 0.75", with: "at_risk_share = 0.8")
            + "\n[users.jsmith]\nname = \"Jo Smith\"\nrole = \"agent\"\nqueues = [\"payroll\"]\n"
        #expect(edited != base + "\n[users.jsmith]\nname = \"Jo Smith\"\nrole = \"agent\"\nqueues = [\"payroll\"]\n", "the fixture changes at_risk_share")
        let changes = try d.replaceConfiguration(with: edited, editedFrom: base)
        #expect(changes.map(\.key) == ["desk.at_risk_share", "users.jsmith.name", "users.jsmith.queues", "users.jsmith.role"])
        #expect(try String(contentsOfFile: d.data.configPath, encoding: .utf8) == edited)
        let events = try changedEvents(d)
        #expect(events.map(\.key) == changes.map(\.key))
        let share = try #require(events.first)
        #expect(share.from == "0.75" && share.to == "0.8")
        let name = try #require(events.first { $0.key == "users.jsmith.name" })
        #expect(name.from == nil && name.to == nil, "a person's name is not repeated in the journal")
        #expect(try desk("jsmith").profile.role == .agent)
    }

    @Test func anEditThatChangesNothingWritesNothing() throws {
        let d = try desk()
        let base = try d.configurationText()
        #expect(try d.replaceConfiguration(with: base + "\n# a comment\n", editedFrom: base).isEmpty)
        #expect(try String(contentsOfFile: d.data.configPath, encoding: .utf8) == base)
        #expect(try changedEvents(d).isEmpty)
    }

    @Test func aBadEditIsRefusedWithTheLoadersLineAndNothingWritten() throws {
        let d = try desk()
        let base = try d.configurationText()
        let bad = base + "\n[users.eve]\nname = \"Eve\"\nrole = \"overlord\"\nqueues = []\n"
        #expect {
            _ = try d.replaceConfiguration(with: bad, editedFrom: base)
        } throws: { error in
            let e = error as? DeskError
            return e?.status == .configuration && e?.message.contains("overlord") == true
        }
        #expect(try String(contentsOfFile: d.data.configPath, encoding: .utf8) == base)
        #expect(try changedEvents(d).isEmpty)
    }

    @Test func anEditOfAFileThatMovedOnIsRefused() throws {
        let d = try desk()
        let base = try d.configurationText()
        _ = try d.changeConfiguration("targets.fcr", to: "80")
        let now = try String(contentsOfFile: d.data.configPath, encoding: .utf8)
        #expect {
            _ = try d.replaceConfiguration(with: base.replacingOccurrences(of: "at_risk_share = 0.75", with: "at_risk_share = 0.8"), editedFrom: base)
        } throws: { error in
            (error as? DeskError)?.status == .refused
        }
        #expect(try String(contentsOfFile: d.data.configPath, encoding: .utf8) == now, "the other change is kept")
    }

    @Test func agentsMayNotEdit() throws {
        let d = try desk()
        let base = try d.configurationText()
        _ = try d.replaceConfiguration(with: base + "\n[users.ann]\nname = \"Ann\"\nrole = \"agent\"\nqueues = [\"customer-services\"]\n", editedFrom: base)
        let ann = try desk("ann")
        #expect(throws: DeskError.self) { _ = try ann.replaceConfiguration(with: base, editedFrom: base) }
    }
}
