import BSCTestSupport
import BSCApp
import BSCCore
import Foundation
import Testing
@testable import BSCUI

/// Prints how long the ticket list takes from a key to a rendered frame on a
/// big data directory. Never asserts a time (machines differ). Opt in with
/// BSCDESK_PERF_DATA=<dir made by `bscdesk demo --tickets 100000`>; run it
/// on a release build for the figure that matters.
@Suite struct KeystrokeToFrameTiming {
    static let data = ProcessInfo.processInfo.environment["BSCDESK_PERF_DATA"]

    @Test(.enabled(if: data != nil)) func listScreenKeyToFrame() throws {
        let desk = try Desk.open(dataOption: Self.data, environment: ["BSCDESK_USER": "tester", "BSCDESK_SYSTEM_CONFIG": "/nonexistent"])
        try desk.load()
        let session = DeskSession(desk: desk, drafts: nil)
        var t = TestTerminal(root: FrontDeskTabs.root(session: session), now: desk.now())
        t.press(.function(3))  // first frame builds the index
        let keys: [Key] = [.down, .down, .pageDown, .char("j"), .char("k"), .pageUp, .end, .home]
        var samples: [Double] = []
        for i in 0..<400 {
            let start = DispatchTime.now().uptimeNanoseconds
            t.press(keys[i % keys.count])
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        let rebuild = DispatchTime.now().uptimeNanoseconds
        t.press(.char("t"))  // a filter change rebuilds the index once
        let rebuildMs = Double(DispatchTime.now().uptimeNanoseconds - rebuild) / 1e6
        print("keystroke-to-frame, list of \(desk.store.count) tickets: median \(samples[samples.count / 2]) ms, p95 \(samples[samples.count * 95 / 100]) ms, max \(samples.last!) ms; filter change (index rebuild) \(rebuildMs) ms")
        #expect(t.frameCount > 400)
    }
}
