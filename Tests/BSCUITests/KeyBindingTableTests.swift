import Testing
@testable import BSCUI

@Suite struct KeyBindingTableTests {
    enum Act: Equatable { case help, save, find, quit }
    let table = KeyBindingTable<Act>([
        KeyBinding([.function(2), .ctrl("s")], bar: "Save", help: "Save the ticket", action: .save),
        KeyBinding([.function(1), .char("?")], bar: "Help", help: "Show help", action: .help),
        KeyBinding([.char("/")], help: "Find", action: .find),
        KeyBinding([.function(10)], bar: "Quit", help: "Quit", action: .quit),
    ])

    @Test func lookup() {
        #expect(table.action(for: .ctrl("s")) == .save)
        #expect(table.action(for: .function(2)) == .save)
        #expect(table.action(for: .char("/")) == .find)
        #expect(table.action(for: .char("x")) == nil)
        #expect(table.duplicateKeys.isEmpty)
    }

    @Test func barAndHelpComeFromTheSameTable() {
        var bar = CellGrid(width: 40, height: 1)
        FunctionKeyBar(table.help).render(in: bar.bounds, grid: &bar)
        #expect(bar.rows() == ["F1Help  F2Save  F10Quit"])

        var g = CellGrid(width: 40, height: 10)
        HelpOverlay(title: "Help", help: table.help).render(in: g.bounds, grid: &g)
        // Every key on the bar appears in the help, with its help text.
        for entry in table.help.barEntries {
            let line = g.rows().first { $0.contains(entry.help) }
            #expect(line?.contains(entry.keyList) == true)
        }
        #expect(HelpOverlay(help: table.help).lines() == [
            "F2, ^S  Save the ticket",
            "F1, ?   Show help",
            "/       Find",
            "F10     Quit",
        ])
    }

    @Test func mergeKeepsScreenKeysFirst() {
        let globals = KeyHelp([KeyHelp.Entry(keys: [.function(1)], barLabel: "Help", help: "global help"),
                               KeyHelp.Entry(keys: [.function(9)], barLabel: "Menu", help: "menu")])
        let merged = table.help.merged(with: globals)
        #expect(merged.entries.count == 5)
        #expect(merged.entries.last?.help == "menu")
    }
}
