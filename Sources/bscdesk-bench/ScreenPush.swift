import BSCClient
import BSCProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bscdesk-bench screen-push --socket PATH [--screens N] [--view board|list]
/// [--appends K] [--width W] [--height H] [--each]` opens N remote screens on a
/// running team server (protocol v3, as the terminal does), puts each on
/// the board (F11) or the ticket list (F3), then logs K calls one after
/// another through an ordinary client connection and measures, for each
/// append and each screen, the time from sending the append until that
/// screen received a frame reflecting it: on the list, a frame after
/// which the new ticket's ref is on screen; on the board, a frame with a
/// changed figure (the board marks figures that moved with the
/// changedUp/changedDown roles). Prints p50, p99 and max over all screens
/// and appends, and the first and last screen's p99 (`--each`: every append's first and last). Exit 1 if some
/// screen never showed an append within the timeout.
enum ScreenPush {
    /// A remote screen as the bench sees it: the cell text the server's
    /// frames built up, and when it last reflected the awaited append.
    final class Screen {
        let connection: ScreenConnection
        var rows: [[Character]]
        var seenAt: Double?
        init(connection: ScreenConnection, width: Int, height: Int) {
            self.connection = connection
            rows = Array(repeating: Array(repeating: " ", count: width), count: height)
        }

        /// Applies a frame; true if it carried a board change highlight.
        func apply(_ f: ScreenFrame) -> Bool {
            if f.full || rows.count != f.height || rows.first?.count != f.width {
                rows = Array(repeating: Array(repeating: " ", count: f.width), count: f.height)
            }
            var changed = false
            for r in f.runs where r.y >= 0 && r.y < rows.count {
                var x = r.x
                for c in r.text where x >= 0 && x < rows[r.y].count {
                    rows[r.y][x] = c
                    x += 1
                }
                if r.role == "changedUp" || r.role == "changedDown" { changed = true }
            }
            return changed
        }

        var text: String { rows.map { String($0) }.joined(separator: "\n") }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func fail(_ s: String) -> Int32 {
        FileHandle.standardError.write("bscdesk-bench screen-push: \(s)\n".data(using: .utf8)!)
        return 1
    }

    static func run(_ args: [String]) -> Int32 {
        var socket: String?
        var count = 10
        var view = "board"
        var appends = 20
        var width = 120, height = 40
        var each = false
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--socket": socket = it.next()
            case "--screens": count = it.next().flatMap(Int.init) ?? count
            case "--view": view = it.next() ?? view
            case "--appends": appends = it.next().flatMap(Int.init) ?? appends
            case "--width": width = it.next().flatMap(Int.init) ?? width
            case "--height": height = it.next().flatMap(Int.init) ?? height
            case "--each": each = true
            default:
                FileHandle.standardError.write("bscdesk-bench screen-push: unknown argument \(a)\n".data(using: .utf8)!)
                return 64
            }
        }
        guard let socket, count >= 1, appends >= 1, view == "board" || view == "list" else {
            FileHandle.standardError.write("bscdesk-bench screen-push: needs --socket PATH; --screens and --appends at least 1; --view board or list\n".data(using: .utf8)!)
            return 64
        }
        var screens: [Screen] = []
        do {
            for _ in 0..<count {
                let c = try ScreenConnection(path: socket)
                try c.send(.screenOpen(ScreenOpen(width: width, height: height)))
                screens.append(Screen(connection: c, width: width, height: height))
            }
            for s in screens { try s.connection.send(.keys(ScreenKeys(keys: [.function(view == "board" ? 11 : 3)]))) }
        } catch {
            return fail("opening screens: \(error.message)")
        }
        // Let every screen settle on its view: each has had its first frame
        // and the view's (a busy server sends nothing for a while, so
        // quiet alone is not enough), then no frame for half a second.
        var quietSince = now()
        let openedAt = now()
        var frames = Array(repeating: 0, count: count)
        while frames.contains(where: { $0 < 2 }) || now() - quietSince < 0.5 {
            if now() - openedAt > 300 { return fail("screens still drawing after 300 s") }
            if pump(screens, until: now() + 0.1, onFrame: { i, _ in frames[i] += 1 }) { quietSince = now() }
        }
        Bench.say("screen-push: \(count) screens on the \(view), \(appends) appends, \(width)x\(height); opened in \(String(format: "%.1f", now() - openedAt)) s")

