/// The extension of a message whose spec defines no TLV records (`error`, `shutdown`,
/// `revoke_and_ack`, ...). BOLT 1 still lets any message carry an extension: unknown odd
/// records are kept here, unknown even ones fail decoding.
public struct NoKnownTLVs: TLVExtension {
    public static let knownTypes: Set<UInt64> = []

    /// Records this node does not understand; on decode only odd ones can appear.
    public var unknownRecords: [TLVRecord]

    public init() {
        unknownRecords = []
    }

    public init(unknownRecords: [TLVRecord]) {
        self.unknownRecords = unknownRecords
    }

    public init(decoding stream: TLVStream) throws(WireError) {
        unknownRecords = stream.records
    }

    public func encodedStream() throws(WireError) -> TLVStream {
        try TLVStream(sorting: unknownRecords)
    }
}
