import ArgumentParser
import BSCApp
import BSCCore

struct TriageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage", abstract: "Suggest categories for what the caller said, best first, with their queue.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "What the caller said, e.g. \"my bank details have changed\".") var text: String
    @Option(help: "How many suggestions at most.") var limit: Int = 5
    @Option(help: "table or json.") var format: String = "table"

    func run() throws {
        try runDesk(global) { desk in
            guard format == "table" || format == "json" else {
                throw DeskError.usage("unknown format \"\(terminalSafe(format))\" for triage: use table or json")
            }
            guard (1...50).contains(limit) else { throw DeskError.usage("bad --limit \(limit): use 1 to 50") }
            let found = desk.suggestCategories(for: text, limit: limit)
            if format == "json" {
                emit(JSONOut.array(found.map { s in
                    .object([
                        ("category", .string(s.category)), ("name", .string(s.name)), ("queue", .string(s.queue)),
                        ("score", .double(s.score)), ("matched", .array(s.matched.map { .string($0) })),
                        ("resolvable", .bool(s.frontDeskResolvable)), ("priority", .string(s.priority.rawValue)),
                        ("identity_check", .bool(s.requiresIdentityCheck)),
                        ("article", .bool(desk.article(for: s.category) != nil)),
                    ])
                }).serialized() + "\n")
                return
            }
            guard !found.isEmpty else { emit("(no category matches those words; 'bscdesk categories' lists them all)\n"); return }
            var out = "SCORE  " + "CATEGORY".padded(toWidth: 32) + " " + "QUEUE".padded(toWidth: 18) + " " + "DESK".padded(toWidth: 12) + " MATCHED\n"
            for s in found {
                let score = String(Int((s.score * 100).rounded()))
                let desk = s.frontDeskResolvable ? "front desk" : "back office"
                out += score.padded(toWidth: 6) + " " + s.category.padded(toWidth: 32) + " " + s.queue.padded(toWidth: 18) + " "
                    + desk.padded(toWidth: 12) + " " + terminalSafe(s.matched.joined(separator: ", "))
                    + (s.requiresIdentityCheck ? "  [identity check]" : "") + "\n"
            }
            emit(out)
        }
    }
}