        var latencies: [[Double]] = Array(repeating: [], count: count)
        var ackLatencies: [Double] = []
        var missed = 0
        for k in 0..<appends {
            for s in screens { s.seenAt = nil }
            let lock = NSLock()
            nonisolated(unsafe) var answer: (ref: String?, at: Double, error: String?)?
            let t0 = now()
            let appender = Thread {
                var result: (ref: String?, at: Double, error: String?)
                do {
                    let client = try DeskClient(path: socket, client: "bscdesk-bench")
                    let r = try client.run(Request(id: 1, eventId: EventIds.random(),
                                                   log: LogArgs(caller: "Push Caller \(k)", channel: "phone", category: "cs.general-enquiry",
                                                                summary: "screen push \(k)")))
                    result = (r.status == 0 ? ref(in: r.output) : nil, now(), r.status == 0 ? nil : (r.error ?? "status \(r.status)"))
                } catch {
                    result = (nil, now(), "\(error)")
                }
                lock.lock()
                answer = result
                lock.unlock()
            }
            appender.start()
            // Frames keep their arrival time; the list's are judged once
            // the ref is known (a frame may come before the answer).
            var pending: [(screen: Int, at: Double)] = []
            let deadline = t0 + 10
            var done = false
            while !done && now() < deadline {
                _ = pump(screens, until: now() + 0.005) { i, changed in
                    if view == "board" {
                        if changed && screens[i].seenAt == nil { screens[i].seenAt = now() }
                    } else {
                        pending.append((i, now()))
                    }
                }
                lock.lock()
                let got = answer
                lock.unlock()
                guard let got else { continue }
                if let e = got.error { return fail("append \(k): \(e)") }
                if view == "list", let ref = got.ref {
                    for p in pending where screens[p.screen].seenAt == nil && screens[p.screen].text.contains(ref) {
                        screens[p.screen].seenAt = p.at
                    }
                    pending = []
                }
                done = screens.allSatisfy { $0.seenAt != nil }
                if done { ackLatencies.append(got.at - t0) }
            }
            for (i, s) in screens.enumerated() {
                if let at = s.seenAt { latencies[i].append(at - t0) } else { missed += 1 }
            }
            if each {
                let seen = screens.compactMap { $0.seenAt.map { ($0 - t0) * 1000 } }
                Bench.say(String(format: "append %d: seen on %d of %d screens, first %.0f ms, last %.0f ms", k, seen.count, count, seen.min() ?? -1, seen.max() ?? -1))
            }
        }
        func pct(_ v: [Double], _ p: Double) -> Double {
            let s = v.sorted()
            return s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * p))]
        }
        let all = latencies.flatMap { $0 }
        // The screen redrawn first and last for each append.
        var firsts: [Double] = [], lasts: [Double] = []
        for k in 0..<appends {
            let times = latencies.compactMap { $0.count > k ? $0[k] : nil }
            if let f = times.min() { firsts.append(f) }
            if let l = times.max() { lasts.append(l) }
        }
        let ms = { (x: Double) in String(format: "%.0f", x * 1000) }
        Bench.say("screen-push \(view) screens=\(count): all screens p50 \(ms(pct(all, 0.5))) ms, p99 \(ms(pct(all, 0.99))) ms, max \(ms(all.max() ?? 0)) ms; "
                  + "first screen p50 \(ms(pct(firsts, 0.5))) p99 \(ms(pct(firsts, 0.99))) ms; last screen p50 \(ms(pct(lasts, 0.5))) p99 \(ms(pct(lasts, 0.99))) ms; "
                  + "append acknowledged p50 \(ms(pct(ackLatencies, 0.5))) ms; not seen within 10 s: \(missed)")
        return missed == 0 ? 0 : 1
    }

    /// Reads every screen's frames until `until` (or the first arrival
    /// after it); calls `onFrame` with the screen's index and whether the
    /// frame carried a change highlight. True if any frame arrived.
    static func pump(_ screens: [Screen], until: Double, onFrame: (Int, Bool) -> Void) -> Bool {
        var fds = screens.map { pollfd(fd: $0.connection.descriptor, events: Int16(POLLIN), revents: 0) }
        var any = false
        while true {
            let wait = max(0, Int32((until - now()) * 1000))
            let n = poll(&fds, nfds_t(fds.count), wait)
            if n <= 0 { return any }
            for i in fds.indices where fds[i].revents != 0 {
                fds[i].revents = 0
                guard let messages = try? screens[i].connection.receiveAvailable() else { continue }
                for m in messages {
                    if case .frame(let f) = m {
                        any = true
                        onFrame(i, screens[i].apply(f))
                    }
                }
            }
            if now() >= until { return any }
        }
    }

    /// The ticket ref in a `log` answer: the first word with a letter,
    /// a digit and a dash (e.g. BSC-2026-000123).
    static func ref(in output: String) -> String? {
        for word in output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ":" || $0 == "," }) {
            if word.contains("-") && word.contains(where: \.isNumber) && word.contains(where: \.isLetter) {
                return String(word.trimmingCharacters(in: .punctuationCharacters))
            }
        }
        return nil
    }
}
