import Foundation

/// Folds a name for matching: case, accents and runs of spacing are
/// ignored, so "Zoë  Łukasik" and "zoe lukasik" fold to the same text.
/// Used for "same caller" in FCR and by the ticket filters.
public func foldCallerName(_ s: String) -> String {
    var out = ""
    var lastSpace = true
    for ch in s.lowercased().unicodeScalars {
        if ch.properties.isWhitespace {
            if !lastSpace { out.append(" ") }
            lastSpace = true
            continue
        }
        lastSpace = false
        if ch.isASCII {
            out.unicodeScalars.append(ch)
            continue
        }
        // Drop combining marks after canonical decomposition.
        for d in String(ch).decomposedStringWithCanonicalMapping.unicodeScalars where !(0x0300...0x036F).contains(d.value) {
            out.unicodeScalars.append(foldLetter(d))
        }
    }
    if out.hasSuffix(" ") { out.removeLast() }
    return out
}

private func foldLetter(_ s: Unicode.Scalar) -> Unicode.Scalar {
    switch s {
    case "ł": return "l"
    case "ø": return "o"
    case "đ": return "d"
    case "ß": return "s"
    case "æ": return "a"
    default: return s
    }
}
