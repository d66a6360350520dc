import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

// Terminal restoration that must work outside the main actor: from signal
// handlers and atexit. It only reads a flag and calls endwin.

/// Whether curses owns the terminal. Written on the main actor, read by the
/// handlers below.
nonisolated(unsafe) var cursesActive = false

/// The handlers that were installed before ours, per signal number, so a
/// crash still reaches the Swift runtime's backtracer after endwin.
nonisolated(unsafe) private let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
nonisolated(unsafe) private var handlersInstalled = false

private let restoredSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

/// Called first on SIGHUP, SIGTERM, SIGINT, a crash or exit, before the
/// terminal is restored: e.g. to flush the call draft. Must use only
/// async-signal-safe calls.
nonisolated(unsafe) public var terminalSignalHook: (@convention(c) (Int32) -> Void)?

private func restoreAndReraise(_ sig: Int32) {
    terminalSignalHook?(sig)
    if cursesActive {
        cursesActive = false
        endwin()
    }
    // Put back the previous action (default: terminate, exit status 128+sig
    // as the shell sees it; or the runtime's crash reporter) and re-raise.
    sigaction(sig, previousActions.advanced(by: Int(sig)), nil)
    raise(sig)
}

@MainActor func installTerminalRestoreHandlers() {
    guard !handlersInstalled else { return }
    handlersInstalled = true
    atexit {
        terminalSignalHook?(0)
        if cursesActive {
            cursesActive = false
            endwin()
        }
    }
    for sig in restoredSignals {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { restoreAndReraise($0) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(sig, &action, previousActions.advanced(by: Int(sig)))
        // Respect an inherited "ignore" (nohup): keep ignoring.
        if previousActions[Int(sig)].__sigaction_handler.sa_handler.map({ unsafeBitCast($0, to: Int.self) }) == 1 {
            sigaction(sig, previousActions.advanced(by: Int(sig)), nil)
        }
    }
}
