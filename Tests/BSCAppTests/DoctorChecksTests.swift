import BSCCore
import BSCJournal
import Testing
@testable import BSCApp

/// doctor's semantic warnings, fed line by line as a segment holds them.
@Suite struct DoctorChecksTests {
    /// 2026-11-07 09:00 UTC.
    static let t0 = Instant(millis: 1_794_042_000_000)
    let taxonomy = try! ConfigurationLoader.parse(DefaultConfiguration.text(firstSupervisor: "tester"), file: "bscdesk.toml").taxonomy

    struct Lines {
        var seq: Int64 = 0
        var tickets = 0
        var out: [[UInt8]] = []
        mutating func add(_ ref: Int, _ body: EventBody, at: Instant = DoctorChecksTests.t0, seq forced: Int64? = nil, suffix: String = "") {
            seq = forced ?? seq + 1
            if case .opened = body { tickets += 1 }
            let e = Event(seq: seq, id: "id\(seq)", at: at, user: "tester", ref: TicketRef(ref), body: body)
            out.append(EventEncoder.body(e, tickets: tickets) + Array((suffix + #","h":"00"}"#).utf8))
        }
    }

    static func opened(_ category: String = "cs.general-enquiry", summary: String = "hello") -> EventBody {
        .opened(caller: Caller(name: "Ann", type: .employee), category: category, queue: "customer-services", priority: .normal,
                contact: ContactRecord(channel: .phone, summary: summary, received: t0), details: [:])
    }

    func run(_ lines: Lines, file: String = "2026-11.jsonl") -> DoctorChecks {
        var c = DoctorChecks(taxonomy: taxonomy, users: ["tester", "agent"])
        for (i, l) in lines.out.enumerated() {
            l.withUnsafeBufferPointer { c.check(file: file, line: i + 1, bytes: $0) }
        }
        return c
    }

    @Test func aDeskWrittenHistoryHasNoWarnings() {
        var l = Lines()
        l.add(1, Self.opened())
        l.add(1, .routed(queue: "payroll", details: ["employee-number": "E1"], note: nil))
        l.add(1, .assigned(to: "agent"))
        l.add(1, .pending(reason: .customer))
        l.add(1, .resumed)
        l.add(1, .resolved(note: "multi\nline", firstContact: false))
        l.add(1, .reopened(reason: nil))
        l.add(1, .noted(text: "tab\there"))
        #expect(run(l).warnings == [])
    }

    @Test func eachKindIsReportedWithFileLineAndWhatTheFoldDid() {
        var l = Lines()
        l.add(1, Self.opened("cs.no-such-thing", summary: "red \u{1B}[31m text"))  // 1: unknown category, ESC
        l.add(1, .closed)  // 2: close while open
        l.add(1, .assigned(to: "ghost"))  // 3: unknown assignee (closed: illegal too)
        l.add(2, Self.opened(), at: Self.t0.adding(minutes: -5))  // 4: ts backwards
        l.add(2, .noted(text: "x"), at: Instant(millis: Self.t0.millis - 40 * 86_400_000))  // 5: October, in November's file
        l.add(2, .noted(text: "y"), suffix: #","text":"z""#)  // 6: a duplicate key
        let c = run(l)
        let text = c.warnings.map(\.description)
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:1: unknown category: \"cs.no-such-thing\" on BSC-000001") && $0.hasSuffix("kept: stats count the ticket under that id") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:1: control character: U+001B inside a string") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:2: illegal transition: ticket.closed on BSC-000001 while open") && $0.hasSuffix("applied as written: the ticket is now closed") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:3: unknown assignee: \"ghost\"") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:3: illegal transition: ticket.assigned on BSC-000001 while closed") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:4: ts goes backwards: 2026-11-07T08:55:00.000Z is before 2026-11-07T09:00:00.000Z at 2026-11.jsonl:1") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:5: wrong month file: written 2026-09-28") && $0.contains("belongs in 2026-09.jsonl") }, "\(text)")
        #expect(text.contains { $0.hasPrefix("2026-11.jsonl:6: duplicate key: key \"text\" appears twice in one object; the last value was used") }, "\(text)")
        // Never journal text raw: no ESC reaches the report.
        #expect(!text.joined().contains("\u{1B}"))
        #expect(c.total == c.warnings.count)
    }

    @Test func aSeqGapAfterADamagedLineIsAWarningAndForgedNumbersAreLeftToTheLoader() {
        var l = Lines()
        l.add(1, Self.opened())
        l.out.append(Array("not json".utf8))  // damage: seq 2 lost with it
        l.add(1, .noted(text: "after"), seq: 3)
        l.add(1, .noted(text: "forged"), seq: 9)  // damage, not a warning
        let c = run(l)
        #expect(c.warnings.map(\.description) == ["2026-11.jsonl:3: seq gap: seq 3 follows seq 1; applied: the missing numbers were on the damaged line(s) before it"])
    }

    @Test func controlCharactersAndDuplicateKeysInRawText() {
        func problems(_ s: String) -> [String] {
            Array(s.utf8).withUnsafeBufferPointer { DoctorChecks.textProblems($0).map(\.1) }
        }
        #expect(problems(#"{"a":"x\u001b[2J","b":"ok"}"#) == ["U+001B inside a string"])
        #expect(problems(#"{"a":"line\nbreak\ttab"}"#) == [])
        #expect(problems("{\"a\":\"\u{202E}evil\"}") == ["U+202E inside a string"])
        #expect(problems("{\"a\":\"\u{85}\"}") == ["U+0085 inside a string"])
        #expect(problems(#"{"a":1,"d":{"a":2,"b":3},"b":[{"a":1},{"a":2}]}"#) == [])
        #expect(problems(#"{"a":1,"d":{"x":2,"x":3}}"#) == [#"key "x" appears twice in one object"#])
        #expect(problems(#"{"k\"q":1,"k\"q":2}"#).count == 1)
    }
}
