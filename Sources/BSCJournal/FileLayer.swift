#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, with what was being done and to which file.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, _ path: String, _ code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var reason: String { String(cString: strerror(code)) }
    public var description: String { "\(operation) \(path): \(reason)" }
}

/// The system calls the journal makes, behind a protocol so tests can fail
/// the Nth write, sync or truncate, or cut a write short (SQLite's I/O-error
/// tests), and check the order of calls.
public protocol FileLayer: Sendable {
    func open(_ path: String, flags: Int32, mode: mode_t) throws(FileError) -> Int32
    func close(_ fd: Int32)
    /// May write fewer bytes than asked (a signal, a size limit, a full disk).
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) -> Int
    func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws(FileError) -> Int
    func fdatasync(_ fd: Int32, path: String) throws(FileError)
    func fsync(_ fd: Int32, path: String) throws(FileError)
    func ftruncate(_ fd: Int32, size: Int64, path: String) throws(FileError)
    func size(_ fd: Int32, path: String) throws(FileError) -> Int64
    func fchmod(_ fd: Int32, mode: mode_t, path: String) throws(FileError)
    /// Non-blocking exclusive `flock`; false when another holder has it.
    func tryLock(_ fd: Int32, path: String) throws(FileError) -> Bool
    func unlock(_ fd: Int32)
    func list(_ directory: String) throws(FileError) -> [String]
    func makeDirectory(_ path: String, mode: mode_t) throws(FileError)
    func exists(_ path: String) -> Bool
}

/// The real thing.
public struct PosixFileLayer: FileLayer {
    public init() {}

    public func open(_ path: String, flags: Int32, mode: mode_t) throws(FileError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileError("open", path, errno) }
        }
    }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) -> Int {
        while true {
            let n = Glibc.write(fd, bytes.baseAddress, bytes.count)
            if n >= 0 { return n }
            if errno != EINTR { throw FileError("write to", path, errno) }
        }
    }

    public func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws(FileError) -> Int {
        while true {
            let n = Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw FileError("read", path, errno) }
        }
    }

    public func fdatasync(_ fd: Int32, path: String) throws(FileError) {
        // Never retry a failed sync: the kernel may already have dropped the
        // dirty pages, so a second "success" would be a lie (fsyncgate).
        if Glibc.fdatasync(fd) != 0 { throw FileError("fdatasync", path, errno) }
    }

    public func fsync(_ fd: Int32, path: String) throws(FileError) {
        if Glibc.fsync(fd) != 0 { throw FileError("fsync", path, errno) }
    }

    public func ftruncate(_ fd: Int32, size: Int64, path: String) throws(FileError) {
        if Glibc.ftruncate(fd, off_t(size)) != 0 { throw FileError("truncate", path, errno) }
    }

    public func size(_ fd: Int32, path: String) throws(FileError) -> Int64 {
        var st = stat()
        if fstat(fd, &st) != 0 { throw FileError("stat", path, errno) }
        return Int64(st.st_size)
    }

    public func fchmod(_ fd: Int32, mode: mode_t, path: String) throws(FileError) {
        if Glibc.fchmod(fd, mode) != 0 { throw FileError("chmod", path, errno) }
    }

    public func tryLock(_ fd: Int32, path: String) throws(FileError) -> Bool {
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno == EWOULDBLOCK { return false }
            if errno != EINTR { throw FileError("lock", path, errno) }
        }
    }

    public func unlock(_ fd: Int32) { _ = flock(fd, LOCK_UN) }

    public func list(_ directory: String) throws(FileError) -> [String] {
        guard let dir = opendir(directory) else { throw FileError("list", directory, errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func makeDirectory(_ path: String, mode: mode_t) throws(FileError) {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw FileError("create directory", path, errno) }
    }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
