import Foundation

/// Writes a ServiceNow incident event log in the export's exact layout (36
/// columns, `?` for missing, day-first dates, London time): about six rows
/// per incident (opened, assigned, sometimes reassigned, pending, reopened;
/// resolved, closed), for `bscdesk-bench import` and the import tests.
/// Deterministic for a given count.
enum ServiceNowLog {
    static let columns = "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at"

    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    }

    /// Writes `tickets` incidents to `path`; returns the rows written.
    @discardableResult
    static func write(tickets: Int, to path: String) throws -> Int {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let out = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? out.close() }
        var rng = Rng(state: UInt64(tickets))
        var buffer = columns + "\n"
        var rows = 0
        let contact = ["Phone", "Phone", "Phone", "Email", "Self service", "IVR", "Walk in"]
        let start = 16_801 * 1440  // 2016-01-01, in minutes since 1970
        for n in 1...max(1, tickets) {
            let number = "INC" + String(repeating: "0", count: max(0, 7 - String(n).count)) + String(n)
            let caller = "Caller \(rng.int(5000))"
            let channel = contact[rng.int(contact.count)]
            let category = "Category \(rng.int(60))"
            let priority = ["1 - Critical", "2 - High", "3 - Moderate", "3 - Moderate", "4 - Low"][rng.int(5)]
            var t = start + (n * 525_600 / max(1, tickets)) % 525_600 + rng.int(60)
            let opened = date(t)
            var group = "Group \(rng.int(80))"
            var assigned = "?"
            var reassign = 0, reopen = 0, mod = 0
            var resolvedAt = "?", closedAt = "?"
            func row(_ state: String) {
                let active = state == "Resolved" || state == "Closed" ? "false" : "true"
                let fields = [number, state, active, String(reassign), String(reopen), String(mod), "true", caller, "Opened by 17", opened,
                              "Created by 6", opened, "Updated by 21", date(t), channel, "Location 143", category, "Subcategory 170",
                              "Symptom 72", "?", "2 - Medium", "2 - Medium", priority, group, assigned, "true", "false", "Do Not Notify",
                              "?", "?", "?", "?", "code 5", resolvedAt == "?" ? "?" : "Resolved by 149", resolvedAt, closedAt]
                buffer += fields.joined(separator: ",")
                buffer += "\n"
                rows += 1
                mod += 1
            }
            row("New")
            t += 5 + rng.int(120)
            assigned = "Resolver \(rng.int(200))"
            row("Active")
            // An update that changes nothing the story reads (the log has
            // a row for every field edit).
            t += 1 + rng.int(60)
            row("Active")
            if rng.chance(40) {
                t += 30 + rng.int(600)
                reassign += 1
                group = "Group \(rng.int(80))"
                assigned = "Resolver \(rng.int(200))"
                row("Active")
            }
            if rng.chance(25) {
                t += 10 + rng.int(300)
                row("Awaiting User Info")
                t += 60 + rng.int(2000)
                row("Active")
            }
            t += 10 + rng.int(3000)
            resolvedAt = date(t)
            row("Resolved")
            if rng.chance(8) {
                t += 60 + rng.int(2000)
                reopen += 1
                resolvedAt = "?"
                row("Active")
                t += 30 + rng.int(600)
                resolvedAt = date(t)
                row("Resolved")
            }
            if rng.chance(85) {
                t += 7200 + rng.int(2880)
                closedAt = date(t)
                row("Closed")
            }
            if buffer.utf8.count > 1 << 20 {
                out.write(buffer.data(using: .utf8)!)
                buffer = ""
            }
        }
        out.write(buffer.data(using: .utf8)!)
        return rows
    }

    /// `d/m/yyyy hh:mm` from minutes since 1970 (read as London wall time).
    static func date(_ minutes: Int) -> String {
        let days = minutes / 1440, m = minutes % 1440
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let hh = m / 60, mm = m % 60
        return "\(d)/\(month)/\(year) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }
}
