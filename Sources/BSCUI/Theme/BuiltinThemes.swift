// Generated from themes/*.toml: keep identical (a test compares them).
// Embedded so an installed binary needs no theme files.

enum BuiltinThemes {
    static let all: [(name: String, text: String)] = [
        ("default", #"""
# bscdesk built-in theme "default": 256 colours on the terminal's own
# background. Terminals with fewer than 256 colours get "default-16".
# Format and role names: docs/themes.md

name = "default"

[palette]
text = "default"
muted = 245
accent = 75
bar-fg = 255
bar-bg = 24
key-bg = 31
select-fg = 255
select-bg = 25
select-dim-bg = 238
field-bg = 236
field-focus-bg = 238
alert = 203
caution = 214
ok = 114
badge-bg = 61

[roles]
normal = { fg = "text", bg = "default" }
dim = { fg = "muted" }
title = { fg = "accent", modifiers = ["bold"] }
header = { fg = "accent", modifiers = ["bold", "underline"] }
selection = { fg = "select-fg", bg = "select-bg", modifiers = ["bold"] }
"selection.inactive" = { fg = "text", bg = "select-dim-bg", modifiers = [] }
status-bar = { fg = "bar-fg", bg = "bar-bg" }
function-key = { fg = "bar-fg", bg = "bar-bg" }
"function-key.key" = { bg = "key-bg", modifiers = ["bold"] }
input = { fg = "text", bg = "field-bg" }
"input.focused" = { bg = "field-focus-bg" }
"input.placeholder" = { fg = "muted" }
error = { fg = "alert", modifiers = ["bold"] }
warning = { fg = "caution" }
success = { fg = "ok" }
"rag.red" = { fg = "alert", modifiers = ["bold"] }
"rag.amber" = { fg = "caution" }
"rag.green" = { fg = "ok" }
"sla.breached" = { fg = "alert", modifiers = ["bold", "reverse"] }
"sla.at-risk" = { fg = "caution", modifiers = ["bold"] }
"sla.on-track" = { fg = "ok" }
"changed.up" = { fg = "ok", modifiers = ["bold"] }
"changed.down" = { fg = "alert", modifiers = ["bold"] }
border = { fg = "muted" }
help = { fg = "text" }
badge = { fg = "bar-fg", bg = "badge-bg" }
restricted = { fg = "caution", modifiers = ["underline"] }

"""#),
        ("default-16", #"""
# bscdesk built-in theme "default-16": "default" for terminals with 16
# colours (chosen automatically below 256). Only the palette changes.

name = "default-16"
inherits = "default"

[palette]
muted = "bright-black"
accent = "bright-cyan"
bar-fg = "bright-white"
bar-bg = "blue"
key-bg = "cyan"
select-fg = "black"
select-bg = "cyan"
select-dim-bg = "bright-black"
field-bg = "default"
field-focus-bg = "default"
alert = "bright-red"
caution = "yellow"
ok = "green"
badge-bg = "magenta"

[roles]
# Without a distinct field background, fields are underlined.
input = { fg = "text", bg = "field-bg", modifiers = ["underline"] }
"input.focused" = { modifiers = ["underline", "bold"] }

"""#),
        ("high-contrast", #"""
# bscdesk built-in theme "high-contrast": bright text on black, strong
# selection, and every status readable from across the counter. Uses only
# the 16 ANSI colours, so it looks the same on any colour terminal.

name = "high-contrast"

[roles]
normal = { fg = "bright-white", bg = "black" }
dim = { fg = "white" }
title = ["bright-yellow", "bold"]
header = { fg = "bright-white", modifiers = ["bold", "underline"] }
selection = { fg = "black", bg = "bright-yellow", modifiers = ["bold"] }
"selection.inactive" = { fg = "black", bg = "white", modifiers = [] }
status-bar = { fg = "black", bg = "bright-white", modifiers = ["bold"] }
function-key = { fg = "black", bg = "bright-cyan" }
"function-key.key" = { fg = "bright-white", bg = "black", modifiers = ["bold"] }
input = { fg = "bright-white", bg = "blue" }
"input.focused" = { modifiers = ["bold", "underline"] }
"input.placeholder" = { fg = "bright-cyan" }
error = { fg = "bright-white", bg = "red", modifiers = ["bold"] }
warning = { fg = "black", bg = "bright-yellow" }
success = { fg = "black", bg = "bright-green" }
"rag.red" = { fg = "bright-white", bg = "red", modifiers = ["bold"] }
"rag.amber" = { fg = "black", bg = "bright-yellow" }
"rag.green" = { fg = "black", bg = "bright-green" }
"sla.breached" = { fg = "bright-white", bg = "red", modifiers = ["bold"] }
"sla.at-risk" = { fg = "black", bg = "bright-yellow", modifiers = ["bold"] }
"sla.on-track" = { fg = "bright-green" }
"changed.up" = ["bright-green", "bold"]
"changed.down" = ["bright-red", "bold"]
border = { fg = "bright-white" }
help = { fg = "bright-white", bg = "black" }
badge = { fg = "black", bg = "bright-cyan" }
restricted = ["bright-magenta", "bold", "underline"]

"""#),
        ("monochrome", #"""
# bscdesk built-in theme "monochrome": attributes only, no colour. Used
# when NO_COLOR is set or the terminal has fewer than 8 colours. Every role
# that matters must still be told apart by bold, dim, reverse or underline.

name = "monochrome"

[roles]
normal = { fg = "default", bg = "default", modifiers = [] }
dim = ["dim"]
title = ["bold"]
header = ["bold", "underline"]
selection = ["reverse", "bold"]
"selection.inactive" = ["reverse"]
status-bar = ["reverse"]
"function-key.label" = ["reverse"]
"function-key.key" = ["bold"]
input = ["underline"]
"input.focused" = ["underline", "bold"]
"input.placeholder" = ["underline", "dim"]
error = ["bold", "reverse"]
warning = ["bold"]
success = ["underline"]
"rag.red" = ["bold", "underline"]
"rag.amber" = ["bold"]
"rag.green" = { modifiers = [] }
"sla.breached" = ["bold", "underline"]
"sla.at-risk" = ["bold"]
"sla.on-track" = { modifiers = [] }
"changed.up" = ["bold"]
"changed.down" = ["underline"]
border = ["dim"]
help = { modifiers = [] }
badge = ["reverse"]
restricted = ["underline"]

"""#),
        ("light", #"""
# bscdesk built-in theme "light": "default" re-tuned for light terminal
# backgrounds (dark text colours, pale bars and selection).

name = "light"
inherits = "default"

[palette]
muted = 242
accent = 25
bar-fg = 16
bar-bg = 252
key-bg = 31
select-fg = 16
select-bg = 153
select-dim-bg = 254
field-bg = 255
field-focus-bg = 230
alert = 160
caution = 130
ok = 28
badge-bg = 189

[roles]
"function-key.key" = { fg = 231, bg = "key-bg", modifiers = ["bold"] }
badge = { fg = 16, bg = "badge-bg" }

"""#),
    ]

    static func text(named name: String) -> String? { all.first { $0.name == name }?.text }
}
