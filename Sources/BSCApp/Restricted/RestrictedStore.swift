import BSCCore
import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The files that hold the personal content of restricted tickets:
/// `DATA/restricted/<queue>/<login>/YYYY-MM.jsonl`, one journal per writer,
/// written with the same append protocol as the main journal.
///
/// When the queue's `group` exists on the system (and the writer may give
/// files to it), the queue folder is a drop box (mode 3773: setgid, sticky,
/// others may create but not list), each writer's folder is 2750 and its
/// files 0640, group = the queue's group: the team reads everything, a
/// writer outside it reads only what they wrote, nobody else reads anything.
/// Without the group, everything is owner-only (0700 folders, 0600 files).
struct RestrictedStore {
    let root: String
    let fs: FileLayer
    let clock: Clock

    init(data: DataDirectory, fs: FileLayer, clock: Clock) {
        self.root = data.path + "/restricted"
        self.fs = fs
        self.clock = clock
    }

    var exists: Bool { access(root, F_OK) == 0 }

    func queueDirectory(_ queue: String) -> String { root + "/" + queue }

    static func groupId(_ name: String?) -> gid_t? {
        guard let name, !name.isEmpty, let g = getgrnam(name) else { return nil }
        return g.pointee.gr_gid
    }

    /// Creates a folder if missing and sets its group and mode. Returns
    /// false when the group could not be given (then the caller falls back
    /// to owner-only modes).
    private func makeFolder(_ path: String, mode: mode_t, gid: gid_t?) throws(DeskError) -> Bool {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw DeskError(.ioFailure, "cannot create \(path): \(String(cString: strerror(errno))); nothing was saved")
        }
        var ok = true
        if let gid {
            var st = stat()
            if stat(path, &st) == 0, st.st_gid != gid, chown(path, uid_t.max, gid) != 0 { ok = false }
        }
        _ = chmod(path, ok ? mode : 0o700)
        return ok
    }

    /// Appends sealed-content events to this writer's journal of `queue`.
    func write(_ events: [Event], queue: String, group: String?, login: String) throws(DeskError) {
        guard !events.isEmpty else { return }
        let gid = Self.groupId(group)
        _ = try makeFolder(root, mode: 0o711, gid: nil)
        let shared = try makeFolder(queueDirectory(queue), mode: gid == nil ? 0o700 : 0o3773, gid: gid)
        let mine = queueDirectory(queue) + "/" + login
        let sharedMine = try makeFolder(mine, mode: shared && gid != nil ? 0o2750 : 0o700, gid: shared ? gid : nil)
        let groupShared = shared && sharedMine && gid != nil
        let journal = Journal(directory: mine, fs: fs, clock: clock,
                              fileMode: groupShared ? 0o640 : 0o600, directoryMode: groupShared ? 0o2750 : 0o700)
        var cursor: JournalCursor? = nil
        do {
            _ = try journal.append(cursor: &cursor) { _ in events }
        } catch {
            throw DeskError.from(error)
        }
    }

    /// Sealed content by event id, from every writer's journal of the queues
    /// `mayRead` allows, plus `login`'s own journals of the others.
    func readContent(mayRead: (String) -> Bool, login: String) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        guard let queues = try? fs.list(root) else { return out }
        for q in queues where !q.hasPrefix(".") {
            let qdir = queueDirectory(q)
            let writers: [String]
            if mayRead(q) {
                writers = (try? fs.list(qdir)) ?? []
            } else {
                writers = access(qdir + "/" + login, R_OK | X_OK) == 0 ? [login] : []
            }
            for w in writers where !w.hasPrefix(".") {
                let dir = qdir + "/" + w
                guard access(dir, R_OK | X_OK) == 0 else { continue }
                let j = Journal(directory: dir, fs: fs, clock: clock)
                var c = JournalCursor()
                _ = try? j.read(from: &c) { d in
                    if case .sealedContent(let of, let content) = d.event.body { out[of] = content }
                } issue: { _ in }
            }
        }
        return out
    }
}
