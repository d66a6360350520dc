#if canImport(Glibc)
import Glibc
#endif

/// Tells a live screen, without blocking, whether other processes have
/// appended to the journal since it last asked. Reads only: it never opens a
/// segment for writing and never takes the journal lock, so it cannot slow
/// the people logging calls.
///
/// Linux inotify on the journal directory where it works (a change reaches
/// readers in well under a millisecond); otherwise, or with
/// `BSCDESK_NO_INOTIFY=1`, a poll of the newest segment's size and the
/// directory's modification time every `pollIntervalMillis` (an `fstat` is
/// ~300 ns). inotify does not see writes made on another NFS client; the
/// poll does, at the poll's delay.
public final class JournalWatcher {
    public enum Mode: String, Sendable { case inotify, polling }

    public let directory: String
    public private(set) var mode: Mode
    public let pollIntervalMillis: Int64
    /// Polls done and changes reported, for the latency benchmark and doctor.
    public private(set) var checks = 0
    public private(set) var wakeups = 0

    private var inotifyFD: Int32 = -1
    private var watching = false
    private var lastPoll: Int64 = -(1 << 40)  // "long ago", without overflow when subtracted
    private var lastRetry: Int64 = -(1 << 40)
    private var seen = Fingerprint()
    private var segmentFD: Int32 = -1
    private var segmentName = ""

    /// What the poll compares: the directory (new segments, renames) and
    /// the newest segment's size.
    private struct Fingerprint: Equatable {
        var directoryExists = false
        var directoryMTime = timespec()
        var segment = ""
        var size: Int64 = -1

        static func == (a: Fingerprint, b: Fingerprint) -> Bool {
            a.directoryExists == b.directoryExists && a.directoryMTime.tv_sec == b.directoryMTime.tv_sec
                && a.directoryMTime.tv_nsec == b.directoryMTime.tv_nsec && a.segment == b.segment && a.size == b.size
        }
    }

    public init(directory: String, environment: [String: String], pollIntervalMillis: Int64 = 250) {
        self.directory = directory
        self.pollIntervalMillis = pollIntervalMillis
        let forcePolling = (environment["BSCDESK_NO_INOTIFY"] ?? "").isEmpty == false && environment["BSCDESK_NO_INOTIFY"] != "0"
        mode = .polling
        if !forcePolling {
            let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            if fd >= 0 {
                inotifyFD = fd
                mode = .inotify
                _ = addWatch()
            }
            // EMFILE (128 instances per user by default) or ENOSYS: poll.
        }
        seen = fingerprint()
    }

    deinit {
        if inotifyFD >= 0 { close(inotifyFD) }
        if segmentFD >= 0 { close(segmentFD) }
    }

    /// The inotify descriptor, readable when something changed; nil when
    /// polling. A run loop may wait on it with `poll(2)`.
    public var fileDescriptor: Int32? { mode == .inotify && watching ? inotifyFD : nil }

    private func addWatch() -> Bool {
        let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        watching = inotify_add_watch(inotifyFD, directory, mask) >= 0
        return watching
    }

    /// True when the journal may have changed since the last call. Never
    /// blocks; cheap enough to call on every UI tick.
    public func changed() -> Bool {
        checks += 1
        let now = Self.monotonicMillis()
        var result = false
        if mode == .inotify {
            if watching {
                result = drain()
            } else if now - lastRetry >= pollIntervalMillis {
                // The directory did not exist yet (no ticket ever logged).
                lastRetry = now
                if addWatch() { result = true }
            }
        } else if now - lastPoll >= pollIntervalMillis {
            lastPoll = now
            let f = fingerprint()
            if f != seen {
                seen = f
                result = true
            }
        }
        if result { wakeups += 1 }
        return result
    }

    /// Reads every queued inotify event; true if there was at least one.
    private func drain() -> Bool {
        var any = false
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
            if n > 0 {
                any = true
                // The directory went away or was replaced: watch it again later.
                if scanForSelfEvents(buf, count: n) { watching = false }
                continue
            }
            break  // EAGAIN: nothing more queued
        }
        return any
    }

    private func scanForSelfEvents(_ buf: [UInt8], count: Int) -> Bool {
        var off = 0
        let header = MemoryLayout<inotify_event>.size
        var gone = false
        while off + header <= count {
            let (mask, len) = buf.withUnsafeBytes { raw -> (UInt32, UInt32) in
                let e = raw.loadUnaligned(fromByteOffset: off, as: inotify_event.self)
                return (e.mask, e.len)
            }
            if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_IGNORED)) != 0 { gone = true }
            off += header + Int(len)
        }
        return gone
    }

    private func fingerprint() -> Fingerprint {
        var f = Fingerprint()
        var st = stat()
        guard stat(directory, &st) == 0 else { return f }
        f.directoryExists = true
        f.directoryMTime = st.st_mtim
        let newest = newestSegment()
        if newest != segmentName || segmentFD < 0 {
            if segmentFD >= 0 { close(segmentFD) }
            segmentFD = newest.isEmpty ? -1 : open(directory + "/" + newest, O_RDONLY | O_CLOEXEC)
            segmentName = newest
        }
        f.segment = segmentName
        if segmentFD >= 0, fstat(segmentFD, &st) == 0 { f.size = Int64(st.st_size) }
        return f
    }

    /// The newest `YYYY-MM.jsonl`; rescanned only when the directory's
    /// modification time moved (a segment was created) or on first use.
    private var cachedMTime = timespec(tv_sec: -1, tv_nsec: 0)
    private func newestSegment() -> String {
        var st = stat()
        guard stat(directory, &st) == 0 else { return "" }
        if st.st_mtim.tv_sec == cachedMTime.tv_sec && st.st_mtim.tv_nsec == cachedMTime.tv_nsec && !segmentName.isEmpty {
            return segmentName
        }
        cachedMTime = st.st_mtim
        guard let dir = opendir(directory) else { return "" }
        defer { closedir(dir) }
        var best = ""
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if Self.isSegmentName(name) && name > best { best = name }
        }
        return best
    }

    static func isSegmentName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count == 13, name.hasSuffix(".jsonl"), u[4] == UInt8(ascii: "-") else { return false }
        return u[0..<4].allSatisfy { $0 >= 48 && $0 <= 57 } && u[5..<7].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func monotonicMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
