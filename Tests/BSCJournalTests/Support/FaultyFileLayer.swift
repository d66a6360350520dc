import BSCJournal
#if canImport(Glibc)
import Glibc
#endif

/// The real file layer with faults on demand: fail the Nth call of an
/// operation with an errno, or cut a write short. It also records the order
/// of calls, so a test can prove no event was acknowledged before its sync.
final class FaultyFileLayer: FileLayer, @unchecked Sendable {
    enum Op: String { case write, fdatasync, ftruncate, fsync, open }

    private let real = PosixFileLayer()
    private(set) var calls: [String] = []
    /// op → (call number to fail, 1-based; errno)
    var failures: [Op: (nth: Int, errno: Int32)] = [:]
    /// Write only this many bytes of the next write to a journal segment.
    var shortWriteBytes: Int?
    private var counts: [Op: Int] = [:]
    var injected = 0

    private func shouldFail(_ op: Op) -> Int32? {
        counts[op, default: 0] += 1
        if let f = failures[op], f.nth == counts[op] {
            injected += 1
            return f.errno
        }
        return nil
    }

    func open(_ path: String, flags: Int32, mode: mode_t) throws(FileError) -> Int32 {
        if let e = shouldFail(.open) { throw FileError("open", path, e) }
        return try real.open(path, flags: flags, mode: mode)
    }
    func close(_ fd: Int32) { real.close(fd) }
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) -> Int {
        calls.append("write \(bytes.count)")
        if let e = shouldFail(.write) {
            // A failing write may still have put some bytes down first.
            _ = try? real.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]), path: path)
            throw FileError("write to", path, e)
        }
        if let n = shortWriteBytes, path.hasSuffix(".jsonl") {
            shortWriteBytes = nil
            injected += 1
            return try real.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<min(n, bytes.count)]), path: path)
        }
        return try real.write(fd, bytes, path: path)
    }
    func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws(FileError) -> Int {
        try real.pread(fd, buffer, offset: offset, path: path)
    }
    func fdatasync(_ fd: Int32, path: String) throws(FileError) {
        calls.append("fdatasync")
        if let e = shouldFail(.fdatasync) { throw FileError("fdatasync", path, e) }
        try real.fdatasync(fd, path: path)
    }
    func fsync(_ fd: Int32, path: String) throws(FileError) {
        calls.append("fsync")
        if let e = shouldFail(.fsync) { throw FileError("fsync", path, e) }
        try real.fsync(fd, path: path)
    }
    func ftruncate(_ fd: Int32, size: Int64, path: String) throws(FileError) {
        calls.append("ftruncate \(size)")
        if let e = shouldFail(.ftruncate) { throw FileError("truncate", path, e) }
        try real.ftruncate(fd, size: size, path: path)
    }
    func size(_ fd: Int32, path: String) throws(FileError) -> Int64 { try real.size(fd, path: path) }
    func fchmod(_ fd: Int32, mode: mode_t, path: String) throws(FileError) { try real.fchmod(fd, mode: mode, path: path) }
    func tryLock(_ fd: Int32, path: String) throws(FileError) -> Bool { try real.tryLock(fd, path: path) }
    func unlock(_ fd: Int32) {
        calls.append("unlock")
        real.unlock(fd)
    }
    func list(_ directory: String) throws(FileError) -> [String] { try real.list(directory) }
    func makeDirectory(_ path: String, mode: mode_t) throws(FileError) { try real.makeDirectory(path, mode: mode) }
    func exists(_ path: String) -> Bool { real.exists(path) }
}
