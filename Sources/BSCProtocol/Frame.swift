import NIOCore

/// Framing on the socket: a 4-byte big-endian length, then that many bytes
/// of one JSON object (UTF-8). See docs/protocol.md.
public enum Frame {
    /// The largest frame either side accepts. A `list --format json` of a
    /// big desk is the largest message; anything bigger is refused rather
    /// than buffered.
    public static let maxLength = 64 << 20

    public static func header(length: Int) -> [UInt8] {
        let n = UInt32(length)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
    }

    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        header(length: payload.count) + payload
    }

    public static func length(fromHeader b: some Collection<UInt8>) -> Int {
        b.prefix(4).reduce(0) { $0 << 8 | Int($1) }
    }
}

public enum FrameError: Error, Equatable, CustomStringConvertible {
    case tooLong(Int)
    case empty

    public var description: String {
        switch self {
        case .tooLong(let n): return "a frame of \(n) bytes is longer than the \(Frame.maxLength) allowed"
        case .empty: return "an empty frame: every frame holds one JSON object"
        }
    }
}

/// Collects bytes as they arrive and hands back whole frames.
public struct FrameReader: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next whole frame's payload, or nil until one has arrived.
    public mutating func next() throws(FrameError) -> [UInt8]? {
        guard buffer.count - start >= 4 else { return nil }
        let n = Frame.length(fromHeader: buffer[start..<start + 4])
        guard n <= Frame.maxLength else { throw .tooLong(n) }
        guard n > 0 else { throw .empty }
        guard buffer.count - start >= 4 + n else { return nil }
        let payload = Array(buffer[start + 4..<start + 4 + n])
        start += 4 + n
        // Drop consumed bytes once they dominate, so the buffer stays small.
        if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return payload
    }

    /// Bytes received but not yet part of a whole frame.
    public var pending: Int { buffer.count - start }
}

/// The same framing for swift-nio channels, on either side of the socket:
/// hands each whole frame's payload on as one buffer. A partial frame left
/// when the peer closes is dropped (the peer's end is what counts then).
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard Int(length) <= Frame.maxLength else { throw FrameError.tooLong(Int(length)) }
        guard length > 0 else { throw FrameError.empty }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
