import Foundation
import BSCCore

/// Renders a `MetricsReport` as a terminal table, CSV, JSON or Markdown.
/// Nothing here names a caller: exports carry no personal data.
public enum MetricsOutput {
    public enum Format: String, CaseIterable, Sendable {
        case table, csv, json, md
    }

    static func localText(_ t: Instant, _ zone: ZoneRules) -> String {
        let dt = zone.localDateTime(t)
        let off = zone.offsetSeconds(at: t)
        return dt.date.description + "T" + pad2(dt.hour) + ":" + pad2(dt.minute) + ":" + pad2(dt.second)
            + (off >= 0 ? "+" : "-") + pad2(abs(off) / 3600) + ":" + pad2(abs(off) / 60 % 60)
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }

    /// Value with two decimals for files ("n/a" when there is none).
    static func fixed2(_ v: Double?) -> String {
        guard let v else { return "n/a" }
        let hundredths = Int64((abs(v) * 100).rounded(.toNearestOrAwayFromZero))
        let frac = hundredths % 100
        return (v < 0 && hundredths != 0 ? "-" : "") + String(hundredths / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    static func provisionalNote(_ r: MetricsReport) -> String {
        let ids = r.provisionalMetrics
        if !r.provisional { return "No figure is provisional: every reopen window had closed by the as-at time." }
        let list = ids.isEmpty ? "some breakdown or series figures" : ids.map(\.label).joined(separator: ", ")
        return "Provisional (reopen windows still open at the as-at time): \(list); marked PROVISIONAL below."
    }

    // MARK: Table

    public static func table(_ r: MetricsReport, zone: ZoneRules) -> String {
        var out = "bscdesk figures for \(r.period.label) (\(r.period.firstDay) to \(r.period.lastDay)), as at \(localText(r.asAt, zone))\n"
        let t = r.overall.tally
        out += "Tickets opened \(t.ticketsOpened) · contacts \(t.contacts) (\(t.contacts - t.ticketsOpened) repeat) · resolved \(t.resolved)\n"
        out += provisionalNote(r) + "\n\n"
        out += metricTable(r.overall)
        if t.fcrUnknown > 0 {
            out += "\nFCR is unknown for \(t.fcrUnknown) imported tickets: they are left out of gross and net FCR (numerator and denominator).\n"
        }
        if t.fcrFlagged > 0 {
            out += "\nResolved at first contact \(t.fcrFlagged); disqualified \(t.disqualified) (reopened \(t.disqualifiedReopened), repeat contact \(t.disqualifiedRepeatContact), same caller new ticket \(t.disqualifiedSameCaller)); provisional \(t.fcrProvisional).\n"
        }
        let ids: [MetricID] = [.grossFCR, .netFCR, .flr, .reopenRate, .averageHandleTime, .slaAttainment, .csat]
        for b in r.breakdowns {
            out += "\nBy \(b.dimension.rawValue)\n"
            var rows = [[b.dimension.rawValue, "opened", "contacts", "resolved"] + ids.map(\.label)]
            for row in b.rows {
                rows.append([row.key, String(row.metrics.tally.ticketsOpened), String(row.metrics.tally.contacts), String(row.metrics.tally.resolved)]
                            + ids.map { cell(row.metrics[$0]) })
            }
            out += layout(rows)
        }
        if !r.series.isEmpty {
            out += "\nSeries by \(r.granularity == .week ? "ISO week" : "month")\n"
            var rows = [["period", "from", "to", "opened", "contacts"] + ids.map(\.label)]
            for p in r.series {
                rows.append([p.bucket.label, p.firstDay.description, p.lastDay.description, String(p.metrics.tally.ticketsOpened),
                             String(p.metrics.tally.contacts)] + ids.map { cell(p.metrics[$0]) })
            }
            out += layout(rows)
        }
        return out
    }

    static func cell(_ m: MetricValue) -> String {
        m.value == nil ? "n/a" : m.text + " " + m.rag.text + (m.provisional ? "*" : "")
    }

    static func metricTable(_ s: MetricSet) -> String {
        // Numerators in the unit CSV, JSON and Markdown use: counts, or
        // milliseconds for the time metrics.
        var rows = [["metric", "value", "numerator (count or ms)", "denominator", "target", "RAG", ""]]
        for m in s.metrics {
            let (n, d): (String, String)
            switch m.id.unit {
            case .percent: (n, d) = (String(m.numerator), String(m.denominator))
            case .minutes: (n, d) = (String(m.numerator) + " ms", String(m.denominator) + " timed")
            case .hours: (n, d) = (String(m.numerator) + " ms", String(m.denominator) + " resolved")
            }
            rows.append([m.id.label, m.text, n, d, m.targetText, m.rag.text, m.provisional ? "PROVISIONAL" : ""])
        }
        var out = layout(rows)
        out += "Contacts without a duration (left out of AHT): \(s.tally.contactsWithoutDuration)\n"
        return out
    }

    static func layout(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.displayWidth) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, c) in row.enumerated() {
                line += i + 1 < row.count ? c.padded(toWidth: widths[i]) + "  " : c
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += terminalSafe(line) + "\n"
        }
        return out
    }

