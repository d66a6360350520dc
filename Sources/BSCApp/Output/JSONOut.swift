import Foundation
import BSCCore

/// A JSON value for command output. Serialised by hand so that keys keep
/// their order and so that C1 controls and bidi characters, which JSON
/// allows raw, are escaped: output may land on a terminal.
public indirect enum JSONOut: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONOut])
    case object([(String, JSONOut)])

    public static func == (a: JSONOut, b: JSONOut) -> Bool { a.serialized() == b.serialized() }

    public static func opt(_ s: String?) -> JSONOut { s.map { .string($0) } ?? .null }
    public static func time(_ t: Instant?) -> JSONOut { t.map { .string(Timestamp.format($0)) } ?? .null }

    public func serialized(pretty: Bool = true) -> String {
        var out = ""
        write(&out, indent: pretty ? 0 : -1)
        return out
    }

    private func write(_ out: inout String, indent: Int) {
        let nl = indent >= 0 ? "\n" : ""
        func pad(_ n: Int) -> String { indent >= 0 ? String(repeating: "  ", count: n) : "" }
        switch self {
        case .string(let s): Self.quote(s, into: &out)
        case .int(let v): out += String(v)
        case .double(let v):
            if v.isFinite {
                out += v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
            } else {
                out += "null"
            }
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, item) in items.enumerated() {
                out += pad(indent + 1)
                item.write(&out, indent: indent >= 0 ? indent + 1 : -1)
                out += (i + 1 < items.count ? "," : "") + nl
            }
            out += pad(indent) + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{" + nl
            for (i, (k, v)) in fields.enumerated() {
                out += pad(indent + 1)
                Self.quote(k, into: &out)
                out += indent >= 0 ? ": " : ":"
                v.write(&out, indent: indent >= 0 ? indent + 1 : -1)
                out += (i + 1 < fields.count ? "," : "") + nl
            }
            out += pad(indent) + "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = u.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                    || v == 0x200E || v == 0x200F || v == 0x061C || v == 0x2028 || v == 0x2029 {
                    let h = String(v, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break;
/// CRLF line ends.
public enum CSV {
    /// A cell made safe for a terminal as every output is (`cat`ting an
    /// export must not run escape sequences), then quoted if needed.
    public static func field(_ raw: String) -> String {
        let s = terminalSafe(raw, lineBreaks: .keep)
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
}
