import BSCCore
print("bscdesk")
