// BSCJournal
