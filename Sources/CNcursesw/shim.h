// The wide-character API must be switched on before the include, or
// get_wch, cchar_t and setcchar are invisible to Swift.
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>
#endif
