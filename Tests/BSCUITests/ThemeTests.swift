import Foundation
import Testing
@testable import BSCUI

@Suite(.serialized) struct ThemeTests {
    /// A scratch directory of user themes.
    func userDir(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bsc-themes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    func error(_ body: () throws -> Theme) -> ThemeError? {
        do {
            _ = try body()
            return nil
        } catch let e as ThemeError {
            return e
        } catch {
            return nil
        }
    }

    @Test func embeddedThemesEqualTheFilesInThemes() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: repo.appendingPathComponent("themes").path)
            .filter { $0.hasSuffix(".toml") }
        #expect(files.map { String($0.dropLast(5)) }.sorted() == ThemeLoader.builtinNames.sorted())
        for name in ThemeLoader.builtinNames {
            let text = try String(contentsOf: repo.appendingPathComponent("themes/\(name).toml"), encoding: .utf8)
            #expect(BuiltinThemes.text(named: name) == text, "BuiltinThemes.swift is out of date for \(name)")
        }
    }

    @Test func everyBuiltinLoadsAndResolvesEveryRole() throws {
        for name in ThemeLoader.builtinNames {
            let theme = try ThemeLoader.load(name: name)
            #expect(theme.styles.count == Role.allCases.count)
        }
        let d = try ThemeLoader.load(name: "default")
        #expect(d.style(for: .selection) == ThemeStyle(fg: TerminalColor(index: 255)!, bg: TerminalColor(index: 25)!, attributes: .bold))
        // "function-key.label" is not in the file: it falls back to "function-key".
        #expect(d.style(for: .functionKeyLabel).bg == TerminalColor(index: 24)!)
        // "input.placeholder" sets only fg; bg comes from "input".
        #expect(d.style(for: .placeholder) == ThemeStyle(fg: TerminalColor(index: 245)!, bg: TerminalColor(index: 236)!))
        // light inherits default and only swaps the palette.
        let light = try ThemeLoader.load(name: "light")
        #expect(light.style(for: .selection).bg == TerminalColor(index: 153)!)
        #expect(light.style(for: .selection).attributes == .bold)
    }

    @Test func monochromeUsesAttributesOnlyAndKeepsKeyRolesApart() throws {
        let m = try ThemeLoader.load(name: "monochrome")
        #expect(m.isAttributesOnly)
        // Roles that meet in one table, and in one form, must differ.
        for group: [Role] in [[.normal, .selection, .selectionInactive, .slaBreached, .slaAtRisk],
                              [.normal, .selection, .ragRed, .ragAmber],
                              [.input, .inputFocused, .placeholder, .error]] {
            #expect(Set(group.map { m.style(for: $0).attributes }).count == group.count, "\(group)")
        }
    }

    @Test func noColorAndColourCountFallbacks() throws {
        let mono = try ThemeLoader.select(name: "high-contrast", searchPaths: [], environment: ["NO_COLOR": "1"], colors: 256)
        #expect(mono.name == "monochrome")
        let empty = try ThemeLoader.select(name: nil, searchPaths: [], environment: ["NO_COLOR": ""], colors: 256)
        #expect(empty.name == "default")  // empty NO_COLOR means nothing
        let sixteen = try ThemeLoader.select(name: nil, searchPaths: [], environment: [:], colors: 16)
        #expect(sixteen.name == "default-16")
        #expect(sixteen.styles.values.allSatisfy { $0.fg.index < 16 && $0.bg.index < 16 })
        let eight = try ThemeLoader.select(name: "high-contrast", searchPaths: [], environment: [:], colors: 8)
        #expect(eight.styles.values.allSatisfy { $0.fg.index < 8 && $0.bg.index < 8 })
        #expect(eight.style(for: .normal).fg == TerminalColor(name: "white"))  // bright-white → white
        // light has no 16-colour variant: its 256 colours are mapped down.
        let light16 = try ThemeLoader.select(name: "light", searchPaths: [], environment: [:], colors: 16)
        #expect(light16.styles.values.allSatisfy { $0.fg.index < 16 && $0.bg.index < 16 })
        #expect(TerminalColor(index: 196)!.limited(to: 16) == TerminalColor(name: "bright-red"))
        let none = try ThemeLoader.select(name: nil, searchPaths: [], environment: [:], colors: 0)
        #expect(none.isAttributesOnly)
    }

    @Test func userThemesOverrideAndInherit() throws {
        let dir = try userDir([
            "default.toml": "inherits = \"default\"\n[roles]\nselection = { bg = 88 }\n",
            "mine.toml": "inherits = \"high-contrast\"\n[palette]\nbrand = 33\n[roles]\nrag.red = [\"brand\", \"bold\"]\n",
        ])
        let d = try ThemeLoader.load(name: "default", searchPaths: [dir])
        #expect(d.style(for: .selection).bg == TerminalColor(index: 88)!)
        #expect(d.style(for: .title).fg == TerminalColor(index: 75)!)  // rest from the built-in
        let mine = try ThemeLoader.load(name: "mine", searchPaths: [dir])
        #expect(mine.style(for: .ragRed) == ThemeStyle(fg: TerminalColor(index: 33)!, bg: TerminalColor(name: "black")!, attributes: .bold))
    }

    /// A user theme that is not the owner's, or too large, is skipped
    /// (named through `skipped`) and the built-in of that name is used.
    @Test func aThemeFileOfAnotherOwnerOrTooLargeIsSkippedForTheBuiltin() throws {
        let dir = try userDir([
            "default.toml": "inherits = \"default\"\n[roles]\nselection = { bg = 88 }\n",
            "light.toml": "inherits = \"light\"\n" + String(repeating: "#\n", count: 600_000),
        ])
        var skipped: [String] = []
        let d = try ThemeLoader.load(name: "default", searchPaths: [dir], owner: geteuid() &+ 1) { skipped.append($0) }
        #expect(d.style(for: .selection).bg != TerminalColor(index: 88)!, "the other owner's file was used")
        #expect(skipped.count == 1 && skipped[0].contains("default.toml not used: it is owned by user id"), "\(skipped)")
        skipped = []
        _ = try ThemeLoader.load(name: "light", searchPaths: [dir], owner: geteuid()) { skipped.append($0) }
        #expect(skipped.count == 1 && skipped[0].contains("larger than 1 MiB"), "\(skipped)")
        // Its own owner's file is used as before.
        #expect(try ThemeLoader.load(name: "default", searchPaths: [dir], owner: geteuid()).style(for: .selection).bg == TerminalColor(index: 88)!)
    }

    @Test func errorsNameFileKeyAndWhatIsAllowed() throws {
        let dir = try userDir([
            "badcolour.toml": "[roles]\ntitle = { fg = \"amberr\" }\n",
            "badrole.toml": "[roles]\n\"sla.braeched\" = \"red\"\n",
            "cycle-a.toml": "inherits = \"cycle-b\"\n",
            "cycle-b.toml": "inherits = \"cycle-a\"\n",
            "badmod.toml": "[roles]\ntitle = { modifiers = [\"blink\"] }\n",
            "badindex.toml": "[palette]\nx = 300\n",
            "syntax.toml": "[roles\n",
            "rgb.toml": "[roles]\ntitle = \"#ff0000\"\n",
            "toplevel.toml": "colours = 1\n",
            "noparent.toml": "inherits = \"nope\"\n",
        ])
        let colour = error { try ThemeLoader.load(name: "badcolour", searchPaths: [dir]) }
        #expect(colour?.file == dir + "/badcolour.toml")
        #expect(colour?.key == "roles.title.fg")
        #expect(colour?.message.contains("unknown colour \"amberr\"") == true)
        #expect(colour?.message.contains("bright-white") == true)
        #expect(colour?.description.hasPrefix(dir + "/badcolour.toml: roles.title.fg: ") == true)

        let role = error { try ThemeLoader.load(name: "badrole", searchPaths: [dir]) }
        #expect(role?.key == "roles.sla.braeched")
        #expect(role?.message.contains("unknown role") == true)
        #expect(role?.message.contains("sla.breached") == true)

        let cycle = error { try ThemeLoader.load(name: "cycle-a", searchPaths: [dir]) }
        #expect(cycle?.message == "inheritance cycle: cycle-a → cycle-b → cycle-a")
        #expect(cycle?.key == "inherits")

        #expect(error { try ThemeLoader.load(name: "badmod", searchPaths: [dir]) }?.message.contains("allowed: bold, dim, reverse, underline") == true)
        #expect(error { try ThemeLoader.load(name: "badindex", searchPaths: [dir]) }?.key == "palette.x")
        #expect(error { try ThemeLoader.load(name: "syntax", searchPaths: [dir]) }?.message.hasPrefix("not valid TOML") == true)
        #expect(error { try ThemeLoader.load(name: "rgb", searchPaths: [dir]) }?.message.contains("RGB colours are not supported") == true)
        #expect(error { try ThemeLoader.load(name: "toplevel", searchPaths: [dir]) }?.message.contains("unknown key") == true)
        let missing = error { try ThemeLoader.load(name: "noparent", searchPaths: [dir]) }
        #expect(missing?.message.contains("no theme named \"nope\"; available:") == true)
        #expect(missing?.message.contains("high-contrast") == true)
        #expect(error { try ThemeLoader.load(name: "../etc/passwd", searchPaths: [dir]) }?.message.contains("not a theme name") == true)
    }

    @Test func styleFlagsAddToTheRole() throws {
        let m = try ThemeLoader.load(name: "monochrome")
        #expect(m.resolve(Style(.title, underline: true)).attributes == [.bold, .underline])
    }
}
