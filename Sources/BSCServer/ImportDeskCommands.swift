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
        switch a.step {
        case .void:
            guard let batch = a.batch else { throw DeskError.usage("an import --void request without its batch") }
            let n = try desk.voidImport(batch: batch)
            return CommandOutput(output: "Voided import batch \(terminalSafe(batch)): \(n) tickets left out of every view and figure (the journal keeps them).\n")
        case .plan, .write, .writeMapping:
            let file = try ImportFile.Request(a, desk: desk)
            do {
                switch a.step {
                case .writeMapping:
                    let made = try DefaultMapping.make(file.format, input: file.input, zone: file.zone, base: file.mapping,
                                                       mappingName: a.outName ?? "mapping.toml", desk: desk)
                    return CommandOutput(output: made.counts, files: [OutputFile(suffix: "", content: made.toml),
                                                                      OutputFile(suffix: DefaultMapping.snippetSuffix, content: made.snippet)])
                case .plan:
                    let plan = try Importer.plan(file.format, input: file.input, mapping: file.mapping, zone: file.zone, desk: desk)
                    var rejects = ""
                    if plan.rejectedCount > 0 { try Importer.writeRejects(plan) { rejects += $0 } }
                    return CommandOutput(output: Importer.summary(plan),
                                         files: plan.rejectedCount > 0 ? [OutputFile(suffix: ".rejects.csv", content: rejects)] : [],
                                         figures: ["tickets": plan.tickets, "events": plan.events])
                default:
                    // One reading that counts as it writes: from the same
                    // bytes, what it writes is what the plan showed, and a
                    // second run adds nothing.
                    let (plan, written) = try Importer.importAtOnce(file.format, input: file.input, mapping: file.mapping, zone: file.zone,
                                                                    target: try Importer.Target(desk: desk))
                    if written == 0 { return CommandOutput(output: "Nothing to write.\n") }
                    return CommandOutput(output: "Imported \(plan.tickets) tickets (\(written) events) as batch \(plan.batch).\n")
                }
            } catch let e as ImportError {
                throw DeskError.usage(e.message)
            }
        }
    }
}

extension ImportFile {
    /// A request's export, mapping and zone, checked.
    struct Request {
        var format: ImportFormat
        var input: CSVInput
        var mapping: ImportMapping
        var zone: ZoneRules

        init(_ a: ImportArgs, desk: Desk) throws {
            guard let name = a.format, let format = ImportFormat(rawValue: name) else {
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
                var mapping = ImportMapping.defaults(format: format.rawValue, taxonomy: desk.taxonomy)
                if let text = a.mapping {
                    let mappingName = terminalSafe(a.mappingName ?? "the mapping")
                    mapping = try ImportMapping.parse(text, file: mappingName, taxonomy: desk.taxonomy, logins: Set(desk.config.users.keys))
                    guard mapping.format == format.rawValue else {
                        throw ImportError("\(mappingName): format: it maps \"\(terminalSafe(mapping.format))\" exports, not \(format.rawValue)")
                    }
                }
                self.input = try CSVInput(bytes: [UInt8](data), fileName: file.name, ticketColumn: format.ticketColumn)
                self.mapping = mapping
            } catch let e as ImportError {
                throw DeskError.usage(e.message)
            }
            self.format = format
            self.zone = zone
        }
    }
}
