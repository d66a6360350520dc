// BSCTerminal
