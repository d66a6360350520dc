// The wide-character API must be switched on before the include, or
// get_wch, cchar_t and setcchar are invisible to Swift.
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <stdio.h>
#include <unistd.h>
#include <ncursesw/ncurses.h>

// Macros and C globals do not import into Swift 6 (or are strict-concurrency
// errors); these wrappers expose them as plain functions.
static inline attr_t cncursesw_a_normal(void) { return A_NORMAL; }
static inline attr_t cncursesw_a_bold(void) { return A_BOLD; }
static inline attr_t cncursesw_a_dim(void) { return A_DIM; }
static inline attr_t cncursesw_a_reverse(void) { return A_REVERSE; }
static inline attr_t cncursesw_a_underline(void) { return A_UNDERLINE; }
static inline WINDOW *cncursesw_stdscr(void) { return stdscr; }
static inline int cncursesw_lines(void) { return LINES; }
static inline int cncursesw_cols(void) { return COLS; }
static inline int cncursesw_colors(void) { return COLORS; }
static inline int cncursesw_color_pairs(void) { return COLOR_PAIRS; }
static inline int cncursesw_key_f(int n) { return KEY_F(n); }
static inline FILE *cncursesw_stdin(void) { return stdin; }
static inline FILE *cncursesw_stdout(void) { return stdout; }
static inline int cncursesw_wcwidth(wchar_t c) { return wcwidth(c); }

// Sets a cell from up to CCHARW_MAX-1 wide characters (NUL-terminated) with
// attributes and a colour pair, and writes it at (y, x).
static inline int cncursesw_put_cell(WINDOW *w, int y, int x, const wchar_t *wch, attr_t attrs, int pair) {
    cchar_t c;
    if (setcchar(&c, wch, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &c);
}
// The mouse, as htop uses it: left clicks only (Shift-drag still selects
// text in xterm, PuTTY and Windows Terminal).
static inline void cncursesw_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
    mouseinterval(0);
}
// 1 and the cell of a left click, else 0.
static inline int cncursesw_read_click(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return 0;
    if (!(e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) return 0;
    *x = e.x;
    *y = e.y;
    return 1;
}
#endif
