/// One `tlv_record`: a BigSize type, a BigSize length and `length` bytes of value.
public struct TLVRecord: Hashable, Sendable {
    public var type: UInt64
    public var value: [UInt8]

    public init(type: UInt64, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    /// Odd types may be ignored by a reader that does not know them ("it's ok to be odd").
    public var isOdd: Bool { type & 1 == 1 }

    /// Decodes the value of a known record with `body`, which must consume all of it.
    ///
    /// BOLT 1 fails the stream when a known record's length differs from its encoding's, in
    /// either direction; both become `WireError.invalidLength`. Other errors (a non-minimal
    /// truncated integer, say) pass through.
    public func decodeValue<Value>(
        _ body: (inout WireReader) throws(WireError) -> Value
    ) throws(WireError) -> Value {
        var reader = WireReader(value)
        let decoded: Value
        do {
            decoded = try body(&reader)
        } catch {
            if case .truncated = error { throw lengthMismatch }
            throw error
        }
        guard reader.isAtEnd else { throw lengthMismatch }
        return decoded
    }

    private var lengthMismatch: WireError {
        .invalidLength(field: "TLV record \(type)", expected: "the length of its known encoding", actual: value.count)
    }
}
