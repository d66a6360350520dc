/// Terminal column widths without libc: `wcwidth` depends on the process
/// locale and returns -1 under `C`, so the UI measures text with its own
/// table (East Asian Wide/Fullwidth, Unicode 15) and the stdlib's scalar
/// properties for marks and emoji presentation.

/// How padded text sits in its column.
public enum TextAlignment: Sendable, Equatable {
    case left, right, center
}

/// East Asian Wide (W) and Fullwidth (F) ranges, sorted, for binary search.
/// Emoji with default emoji presentation are also caught by
/// `isEmojiPresentation`; the ones below U+1F000 are listed so the table
/// alone is right for the common symbols.
private let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC,
    0x23F0...0x23F0, 0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615,
    0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
    0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE,
    0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
    0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
    0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755,
    0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0, 0x27BF...0x27BF,
    0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55, 0x2E80...0x2E99,
    0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFF, 0x3000...0x303E,
    0x3041...0x3096, 0x3099...0x30FF, 0x3105...0x312F, 0x3131...0x318E,
    0x3190...0x31E3, 0x31EF...0x321E, 0x3220...0x3247, 0x3250...0x4DBF,
    0x4E00...0xA48C, 0xA490...0xA4C6, 0xA960...0xA97C, 0xAC00...0xD7A3,
    0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE52, 0xFE54...0xFE66,
    0xFE68...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
    0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,
    0x1AFF0...0x1AFFE, 0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152,
    0x1B155...0x1B155, 0x1B164...0x1B167, 0x1B170...0x1B2FB, 0x1F004...0x1F004,
    0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202,
    0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
    0x20000...0x2FFFD, 0x30000...0x3FFFD,
]

private func isWide(_ v: UInt32) -> Bool {
    var lo = 0
    var hi = wideRanges.count - 1
    while lo <= hi {
        let mid = (lo + hi) / 2
        let r = wideRanges[mid]
        if v < r.lowerBound { hi = mid - 1 } else if v > r.upperBound { lo = mid + 1 } else { return true }
    }
    return false
}

/// Columns taken by one scalar on its own: 0 for controls, marks and
/// format characters (ZWJ, variation selectors), 2 for wide, else 1.
public func displayWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x20 || (0x7F...0x9F).contains(v) { return 0 }
    if v < 0x300 { return 1 }  // fast path: Latin-1 and Latin Extended
    if (0x1160...0x11FF).contains(v) { return 0 }  // Hangul medial vowels and finals
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
    return 1
}

/// Columns taken by one grapheme cluster.
public func displayWidth(_ c: Character) -> Int {
    let scalars = c.unicodeScalars
    guard let first = scalars.first else { return 0 }
    var base = displayWidth(first)
    if scalars.count == 1 { return base }
    // A lone mark leading a cluster takes the width of what it sits on.
    if base == 0, let spacing = scalars.first(where: { displayWidth($0) > 0 }) {
        base = displayWidth(spacing)
    }
    if base == 2 { return 2 }
    let v = first.value
    if (0x1F1E6...0x1F1FF).contains(v) { return 2 }  // a flag: two regional indicators
    // VS16 or a ZWJ/skin-tone sequence asks for emoji presentation.
    if first.properties.isEmoji,
        scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D || (0x1F3FB...0x1F3FF).contains($0.value) })
    {
        return 2
    }
    // Halfwidth kana sound marks extend the cluster but take their own column.
    return base + scalars.dropFirst().filter { $0.value == 0xFF9E || $0.value == 0xFF9F }.count
}

/// Columns taken by a string in a terminal.
public func displayWidth<S: StringProtocol>(_ s: S) -> Int {
    var total = 0
    for c in s {
        // ASCII fast path: a Character that is one printable ASCII scalar.
        if let a = c.asciiValue, a >= 0x20, a < 0x7F { total += 1 } else { total += displayWidth(c) }
    }
    return total
}

extension StringProtocol {
    /// Columns this text takes in a terminal (CJK and emoji count 2).
    public var displayWidth: Int { BSCCore.displayWidth(self) }

    /// The longest prefix that fits in `width` columns. With an ellipsis,
    /// text that does not fit ends in "…" and the result still fits; a wide
    /// character that would straddle the limit is dropped, never split.
    public func truncated(toWidth width: Int, ellipsis: Bool = false) -> String {
        guard width > 0 else { return "" }
        if BSCCore.displayWidth(self) <= width { return String(self) }
        let budget = ellipsis ? width - 1 : width
        var out = ""
        var used = 0
        for c in self {
            let w = BSCCore.displayWidth(c)
            if used + w > budget { break }
            out.append(c)
            used += w
        }
        return ellipsis ? out + "…" : out
    }

    /// Exactly `width` columns: truncated if longer, padded with spaces if
    /// shorter (including a column left over after a dropped wide character).
    public func padded(toWidth width: Int, alignment: TextAlignment = .left, ellipsis: Bool = false) -> String {
        guard width > 0 else { return "" }
        let text = truncated(toWidth: width, ellipsis: ellipsis)
        let gap = width - BSCCore.displayWidth(text)
        if gap <= 0 { return text }
        switch alignment {
        case .left: return text + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + text
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: gap - left)
        }
    }

    /// Greedy word wrap by display width. Words longer than a line are split
    /// by grapheme; explicit newlines start a new line.
    public func wrapped(toWidth width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in self.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var w = BSCCore.displayWidth(word)
                if lineWidth > 0 && lineWidth + 1 + w <= width {
                    line += " " + word
                    lineWidth += 1 + w
                    continue
                }
                if lineWidth > 0 {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                while w > width {
                    var head = word.truncated(toWidth: width)
                    if head.isEmpty { head = String(word.first!) }  // a wide char in a 1-column line
                    lines.append(head)
                    word.removeFirst(head.count)
                    w = BSCCore.displayWidth(word)
                }
                line = word
                lineWidth = w
            }
            lines.append(line)
        }
        return lines
    }
}
