#if canImport(Glibc)
import Glibc
#endif

/// Runs `body(0..<count)` on `threads` extra threads plus the caller, each
/// index once, in no particular order; returns when all are done. With
/// 0 threads (one CPU, or BSCDESK_DECODE_THREADS=0) everything runs on
/// the caller. Used for decoding independent blocks of a snapshot.
func parallelForEach(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let work = IndexDispenser(count: count, body: body)
    let workers = startThreads(min(threads, max(0, count - 1))) { work.run() }
    work.run()
    joinThreads(workers)
}

/// Starts up to `count` threads running `body`; returns the ones that
/// started (maybe none: callers must cope).
func startThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) -> [pthread_t] {
    final class Task { let run: @Sendable () -> Void; init(_ run: @escaping @Sendable () -> Void) { self.run = run } }
    var started: [pthread_t] = []
    for _ in 0..<max(0, count) {
        var tid = pthread_t()
        let arg = Unmanaged.passRetained(Task(body)).toOpaque()
        if pthread_create(&tid, nil, { arg in
            Unmanaged<Task>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, arg) == 0 {
            started.append(tid)
        } else {
            Unmanaged<Task>.fromOpaque(arg).release()
        }
    }
    return started
}

func joinThreads(_ threads: [pthread_t]) {
    for t in threads { pthread_join(t, nil) }
}

/// Hands out indices one at a time under a mutex.
private final class IndexDispenser: @unchecked Sendable {
    let count: Int
    let body: @Sendable (Int) -> Void
    private var next = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(count: Int, body: @escaping @Sendable (Int) -> Void) {
        self.count = count
        self.body = body
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func run() {
        while true {
            pthread_mutex_lock(mutex)
            let k = next
            next += 1
            pthread_mutex_unlock(mutex)
            guard k < count else { return }
            body(k)
        }
    }
}
