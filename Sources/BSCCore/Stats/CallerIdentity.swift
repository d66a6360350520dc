/// "Same caller", the one rule every figure and warning uses (see
/// docs/metrics.md): the same caller reference, with all spaces and case
/// ignored, where both callers have one; otherwise the same caller name
/// folded for case, accents and spacing. Anonymous callers (no name, no
/// reference) never match anyone.
///
/// The rule compares pairs: it is not one key per caller (a caller with a
/// reference matches one without by name). Indexes keep both keys and
/// decide with `same`.
public enum CallerIdentity {
    /// The reference as compared: every whitespace character removed and
    /// letters lowercased, so `E200 004` and `e200004` are one caller. ""
    /// when there is no reference (or only spaces).
    public static func referenceKey(_ reference: String?) -> String {
        guard let reference, !reference.isEmpty else { return "" }
        var out = ""
        out.unicodeScalars.reserveCapacity(reference.unicodeScalars.count)
        for s in reference.unicodeScalars where !s.properties.isWhitespace {
            out.unicodeScalars.append(s)
        }
        return out.lowercased()
    }

    /// The name as compared ("" for none): see `foldCallerName`.
    public static func nameKey(_ name: String) -> String {
        name.isEmpty ? "" : foldCallerName(name)
    }

    /// Whether two callers are the same caller.
    public static func same(_ a: Caller, _ b: Caller) -> Bool {
        let ra = referenceKey(a.reference), rb = referenceKey(b.reference)
        if !ra.isEmpty && !rb.isEmpty { return ra == rb }
        let na = nameKey(a.name)
        return !na.isEmpty && na == nameKey(b.name)
    }

    /// Lookup keys for an index of callers: `r:` + reference key and
    /// `n:` + name key, each when present. Two callers that are the same
    /// share at least one key; confirm candidates with `same`.
    public static func lookupKeys(_ c: Caller) -> [String] {
        var keys: [String] = []
        let r = referenceKey(c.reference)
        if !r.isEmpty { keys.append("r:" + r) }
        let n = nameKey(c.name)
        if !n.isEmpty { keys.append("n:" + n) }
        return keys
    }

    /// One key per caller for grouping callers into entries (the call
    /// form's caller list): the reference key where there is one, else the
    /// name key; nil for an anonymous caller.
    public static func groupingKey(_ c: Caller) -> String? {
        let r = referenceKey(c.reference)
        if !r.isEmpty { return "r:" + r }
        let n = nameKey(c.name)
        return n.isEmpty ? nil : "n:" + n
    }
}
