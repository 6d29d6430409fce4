import ChanCrypto

/// A transaction id: SHA-256d of the transaction without its witnesses, so that a
/// transaction's id is fixed before it is signed (pre-signed HTLC transactions spend
/// outputs of a commitment whose signatures are not yet known). Printed as plain hex.
public struct TxID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(LedgerError) {
        guard bytes.count == 32 else { throw .malformedTxID(Hex.encode(bytes)) }
        self.bytes = bytes
    }

    init(hash: [UInt8]) { bytes = hash }

    public init(hex: String) throws(LedgerError) {
        guard let bytes = Hex.decode(hex), bytes.count == 32 else { throw .malformedTxID(hex) }
        self.bytes = bytes
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: TxID, rhs: TxID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

extension TxID: Codable {
    public init(from decoder: any Decoder) throws { try self.init(hex: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// One output of one transaction, written `txid:index`.
public struct OutPoint: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let txid: TxID
    public let index: UInt32

    public init(txid: TxID, index: UInt32) {
        self.txid = txid
        self.index = index
    }

    public init(text: String) throws(LedgerError) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let index = UInt32(parts[1]) else { throw .malformedOutPoint(text) }
        self.init(txid: try TxID(hex: String(parts[0])), index: index)
    }

    public var description: String { "\(txid.hex):\(index)" }

    public static func < (lhs: OutPoint, rhs: OutPoint) -> Bool {
        lhs.txid == rhs.txid ? lhs.index < rhs.index : lhs.txid < rhs.txid
    }
}

extension OutPoint: Codable {
    public init(from decoder: any Decoder) throws { try self.init(text: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
