#if canImport(Glibc)
import Glibc
#endif

extension Journal {
    /// Every complete line of every segment, in order, with its file and
    /// line number and its raw bytes (without the `\n`), for checks that
    /// need the text as written (`doctor`'s duplicate keys and control
    /// characters). Opens files the way `read` does; decodes nothing.
    public func scanLines(_ line: (_ segment: String, _ number: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        for segment in try segments() {
            let p = path(segment)
            let fd = try fs.open(p, flags: O_RDONLY, mode: 0)
            defer { fs.close(fd) }
            let size = try fs.size(fd, path: p)
            var offset: Int64 = 0
            var carry = 0
            var number = 0
            while offset < size {
                if carry == buf.count { buf.append(contentsOf: repeatElement(0, count: buf.count)) }
                let want = min(buf.count - carry, Int(size - offset))
                let n = try buf.withUnsafeMutableBytes { b throws(FileError) in
                    try fs.pread(fd, UnsafeMutableRawBufferPointer(rebasing: b[carry..<(carry + want)]), offset: offset, path: p)
                }
                if n <= 0 { break }
                offset += Int64(n)
                let filled = carry + n
                var start = 0
                try buf.withUnsafeBufferPointer { all in
                    while start < filled, let nl = memchrIndex(all, from: start, to: filled) {
                        number += 1
                        try line(segment, number, UnsafeBufferPointer(rebasing: all[start..<nl]))
                        start = nl + 1
                    }
                }
                carry = filled - start
                if carry > 0 && start > 0 {
                    buf.withUnsafeMutableBytes { b in b.baseAddress!.copyMemory(from: b.baseAddress! + start, byteCount: carry) }
                }
            }
        }
    }
}
