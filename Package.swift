// swift-tools-version:6.0
import PackageDescription

// Module layout (see docs/architecture.md):
//   BSCCore     domain: tickets, events, calendar, SLA, metrics. No I/O.
//   BSCJournal  JSON-lines files, locks, append protocol, recovery.
//   BSCApp      services shared by the CLI and the TUI: data directory,
//               configuration, identity, permissions, commands, reports.
//   BSCImport   bscdesk import: other helpdesks' exports into events.
//   BSCUI       cell grid, widgets, screens, themes. Never imports curses.
//   BSCTerminal the only importer of the ncurses shim.
//   bscdesk     thin executable: argument parsing and wiring.
//   BSCProtocol, BSCServer, BSCClient: the team server (docs/protocol.md).
let package = Package(
    name: "bscdesk",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bscdesk", targets: ["bscdesk"]),
        .executable(name: "bscdesk-bench", targets: ["bscdesk-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .target(name: "BSCCore"),
        .target(
            name: "BSCJournal",
            dependencies: ["BSCCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "BSCApp",
            dependencies: [
                "BSCCore", "BSCJournal",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // bscdesk import: other helpdesks' exports read and mapped into
        // stories of events, appended through the Desk. No terminal I/O.
        .target(
            name: "BSCImport",
            dependencies: [
                "BSCCore", "BSCJournal", "BSCApp",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The team server's wire messages: framing and Codable types, no I/O
        // (the frame decoder both sides' channels use needs NIOCore's buffers).
        .target(name: "BSCProtocol", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // The team server: one projection, clients known by SO_PEERCRED.
        .target(
            name: "BSCServer",
            dependencies: [
                "BSCCore", "BSCJournal", "BSCApp", "BSCProtocol",
                // The board's printed frame (`board --print`) is drawn by BSCUI.
                "BSCUI",
                // `import` runs the same importer as in-process.
                "BSCImport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The journal on PostgreSQL (docs/postgresql.md): only the server
        // and the tools that move journals in and out link it.
        .target(
            name: "BSCPostgres",
            dependencies: [
                "BSCCore", "BSCJournal",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The client side: finds the server and speaks the protocol.
        .target(
            name: "BSCClient",
            dependencies: [
                "BSCProtocol", "BSCJournal",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(name: "BSCUI", dependencies: ["BSCCore", "BSCApp", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "BSCTerminal", dependencies: ["BSCUI", "CNcursesw"]),
        .executableTarget(
            name: "bscdesk",
            dependencies: [
                "BSCCore", "BSCJournal", "BSCApp", "BSCUI", "BSCTerminal",
                "BSCProtocol", "BSCServer", "BSCClient", "BSCImport", "BSCPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "bscdesk-bench",
            dependencies: ["BSCCore", "BSCJournal", "BSCApp", "BSCUI", "BSCProtocol", "BSCClient", "BSCImport", "BSCPostgres"]
        ),
        // Test doubles (the in-memory event store, a manual clock, an
        // in-memory terminal): tests only, never linked into the product.
        .target(name: "BSCTestSupport", dependencies: ["BSCCore", "BSCJournal", "BSCUI"], path: "Tests/BSCTestSupport"),
        .testTarget(name: "BSCCoreTests", dependencies: ["BSCCore", "BSCTestSupport"]),
        .testTarget(name: "BSCJournalTests", dependencies: ["BSCCore", "BSCJournal", "BSCTestSupport"]),
        .testTarget(name: "BSCAppTests", dependencies: ["BSCCore", "BSCJournal", "BSCApp", "BSCTestSupport"]),
        .testTarget(name: "BSCUITests", dependencies: ["BSCCore", "BSCApp", "BSCUI", "BSCTestSupport"]),
        .testTarget(name: "BSCProtocolTests", dependencies: ["BSCProtocol"]),
        .testTarget(name: "BSCClientTests", dependencies: ["BSCProtocol", "BSCClient",
                                                         .product(name: "NIOCore", package: "swift-nio"),
                                                         .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "BSCServerTests", dependencies: ["BSCCore", "BSCApp", "BSCUI", "BSCProtocol", "BSCServer",
                                                         .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "BSCImportTests", dependencies: ["BSCCore", "BSCJournal", "BSCApp", "BSCImport", "BSCTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "BSCPostgresTests", dependencies: ["BSCCore", "BSCJournal", "BSCPostgres", "BSCTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["BSCCore", "BSCJournal", "BSCTestSupport", "bscdesk", "bscdesk-bench"],
                    // Python helpers the tests run by path, not sources.
                    exclude: ["Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)

// Strict settings for every target of ours, in one place: Swift 6 mode
// (complete concurrency checking) above, and no warning left standing.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-warnings-as-errors"])]
}
