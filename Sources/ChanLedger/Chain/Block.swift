import ChanCrypto

/// SHA-256d of a block header. The genesis block's hash is the chain hash.
public struct BlockHash: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(LedgerError) {
        guard bytes.count == 32 else { throw .malformedHash(Hex.encode(bytes)) }
        self.bytes = bytes
    }

    init(hash: [UInt8]) { bytes = hash }

    /// The "previous hash" of the genesis block.
    public static let zero = BlockHash(hash: [UInt8](repeating: 0, count: 32))

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// What a block commits to. There is no timestamp: the ledger has no clock, and the same
/// transactions at the same height give the same hash.
public struct BlockHeader: Hashable, Sendable {
    public let version: UInt32
    public let height: UInt32
    public let previousHash: BlockHash
    /// SHA-256d of the concatenated txids, in block order.
    public let transactionRoot: [UInt8]

    public init(version: UInt32 = 1, height: UInt32, previousHash: BlockHash, transactionRoot: [UInt8]) {
        self.version = version
        self.height = height
        self.previousHash = previousHash
        self.transactionRoot = transactionRoot
    }

    /// SHA-256d of version u32 | height u32 | previous hash | transaction root (big-endian).
    public var hash: BlockHash {
        var encoder = LedgerEncoder()
        encoder.u32(version)
        encoder.u32(height)
        encoder.bytes(previousHash.bytes)
        encoder.bytes(transactionRoot)
        return BlockHash(hash: SHA256.doubleHash(encoder.output))
    }

    public static func transactionRoot(of transactions: [Transaction]) -> [UInt8] {
        SHA256.doubleHash(transactions.flatMap(\.txid.bytes))
    }
}

/// A block: a header and its transactions (the coinbase, if any, first).
public struct Block: Hashable, Sendable {
    public let header: BlockHeader
    public let transactions: [Transaction]

    public init(height: UInt32, previousHash: BlockHash, transactions: [Transaction]) {
        header = BlockHeader(
            height: height, previousHash: previousHash,
            transactionRoot: BlockHeader.transactionRoot(of: transactions))
        self.transactions = transactions
    }

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    public var height: UInt32 { header.height }
    public var hash: BlockHash { header.hash }

    /// Height 0, no transactions, nothing before it. Every chan ledger starts from it, so the
    /// chain hash is a constant, like regtest's.
    public static let genesis = Block(height: 0, previousHash: .zero, transactions: [])

    /// The hash of the genesis block: BOLT messages and invoices name the chain with it.
    public static let chainHash: BlockHash = genesis.hash
}
