/// Turns the encrypted byte stream of an established session back into Lightning messages.
///
/// TCP delivers bytes in any chunking; `receive` takes whatever arrived and returns every
/// message it completed, in order, keeping the unfinished part. It holds at most one sealed
/// part (18 bytes of header, or a body of at most 65535 + 16 bytes, a bound the authenticated
/// header enforces), and after any failure it refuses all further input: the connection is to
/// be dropped, and a stream that failed once can never be trusted again.
///
/// Bytes that arrive in the same read as the last handshake act belong here.
public struct TransportFramer: Sendable {
    /// Which sealed part the buffered bytes belong to, or why nothing is read any more.
    enum Reading: Sendable, Equatable {
        case header
        case body(length: Int)
        case refused(TransportError)
    }

    private var cipher: TransportCipher
    private(set) var reading: Reading = .header
    /// Bytes of the part named by `reading`, always fewer than that part's size.
    private var buffer: [UInt8] = []

    public init(cipher: TransportCipher) {
        self.cipher = cipher
        buffer.reserveCapacity(TransportCipher.headerLength)
    }

    /// Bytes received but not yet part of a complete message.
    public var bufferedByteCount: Int { buffer.count }

    /// Why the stream was refused, once it has been.
    public var failure: TransportError? {
        switch reading {
        case .refused(let failure): failure
        case .header, .body: nil
        }
    }

    /// Encrypts an outgoing message. Sending is independent of what was received, so it still
    /// works after a receive failure; BOLT 8 wants the connection closed then anyway.
    public mutating func encrypt(_ message: [UInt8]) throws(TransportError) -> [UInt8] {
        try cipher.encrypt(message)
    }

    /// Feeds received bytes; returns the messages they complete. On an authentication failure
    /// it throws, and keeps throwing that error for any later input; messages completed earlier
    /// in the same chunk are discarded with the connection.
    public mutating func receive(_ bytes: [UInt8]) throws(TransportError) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var index = bytes.startIndex
        while true {
            switch reading {
            case .refused(let failure):
                throw failure
            case .header:
                guard fill(from: bytes, at: &index, upTo: TransportCipher.headerLength) else { return messages }
                let header = takeBuffer()
                do {
                    let length = try cipher.decryptLength(header)
                    reading = .body(length: length)
                    buffer.reserveCapacity(length + TransportCipher.tagLength)
                } catch {
                    reading = .refused(error)
                    throw error
                }
            case .body(let length):
                guard fill(from: bytes, at: &index, upTo: length + TransportCipher.tagLength) else { return messages }
                let body = takeBuffer()
                do {
                    messages.append(try cipher.decryptBody(body))
                    reading = .header
                } catch {
                    reading = .refused(error)
                    throw error
                }
            }
        }
    }

    /// Moves bytes from `bytes[index...]` into the buffer until it holds `size`; true when it does.
    private mutating func fill(from bytes: [UInt8], at index: inout Int, upTo size: Int) -> Bool {
        let take = min(size - buffer.count, bytes.endIndex - index)
        buffer += bytes[index..<(index + take)]
        index += take
        return buffer.count == size
    }

    /// Hands over the completed part and releases the buffer (a failed stream keeps nothing).
    private mutating func takeBuffer() -> [UInt8] {
        defer { buffer = [] }
        return buffer
    }
}

extension TransportFramer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "TransportFramer(buffered: \(bufferedByteCount), failure: \(failure?.code ?? "none"), keys redacted)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
