// BSCApp
