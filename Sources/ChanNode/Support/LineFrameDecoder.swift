import NIOCore

/// Splits a byte stream into lines (without the `\n`), for the JSON-RPC socket: one JSON object
/// per line. A line longer than `maximumLength` throws `LineTooLong` instead of growing the
/// buffer without end (the RPC connection answers it with a coded error and closes). Each byte
/// is searched for the newline once, however the line arrives in pieces.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumLength: Int
    /// How many bytes of the unfinished line are known to hold no newline.
    private var searched = 0

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    struct LineTooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + searched)...].firstIndex(of: 0x0a) else {
            searched = view.count
            if buffer.readableBytes > maximumLength { throw LineTooLong() }
            return .needMoreData
        }
        searched = 0
        let length = newline - buffer.readerIndex
        guard length <= maximumLength else { throw LineTooLong() }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its newline is still a request.
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0, buffer.readableBytes <= maximumLength {
            let rest = buffer.readSlice(length: buffer.readableBytes)!
            searched = 0
            context.fireChannelRead(wrapInboundOut(rest))
        }
        return .needMoreData
    }
}
