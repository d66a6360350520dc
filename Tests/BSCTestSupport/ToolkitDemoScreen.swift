import BSCCore
import BSCUI

/// A screen exercising the toolkit (a name field with suggestions, a table
/// of 100k synthetic tickets, a sparkline): a sample screen for the
/// toolkit's tests, and a worked example of writing a screen.
public struct ToolkitDemoScreen: Screen {
    enum Action: Sendable { case switchFocus, save, clear }
    enum Focus { case field, table }

    /// Synthetic rows computed on demand: 100k without storing them.
    struct Tickets: TableDataSource {
        let count: Int
        static let names = ["Zoë Łukasik", "山田太郎", "O'Brien-Smith", "Ngozi Okonkwo", "Siôn Jones", "Ana García"]
        func row(at i: Int) -> [String] {
            ["T\(100_000 + i)", Self.names[i % Self.names.count], ["Housing", "Council tax", "Parking", "Waste"][i % 4], ["RED", "AMBER", "GREEN"][i % 3]]
        }
        func rowStyle(at i: Int) -> Style? { i % 3 == 0 ? Style(.slaBreached) : nil }
    }

    let bindings = KeyBindingTable<Action>([
        KeyBinding([.tab, .backTab], help: "Switch between the name field and the table", action: .switchFocus),
        KeyBinding([.function(2), .ctrl("s")], bar: "Save", help: "Pretend to save the name", action: .save),
        KeyBinding([.function(8)], bar: "Clear", help: "Clear the name field", action: .clear),
    ])

    var field = TextFieldState()
    var suggestions = TypeAheadState(candidates: Tickets.names)
    var table = TableState()
    var focus = Focus.field
    let tickets: Tickets
    var loads: [Double] = [3, 5, 2, 8, 6, 9, 4, 7, 10, 6, 3, 5]

    public init(rows: Int = 100_000) { tickets = Tickets(count: rows) }

    public var title: String { "Toolkit demo" }
    public var minimumSize: Size { Size(width: 40, height: 10) }
    public var keyHelp: KeyHelp { bindings.help }
    public var statusText: String { "\(tickets.count) tickets" }

    public mutating func render(into grid: inout CellGrid, area: Rect, context: RenderContext) {
        let parts = area.rows([.fixed(1), .fixed(1), .flex(), .fixed(1)])
        TextField(label: "Name: ", placeholder: "type a caller name", focused: focus == .field)
            .render(in: parts[0], grid: &grid, state: &field)
        let hint = focus == .field ? (suggestions.current.map { "Suggest: \($0)" } ?? "no match") : ""
        grid.put(hint, in: parts[1], style: Style(.dim))
        TableView(
            columns: [.fixed("Ticket", 7), .flex("Caller", weight: 2), .flex("Service"), .fixed("RAG", 5)],
            focused: focus == .table
        ).render(in: parts[2], grid: &grid, state: &table, data: tickets)
        let (label, spark) = parts[3].splitLeft(6)
        grid.put("Load ", in: label, style: Style(.dim))
        Sparkline(loads, unicode: context.unicode).render(in: spark, grid: &grid)
    }

    public mutating func handle(_ key: Key, context: RenderContext) -> ScreenOutcome {
        if let action = bindings.action(for: key) {
            switch action {
            case .switchFocus: focus = focus == .field ? .table : .field
            case .save:
                return field.text.isEmpty ? .message(.error("Name is empty")) : .message(Message(.success, "Saved \(field.text)"))
            case .clear:
                field.text = ""
                suggestions.update(query: "")
            }
            return .handled
        }
        switch focus {
        case .field:
            if key == .enter, let pick = suggestions.current {
                field.text = pick
                return .handled
            }
            if suggestions.handle(key) { return .handled }
            if field.handle(key) {
                suggestions.update(query: field.text)
                return .handled
            }
        case .table:
            if table.handle(key, count: tickets.count) { return .handled }
        }
        return .ignored
    }

    public mutating func tick(now: Instant) -> Bool {
        // A live value: the load trend shifts once per tick.
        loads.append(Double((now.millis / 1000) % 11))
        loads.removeFirst()
        return true
    }
}