    // MARK: CSV

    /// One header row, then one row per figure set: the whole period
    /// (`section` = overall), each breakdown group, each series bucket.
    public static let csvVolumeColumns = [
        "tickets_opened", "contacts", "contacts_with_duration", "contacts_without_duration", "tickets_resolved",
        "fcr_flagged", "fcr_disqualified_reopened", "fcr_disqualified_repeat_contact", "fcr_disqualified_same_caller", "fcr_provisional",
    ]

    public static var csvHeader: [String] {
        var h = ["section", "dimension", "group", "period", "first_day", "last_day", "as_at"] + csvVolumeColumns
        for id in MetricID.allCases {
            h += [id.rawValue + "_value", id.numeratorColumn, id.rawValue + "_denominator", id.rawValue + "_target",
                  id.rawValue + "_rag", id.rawValue + "_provisional"]
        }
        return h
    }

    static func csvRow(_ section: String, _ dimension: String, _ group: String, _ label: String, _ first: CivilDate, _ last: CivilDate,
                       _ asAt: Instant, _ s: MetricSet) -> [String] {
        let t = s.tally
        var row = [section, dimension, group, label, first.description, last.description, Timestamp.format(asAt)]
        row += [t.ticketsOpened, t.contacts, t.contactsWithDuration, t.contactsWithoutDuration, t.resolved, t.fcrFlagged,
                t.disqualifiedReopened, t.disqualifiedRepeatContact, t.disqualifiedSameCaller, t.fcrProvisional].map { String($0) }
        for m in s.metrics {
            row += [fixed2(m.value), String(m.numerator), String(m.denominator), number(m.target), m.rag.text, m.provisional ? "yes" : "no"]
        }
        return row
    }

    public static func csv(_ r: MetricsReport) -> String {
        var out = CSV.row(csvHeader)
        out += CSV.row(csvRow("overall", "", "", r.period.label, r.period.firstDay, r.period.lastDay, r.asAt, r.overall))
        for b in r.breakdowns {
            for row in b.rows {
                out += CSV.row(csvRow("breakdown", b.dimension.rawValue, row.key, r.period.label, r.period.firstDay, r.period.lastDay, r.asAt, row.metrics))
            }
        }
        for p in r.series {
            out += CSV.row(csvRow("series", r.granularity == .week ? "week" : "month", p.bucket.label, p.bucket.label, p.firstDay, p.lastDay, r.asAt, p.metrics))
        }
        return out
    }

