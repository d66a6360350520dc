/// A category the summary's words point to, with why.
public struct CategorySuggestion: Sendable, Equatable {
    public var category: String
    public var name: String
    public var queue: String
    /// Higher is better; only meaningful for ranking within one call.
    public var score: Double
    /// The configured keywords that matched, in configuration order.
    public var matched: [String]
    public var frontDeskResolvable: Bool
    public var priority: Priority
    public var requiresIdentityCheck: Bool

    public init(category: String, name: String, queue: String, score: Double, matched: [String],
                frontDeskResolvable: Bool, priority: Priority, requiresIdentityCheck: Bool) {
        self.category = category
        self.name = name
        self.queue = queue
        self.score = score
        self.matched = matched
        self.frontDeskResolvable = frontDeskResolvable
        self.priority = priority
        self.requiresIdentityCheck = requiresIdentityCheck
    }
}

/// Ranks categories by the keywords a free-text summary contains.
///
/// Words are lower-cased, split on anything that is not a letter or digit,
/// and reduced by a light stemmer (plurals, -ing, -ed, a final -e), so
/// "changed", "changes" and "changing" all match the keyword "change".
/// A keyword of several words ("bank details") matches those words in a row
/// and weighs more. A keyword that many categories share weighs less.
public struct CategorySuggester: Sendable {
    struct Keyword: Sendable {
        var text: String
        var stems: [String]
        var weight: Double
    }

    struct Entry: Sendable {
        var category: Category
        var keywords: [Keyword]
    }

    let entries: [Entry]

    public init(taxonomy: Taxonomy) {
        var parsed: [(Category, [(String, [String])])] = []
        var df: [String: Int] = [:]
        for c in taxonomy.categories {
            var seen: Set<String> = []
            var kws: [(String, [String])] = []
            for k in c.keywords {
                let stems = Self.tokens(k)
                guard !stems.isEmpty else { continue }
                kws.append((k, stems))
                let key = stems.joined(separator: " ")
                if seen.insert(key).inserted { df[key, default: 0] += 1 }
            }
            parsed.append((c, kws))
        }
        entries = parsed.map { c, kws in
            Entry(category: c, keywords: kws.map { text, stems in
                let shared = Double(df[stems.joined(separator: " ")] ?? 1)
                let base = stems.count > 1 ? Double(stems.count) * 1.5 : 1.0
                return Keyword(text: text, stems: stems, weight: base / shared.squareRoot())
            })
        }
    }

    /// Ranked suggestions, best first; ties by category id. Categories with
    /// no matching keyword are left out.
    public func suggest(_ text: String, limit: Int = 5) -> [CategorySuggestion] {
        let words = Self.tokens(text)
        guard !words.isEmpty, limit > 0 else { return [] }
        var out: [CategorySuggestion] = []
        for e in entries {
            var score = 0.0
            var matched: [String] = []
            for k in e.keywords where Self.contains(words, k.stems) {
                score += k.weight
                matched.append(k.text)
            }
            guard score > 0 else { continue }
            let c = e.category
            out.append(CategorySuggestion(
                category: c.id, name: c.name, queue: c.queue, score: (score * 100).rounded() / 100, matched: matched,
                frontDeskResolvable: c.frontDeskResolvable, priority: c.defaultPriority, requiresIdentityCheck: c.requiresIdentityCheck))
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.category < $1.category }
        return Array(out.prefix(limit))
    }

    static func contains(_ words: [String], _ seq: [String]) -> Bool {
        guard seq.count <= words.count else { return false }
        if seq.count == 1 { return words.contains(seq[0]) }
        for i in 0...(words.count - seq.count) where words[i] == seq[0] {
            if Array(words[i..<(i + seq.count)]) == seq { return true }
        }
        return false
    }

    /// Lower-cased, stemmed words of a text.
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { cur.append(ch) } else if ch == "'" || ch == "\u{2019}" {
                continue  // "payroll's" → "payrolls" → "payroll"
            } else if !cur.isEmpty {
                out.append(stem(cur))
                cur = ""
            }
        }
        if !cur.isEmpty { out.append(stem(cur)) }
        return out
    }

    /// A deliberately small stemmer: enough for keyword matching, never
    /// shown to anyone.
    public static func stem(_ word: String) -> String {
        var w = Array(word)
        func ends(_ s: String) -> Bool { w.count > s.count && w.suffix(s.count) == Array(s)[...] }
        if w.count > 4 && ends("ies") {
            w.removeLast(3)
            w.append("y")
        } else if w.count > 5 && ends("ing") {
            w.removeLast(3)
            if w.count > 2, w[w.count - 1] == w[w.count - 2], !"aeiou".contains(w[w.count - 1]) { w.removeLast() }
        } else if w.count > 4 && ends("ed") {
            w.removeLast(2)
            if w.count > 2, w[w.count - 1] == w[w.count - 2], !"aeiou".contains(w[w.count - 1]) { w.removeLast() }
        } else if w.count > 4 && (ends("ches") || ends("shes") || ends("xes") || ends("sses")) {
            w.removeLast(2)
        } else if w.count > 3 && ends("s") && !ends("ss") && !ends("us") {
            w.removeLast()
        }
        if w.count > 3 && w.last == "e" { w.removeLast() }
        return String(w)
    }
}
