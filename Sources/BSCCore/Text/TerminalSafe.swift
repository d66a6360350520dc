/// What `terminalSafe` does with line breaks and tabs.
public enum LineBreakPolicy: Sendable, Equatable {
    /// Newlines and tabs become a space: for one-line cells and fields.
    case space
    /// Newlines become a visible "↵" so a pasted note cannot hide a second
    /// line inside a single-line cell; tabs become a space.
    case symbol
    /// Newlines are kept (for multi-line text areas); tabs become a space.
    case keep
}

/// Makes untrusted text (caller names, notes, imported data) safe to send to
/// a terminal: nothing in the result can move the cursor, change colours,
/// set the clipboard (OSC 52), open hyperlinks (OSC 8), reorder text (bidi
/// overrides) or otherwise be interpreted by the terminal.
///
/// Removed entirely, payload included: CSI (`ESC [` and 8-bit U+009B), OSC
/// (`ESC ]` and U+009D, ended by BEL or ST), DCS/SOS/PM/APC (`ESC P/X/^/_` and
/// their 8-bit forms, ended by ST or BEL), other two-character escapes and a
/// lone ESC. Removed as characters: C0 controls, DEL, C1 controls, bidi
/// embedding/override/isolate controls and the directional marks.
public func terminalSafe(_ s: String, lineBreaks: LineBreakPolicy = .space) -> String {
    var out = String.UnicodeScalarView()
    let scalars = Array(s.unicodeScalars)
    var i = 0
    let n = scalars.count

    // Skips a control string payload up to and including its terminator
    // (BEL, ESC \ or 8-bit ST). An unterminated string swallows the rest, as
    // a terminal would.
    func skipControlString(from start: Int) -> Int {
        var j = start
        while j < n {
            let v = scalars[j].value
            if v == 0x07 || v == 0x9C { return j + 1 }
            if v == 0x1B {
                if j + 1 < n, scalars[j + 1].value == 0x5C { return j + 2 }
                return j + 1  // an ESC aborts the string in real terminals too
            }
            j += 1
        }
        return n
    }
    // CSI: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final
    // byte 0x40–0x7E. Anything else ends the sequence without being consumed.
    func skipCSI(from start: Int) -> Int {
        var j = start
        while j < n {
            let v = scalars[j].value
            if (0x40...0x7E).contains(v) { return j + 1 }
            if (0x20...0x3F).contains(v) { j += 1; continue }
            return j
        }
        return n
    }

    while i < n {
        let c = scalars[i]
        let v = c.value
        switch v {
        case 0x1B:
            guard i + 1 < n else { i += 1; continue }
            let next = scalars[i + 1].value
            switch next {
            case 0x5B: i = skipCSI(from: i + 2)  // [
            case 0x5D, 0x50, 0x58, 0x5E, 0x5F: i = skipControlString(from: i + 2)  // ] P X ^ _
            case 0x20...0x2F:
                // nF escape (e.g. ESC ( B): intermediates then one final byte.
                var j = i + 1
                while j < n, (0x20...0x2F).contains(scalars[j].value) { j += 1 }
                if j < n, (0x30...0x7E).contains(scalars[j].value) { j += 1 }
                i = j
            case 0x30...0x7E: i += 2  // two-character escape (ESC c, ESC 7, …)
            default: i += 1  // lone ESC
            }
        case 0x9B: i = skipCSI(from: i + 1)
        case 0x9D, 0x90, 0x98, 0x9E, 0x9F: i = skipControlString(from: i + 1)
        case 0x0A:
            switch lineBreaks {
            case .space: out.append(" ")
            case .symbol: out.append("\u{21B5}")
            case .keep: out.append("\n")
            }
            i += 1
        case 0x0D:
            // CR LF counts as one break; a lone CR is a break too.
            if i + 1 < n, scalars[i + 1].value == 0x0A { i += 1; continue }
            switch lineBreaks {
            case .space: out.append(" ")
            case .symbol: out.append("\u{21B5}")
            case .keep: out.append("\n")
            }
            i += 1
        case 0x09:
            out.append(" ")
            i += 1
        case 0x00...0x1F, 0x7F, 0x80...0x9F:
            i += 1
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
            i += 1
        default:
            out.append(c)
            i += 1
        }
    }
    return String(out)
}

/// Decodes untrusted bytes (invalid UTF-8 becomes U+FFFD) and makes the
/// result safe as `terminalSafe(_:lineBreaks:)` does.
public func terminalSafe(bytes: [UInt8], lineBreaks: LineBreakPolicy = .space) -> String {
    terminalSafe(String(decoding: bytes, as: UTF8.self), lineBreaks: lineBreaks)
}

extension String {
    /// This text with terminal controls removed; see `terminalSafe(_:lineBreaks:)`.
    public func terminalSafe(lineBreaks: LineBreakPolicy = .space) -> String {
        BSCCore.terminalSafe(self, lineBreaks: lineBreaks)
    }
}

/// The last guard on everything the command line prints (stdout and
/// stderr): `terminalSafe` that keeps line ends (`\n`, `\r`: CSV rows end in
/// CRLF) and tabs as they are. Text with nothing to remove, nearly all of
/// it, is returned as is after one pass over its bytes.
public func terminalSafeOutput(_ s: String) -> String {
    var clean = true
    var s = s
    s.withUTF8 { bytes in
        for b in bytes {
            // C0 controls but tab, LF, CR; DEL; and the lead bytes of every
            // removable non-ASCII scalar: C1 (C2 80–9F), U+061C (D8 9C),
            // marks, embeddings, overrides and isolates (E2 80/81 …).
            if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 {
                clean = false
                return
            }
        }
    }
    if clean { return s }
    // Split on the characters to keep, sanitise the pieces, join again.
    var out = ""
    var piece = ""
    for c in s.unicodeScalars {
        if c == "\n" || c == "\r" || c == "\t" {
            out += terminalSafe(piece)
            out.unicodeScalars.append(c)
            piece = ""
        } else {
            piece.unicodeScalars.append(c)
        }
    }
    return out + terminalSafe(piece)
}
