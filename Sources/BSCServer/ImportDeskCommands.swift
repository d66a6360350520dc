import BSCApp
import BSCCore
import BSCImport
import BSCProtocol
import Foundation

/// `import` on the team server (protocol version 4): the client reads the
/// export and the mapping as its own user and sends their content; the
/// server plans and writes with the same importer as in-process, and
/// sends back what the client writes beside the export (rejected rows, a
/// default mapping). The server never opens a path a client names.
extension DeskCommands {
    public static func importHistory(_ a: ImportArgs, desk: Desk) throws -> CommandOutput {
        guard desk.profile.role == .supervisor else {
            throw DeskError.permission("import is for supervisors; you are \(desk.profile.role.rawValue)")
        }
        if a.step == .void {
            guard let batch = a.batch else { throw DeskError.usage("an import --void request without its batch") }
            let n = try desk.voidImport(batch: batch)
            return CommandOutput(output: "Voided import batch \(terminalSafe(batch)): \(n) tickets left out of every view and figure (the journal keeps them).\n")
        }
        guard let format = a.format, let fmt = ImportFormat(rawValue: format) else {
            throw DeskError.usage("unknown import format \"\(terminalSafe(a.format ?? ""))\": use \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let file = a.file, let data = Data(base64Encoded: file.content) else {
            throw DeskError.usage("an import request without the export's content (base64)")
        }
        let zoneId = a.zone ?? desk.config.timeZone
        guard let zone = ZoneRules(identifier: zoneId) else {
            throw DeskError.usage("unknown time zone \"\(terminalSafe(zoneId))\": use an IANA name such as Europe/London")
        }
        try desk.needHistoryLoaded()
        do {
            var mapping = ImportMapping.defaults(format: fmt.rawValue, taxonomy: desk.taxonomy)
            if let text = a.mapping {
                let name = terminalSafe(a.mappingName ?? "the mapping")
                mapping = try ImportMapping.parse(text, file: name, taxonomy: desk.taxonomy, logins: Set(desk.config.users.keys))
                guard mapping.format == fmt.rawValue else {
                    throw ImportError("\(name): format: it maps \"\(terminalSafe(mapping.format))\" exports, not \(fmt.rawValue)")
                }
            }
            let input = try CSVInput(bytes: [UInt8](data), fileName: file.name)
            switch a.step {
            case .writeMapping:
                let made = try DefaultMapping.make(fmt, input: input, zone: zone, base: mapping, mappingName: a.outName ?? "mapping.toml", desk: desk)
                return CommandOutput(output: made.counts, files: [OutputFile(suffix: "", content: made.toml),
                                                                  OutputFile(suffix: DefaultMapping.snippetSuffix, content: made.snippet)])
            case .plan, .write:
                let plan = try Importer.plan(fmt, input: input, mapping: mapping, zone: zone, desk: desk)
                if a.step == .plan {
                    var rejects = ""
                    if plan.rejectedCount > 0 { try Importer.writeRejects(plan) { rejects += $0 } }
                    return CommandOutput(output: Importer.summary(plan),
                                         files: plan.rejectedCount > 0 ? [OutputFile(suffix: ".rejects.csv", content: rejects)] : [],
                                         figures: ["tickets": plan.tickets, "events": plan.events])
                }
                // Planned again from the same bytes: what the person saw is
                // what is written, and a second run adds nothing.
                if plan.events == 0 { return CommandOutput(output: "Nothing to write.\n") }
                let written = try Importer.write(plan, desk: desk)
                return CommandOutput(output: "Imported \(plan.tickets) tickets (\(written) events) as batch \(plan.batch).\n")
            case .void:
                preconditionFailure("handled above")
            }
        } catch let e as ImportError {
            throw DeskError.usage(e.message)
        }
    }
}
