import BSCApp

/// Starts the terminal front desk. Filled in by the UI layer.
enum FrontDesk {
    static func launch(desk: Desk) throws {
        throw DeskError(.usage, "the terminal front desk is not built yet; use the subcommands (bscdesk --help)")
    }
}
