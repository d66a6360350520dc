#if canImport(Glibc)
import Glibc
#endif

/// `BSCDESK_TRACE_STARTUP=FILE`: appends `first_frame SECONDS` once the
/// first frame has been written to the terminal and `history_loaded
/// SECONDS` once the ticket history is installed, in CLOCK_MONOTONIC
/// seconds, so a benchmark that started the process can time both.
/// Opt-in, for measurement; the file is created owner-only.
struct StartupTrace {
    let fd: Int32

    init?(environment: [String: String]) {
        guard let path = environment["BSCDESK_TRACE_STARTUP"], !path.isEmpty else { return nil }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    func mark(_ event: String) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let nanos = String(ts.tv_nsec)
        let line = "\(event) \(ts.tv_sec).\(String(repeating: "0", count: 9 - nanos.count) + nanos)\n"
        _ = line.withCString { write(fd, $0, strlen($0)) }
    }
}