    /// The sidecar that travels with a CSV export: definitions, as-at time,
    /// what is provisional, and what the columns mean.
    public static func csvSidecar(_ r: MetricsReport, csvName: String, zone: ZoneRules) -> String {
        var out = "# bscdesk figures: notes for \(csvName)\n\n"
        out += header(r, zone: zone)
        out += """

        ## Columns

        One header row, then one row per set of figures: `section` is `overall` (the whole period), `breakdown` (one group of `dimension`) or `series` (one bucket, its days in `first_day`…`last_day`). For each metric there are `_value`, `_numerator` (`_numerator_ms` for the time metrics), `_denominator`, `_target`, `_rag` and `_provisional` columns. Percentages: value = numerator ÷ denominator × 100. `aht`: `aht_numerator_ms` is total handle time in milliseconds, denominator the contacts with a duration, value in minutes. `time_to_resolve`: `time_to_resolve_numerator_ms` is total working time in milliseconds, denominator the tickets resolved, value in working hours. A value of `n/a` means a zero denominator. Dates are ISO 8601; `as_at` is UTC.


        """
        out += MetricDefinitions.text + "\n"
        return out
    }

    static func header(_ r: MetricsReport, zone: ZoneRules) -> String {
        var out = "- Period: \(r.period.label) (\(r.period.firstDay) to \(r.period.lastDay), Europe/London local dates)\n"
        out += "- As at: \(Timestamp.format(r.asAt)) (\(localText(r.asAt, zone)) local)\n"
        out += "- Reopen window: \(number(Double(r.reopenWindowMillis) / 3_600_000)) working hours\n"
        out += "- Amber margin: \(number(r.targets.amberMargin))\n"
        out += "- " + provisionalNote(r) + "\n"
        if let head = r.journalHead {
            out += "- Journal head: \(head) (seq \(r.journalHeadSeq ?? 0)); check later with `bscdesk verify --against \(head)`\n"
        }
        return out
    }

    // MARK: JSON

    static func metricsJSON(_ s: MetricSet) -> JSONOut {
        let t = s.tally
        let volumes: JSONOut = .object([
            ("tickets_opened", .int(t.ticketsOpened)), ("contacts", .int(t.contacts)),
            ("repeat_contacts", .int(t.contacts - t.ticketsOpened)),
            ("contacts_with_duration", .int(t.contactsWithDuration)), ("contacts_without_duration", .int(t.contactsWithoutDuration)),
            ("tickets_resolved", .int(t.resolved)), ("fcr_flagged", .int(t.fcrFlagged)),
            ("fcr_disqualified_reopened", .int(t.disqualifiedReopened)),
            ("fcr_disqualified_repeat_contact", .int(t.disqualifiedRepeatContact)),
            ("fcr_disqualified_same_caller", .int(t.disqualifiedSameCaller)),
            ("fcr_provisional", .int(t.fcrProvisional)), ("net_tickets_opened", .int(t.netOpened)),
            ("net_fcr_provisional", .int(t.netFCRProvisional)),
            ("fcr_unknown_imported", .int(t.fcrUnknown)), ("net_fcr_unknown_imported", .int(t.netFCRUnknown)),
        ])
        let metrics: JSONOut = .object(s.metrics.map { m in
            (m.id.rawValue, .object([
                ("label", .string(m.id.label)), ("unit", .string(m.id.unit.rawValue)),
                ("value", m.value.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null), ("text", .string(m.text)),
                ("numerator", .int(m.numerator)), ("numerator_unit", .string(m.id.numeratorUnit)), ("denominator", .int(m.denominator)),
                ("target", .double(m.target)), ("lower_is_better", .bool(m.id.lowerIsBetter)),
                ("rag", .string(m.rag.text)), ("provisional", .bool(m.provisional)),
            ]))
        })
        return .object([("volumes", volumes), ("metrics", metrics), ("provisional", .bool(s.provisional))])
    }

