import ArgumentParser
import BSCApp
import BSCCore
import BSCClient
import BSCImport
import BSCJournal
import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk import` with a team server: this process reads the export and
/// the mapping as the person's own user and sends their bytes; the server
/// plans and writes with the same importer; rejected rows and a default
/// mapping come back as files this process writes. One request per step:
/// the summary, the question (asked here), then the write.
extension ImportCommand {
    /// Largest export sent in one request (base64 in a 64 MiB frame).
    static let largestThroughServer = 45 << 20

    func importThroughServer(_ server: String) throws {
        do throws(ClientError) {
            if let batch = voidBatch {
                guard format == nil && files.isEmpty else { throw ClientError(status: 64, "--void BATCH takes no format or file") }
                emit(try send(global, server: server, Request(id: 0, import: ImportArgs(step: .void, batch: batch))).output)
                return
            }
            guard let formatText = format else { throw ClientError(status: 64, "import needs a format and a file: bscdesk import servicenow FILE") }
            guard ImportFormat(rawValue: formatText) != nil else {
                throw ClientError(status: 64, "unknown import format \"\(terminalSafe(formatText))\": use \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !files.isEmpty else { throw ClientError(status: 64, "import needs the export file: bscdesk import \(terminalSafe(formatText)) FILE") }
            var mappingText: String?
            if let m = mapping {
                do {
                    mappingText = try CSVInput.smallText(path: m, limit: 4 << 20, what: "a mapping file")
                } catch {
                    throw ClientError(status: 64, error.message)
                }
            }
            for file in files {
                let bytes = try Self.readExport(file)
                var args = ImportArgs(step: .plan, format: formatText, file: ImportFile(name: Self.fileName(file), content: Data(bytes).base64EncodedString()),
                                      mapping: mappingText, mappingName: mapping.map(Self.fileName), zone: zone)
                if let out = writeMapping {
                    args.step = .writeMapping
                    args.outName = Self.fileName(out)
                    let files = OutputFiles(base: out, suffixes: ["", DefaultMapping.snippetSuffix], overwrite: true, existsAdvice: "", example: "mapping.toml")
                    try files.check()
                    let answer = try send(global, server: server, Request(id: 0, import: args))
                    _ = try files.write(answer.files ?? [])
                    emit("Wrote the mapping to \(terminalSafe(out)) \(answer.output) and category suggestions to \(terminalSafe(out + DefaultMapping.snippetSuffix)).\n")
                    continue
                }
                try importFileThroughServer(server, file: file, args: args)
            }
        } catch {
            printError("bscdesk: " + terminalSafe(error.message, lineBreaks: .space))
            throw ExitCode(error.status)
        }
    }

    private func importFileThroughServer(_ server: String, file: String, args: ImportArgs) throws(ClientError) {
        let planned = try send(global, server: server, Request(id: 0, import: args))
        emit(planned.output)
        for w in planned.warnings { printError("bscdesk: " + terminalSafe(w)) }
        if let rejected = planned.files?.first {
            let path = rejects ?? file + ".rejects.csv"
            if dryRun {
                emit("  (dry run: rejects not written; they would go to \(terminalSafe(path)))\n")
            } else {
                let out = OutputFiles(base: path, suffixes: [""], overwrite: true, existsAdvice: "", example: "export.csv.rejects.csv")
                _ = try out.write([OutputFile(suffix: "", content: rejected.content)])
                emit("  rejected rows written to \(terminalSafe(path))\n")
            }
        }
        if dryRun { emit("Dry run: nothing written.\n"); return }
        let tickets = planned.figures?["tickets"] ?? 0, events = planned.figures?["events"] ?? 0
        if events == 0 { emit("Nothing to write.\n"); return }
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                throw ClientError(status: 64, "import asks before writing and no terminal is there to answer: add --yes to write, or --dry-run to only see the summary")
            }
            FileHandle.standardError.write("Write \(tickets) tickets (\(events) events) to the journal? [y/N] ".data(using: .utf8)!)
            let answer = readLine() ?? ""
            guard answer.lowercased().hasPrefix("y") else { emit("Nothing written.\n"); return }
        }
        var write = args
        write.step = .write
        // The server writes while other requests wait; say so on a terminal.
        if isatty(STDERR_FILENO) == 1 { printError("bscdesk: import: the team server is writing \(events) events …") }
        emit(try send(global, server: server, Request(id: 0, import: write)).output)
    }

    /// The export's bytes, read as this process's own user: no link
    /// followed, a regular file, at most what one request carries.
    static func readExport(_ path: String) throws(ClientError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: largestThroughServer + 1)
        } catch {
            throw ClientError(status: 64, "cannot import \(terminalSafe(path)): \(terminalSafe(String(describing: error)))")
        }
        guard bytes.count <= largestThroughServer else {
            throw ClientError(status: 64, "\(terminalSafe(path)) is larger than the \(largestThroughServer >> 20) MiB an import through the team server takes: split the export into smaller files, each holding every row of its tickets")
        }
        return bytes
    }
}
