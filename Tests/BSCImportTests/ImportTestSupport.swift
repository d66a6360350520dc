import BSCApp
import BSCCore
import BSCImport
import Foundation

/// A desk in a temporary directory: `sup` is its supervisor; the clock
/// stands in late 2026, long after the imported history.
func makeImportDesk(login: String = "sup", data: String? = nil) throws -> Desk {
    let dir = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("bscdesk-import-" + UUID().uuidString).path
    let desk = try Desk.open(dataOption: dir, environment: ["BSCDESK_USER": login, "BSCDESK_SYSTEM_CONFIG": "/nonexistent"],
                             clock: FixedClock(Timestamp.parse("2026-11-30T12:00:00.000Z")!), ids: SequentialIds())
    try desk.load()
    return desk
}

struct FixedClock: Clock {
    let at: Instant
    init(_ at: Instant) { self.at = at }
    func now() -> Instant { at }
}

/// A file of the fixtures folder beside this source file.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

func fixtureMapping(_ name: String, desk: Desk) throws -> ImportMapping {
    let text = try String(contentsOfFile: fixturePath(name), encoding: .utf8)
    return try ImportMapping.parse(text, file: name, taxonomy: desk.taxonomy, logins: Set(desk.config.users.keys))
}

/// Imports a fixture into `desk` and returns the plan it wrote.
@discardableResult
func importFixture(_ format: ImportFormat, _ file: String, mapping: String, into desk: Desk) throws -> ImportPlan {
    let input = try CSVInput(path: fixturePath(file))
    let plan = try Importer.plan(format, input: input, mapping: try fixtureMapping(mapping, desk: desk), zone: ZoneRules.london, desk: desk)
    try Importer.write(plan, desk: desk)
    return plan
}

extension Desk {
    func figures(_ period: String, by: [String] = []) throws -> MetricsReport {
        try metricsReport(try metricsQuery(period: period, from: nil, to: nil, by: by, series: nil))
    }
}