    public static func json(_ r: MetricsReport, zone: ZoneRules) -> JSONOut {
        var fields: [(String, JSONOut)] = [
            ("report", .string("bscdesk figures")),
            ("as_at", .time(r.asAt)), ("as_at_local", .string(localText(r.asAt, zone))),
            ("period", .object([("label", .string(r.period.label)), ("first_day", .string(r.period.firstDay.description)),
                                ("last_day", .string(r.period.lastDay.description))])),
            ("provisional", .bool(r.provisional)),
            ("journal_head", .opt(r.journalHead)),
            ("journal_head_seq", r.journalHeadSeq.map { .int($0) } ?? .null),
            ("provisional_metrics", .array(r.provisionalMetrics.map { .string($0.rawValue) })),
            ("provisional_note", .string(provisionalNote(r))),
            ("reopen_window_working_hours", .double(Double(r.reopenWindowMillis) / 3_600_000)),
            ("amber_margin", .double(r.targets.amberMargin)),
            ("overall", metricsJSON(r.overall)),
            ("breakdowns", .array(r.breakdowns.map { b in
                .object([("dimension", .string(b.dimension.rawValue)),
                         ("rows", .array(b.rows.map { row in
                             .object([("group", .string(row.key)), ("figures", metricsJSON(row.metrics))])
                         }))])
            })),
        ]
        if let g = r.granularity {
            fields.append(("series", .object([
                ("granularity", .string(g == .week ? "week" : "month")),
                ("points", .array(r.series.map { p in
                    .object([("period", .string(p.bucket.label)), ("first_day", .string(p.firstDay.description)),
                             ("last_day", .string(p.lastDay.description)), ("figures", metricsJSON(p.metrics))])
                })),
            ])))
        }
        fields.append(("definitions", .string(MetricDefinitions.text)))
        return .object(fields)
    }

    // MARK: Markdown

    public static func markdown(_ r: MetricsReport, zone: ZoneRules) -> String {
        // Cells get the treatment CSV cells get: no terminal controls.
        func esc(_ s: String) -> String { terminalSafe(s).replacingOccurrences(of: "|", with: "\\|") }
        func mdTable(_ rows: [[String]]) -> String {
            guard let head = rows.first else { return "" }
            var out = "| " + head.map(esc).joined(separator: " | ") + " |\n"
            out += "|" + head.map { _ in " --- |" }.joined() + "\n"
            for row in rows.dropFirst() { out += "| " + row.map(esc).joined(separator: " | ") + " |\n" }
            return out
        }
        var out = "# bscdesk figures: \(r.period.label)\n\n" + header(r, zone: zone) + "\n## Figures\n\n"
        var rows = [["Metric", "Value", "Numerator (count or ms)", "Denominator", "Target", "RAG", "Provisional"]]
        for m in r.overall.metrics {
            let n = String(m.numerator) + (m.id.numeratorUnit == "ms" ? " ms" : "")
            rows.append([m.id.label, m.text, n, String(m.denominator), m.targetText, m.rag.text, m.provisional ? "yes" : "no"])
        }
        out += mdTable(rows)
        let t = r.overall.tally
        out += "\nTickets opened \(t.ticketsOpened); contacts \(t.contacts) (\(t.contactsWithoutDuration) without a duration); resolved \(t.resolved). "
        out += "AHT numerator is milliseconds of handle time; time-to-resolve numerator is milliseconds of working time.\n"
        let ids: [MetricID] = [.grossFCR, .netFCR, .flr, .reopenRate, .averageHandleTime, .slaAttainment, .csat]
        for b in r.breakdowns {
            out += "\n## By \(b.dimension.rawValue)\n\n"
            var rows = [[b.dimension.rawValue, "Opened", "Contacts", "Resolved"] + ids.map(\.label)]
            for row in b.rows {
                rows.append([row.key, String(row.metrics.tally.ticketsOpened), String(row.metrics.tally.contacts), String(row.metrics.tally.resolved)]
                            + ids.map { cell(row.metrics[$0]) })
            }
            out += mdTable(rows)
        }
        if !r.series.isEmpty {
            out += "\n## Series\n\n"
            var rows = [["Period", "From", "To", "Opened"] + ids.map(\.label)]
            for p in r.series {
                rows.append([p.bucket.label, p.firstDay.description, p.lastDay.description, String(p.metrics.tally.ticketsOpened)] + ids.map { cell(p.metrics[$0]) })
            }
            out += mdTable(rows)
        }
        if r.provisional { out += "\n\\* provisional\n" }
        out += "\n" + MetricDefinitions.text + "\n"
        return out
    }
}
