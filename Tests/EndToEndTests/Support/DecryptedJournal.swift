import BSCCore
import BSCJournal
import Foundation

extension Bscdesk {
    /// The journal's lines as JSON objects, with each line's encrypted
    /// personal fields (`enc`, docs/data-protection.md) decrypted with the
    /// data directory's key store and put back under their own names, so a
    /// test can find what was saved. A line whose key is gone keeps its
    /// redacted fields.
    func journalObjects() throws -> [[String: Any]] {
        let keys = KeyStore(directory: data + "/keys", login: user, owner: nil, fileMode: 0o600, directoryMode: 0o700)
        keys.loadAll(restrictedQueues: ["appointeeship"])
        var out: [[String: Any]] = []
        for line in try journalLines() {
            guard var obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("a journal line does not parse: \(line.prefix(80))")
            }
            if let enc = obj["enc"] as? String, let refText = obj["ref"] as? String, let ref = TicketRef(parsing: refText),
               let type = (obj["type"] as? String).flatMap(EventType.init(rawValue:)),
               case .key(let key, _) = keys.state(ref, restrictedQueues: ["appointeeship"]),
               let content = ContentCipher.decrypt(enc, key: key, ref: ref, type: type) {
                var details: [String: String] = [:]
                for (k, v) in content {
                    if k.hasPrefix("details.") { details[String(k.dropFirst(8))] = v } else { obj[k] = v }
                }
                if !details.isEmpty { obj["details"] = details }
            }
            out.append(obj)
        }
        return out
    }
}
