import Foundation

/// Appends a hand-made line to the newest segment, as someone editing the
/// files would: by default a `ticket.opened` that follows the last line
/// (next seq, next reference) with a correct chain hash; `overrides`
/// replace or add fields (JSON values), `terminated: false` leaves off the
/// final newline, `chained: false` writes a wrong hash.
enum JournalPlanting {
    static let script = """
    import hashlib, json, sys, glob, os
    d = sys.argv[1]; over = json.loads(sys.argv[2]); term = sys.argv[3] == "1"; chained = sys.argv[4] == "1"
    seg = sorted(glob.glob(os.path.join(d, "*.jsonl")))[-1]
    lines = [l for l in open(seg, encoding="utf-8").read().split("\\n") if l.strip()]
    prev = json.loads(lines[-1]) if lines else {"seq": 0, "tickets": 0, "h": "0" * 64, "ts": "2026-11-02T09:00:00.000Z"}
    ev = {"v": 1, "seq": prev["seq"] + 1, "id": "planted%d" % (prev["seq"] + 1), "ts": prev["ts"], "user": "tester", "type": "ticket.opened",
          "ref": "BSC-%06d" % (prev["tickets"] + 1), "tickets": prev["tickets"] + 1, "caller": "Planted Caller", "caller_type": "employee",
          "category": "cs.general-enquiry", "queue": "customer-services", "priority": "normal",
          "channel": "phone", "summary": "planted", "received": prev["ts"]}
    for k, v in over.items():
        if v is None: ev.pop(k, None)
        else: ev[k] = v
    body = json.dumps(ev, ensure_ascii=False, separators=(",", ":"))[:-1]
    h = hashlib.sha256((prev["h"] + body).encode("utf-8")).hexdigest() if chained else "f" * 64
    data = open(seg, "rb").read()
    sep = b"" if data.endswith(b"\\n") or not data else b"\\n"
    open(seg, "ab").write(sep + (body + ',"h":"' + h + '"}' + ("\\n" if term else "")).encode("utf-8"))
    """

    static func plant(_ desk: Bscdesk, _ overrides: [String: Any] = [:], terminated: Bool = true, chained: Bool = true) throws {
        let path = URL(fileURLWithPath: desk.data).deletingLastPathComponent().path + "/plant-line.py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let json = String(decoding: try JSONSerialization.data(withJSONObject: overrides), as: UTF8.self)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path, desk.journalDirectory, json, terminated ? "1" : "0", chained ? "1" : "0"]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("planting failed: \(String(decoding: e, as: UTF8.self))") }
    }
}
