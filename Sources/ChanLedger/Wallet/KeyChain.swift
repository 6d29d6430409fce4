import ChanCrypto

/// A node's keys, derived from its 32-byte seed: the node key is HMAC-SHA256(seed, "node"),
/// wallet key `i` is HMAC-SHA256(seed, "wallet" || i as 4 bytes big-endian). Pure and
/// deterministic: the same seed gives the same node id and addresses on every machine.
///
/// The seed never leaves this value: it is not printed, encoded or reflected.
public struct KeyChain: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let seedLength = 32

    private let seed: [UInt8]

    public init(seed: [UInt8]) throws(WalletError) {
        guard seed.count == KeyChain.seedLength else { throw .invalidSeed }
        self.seed = seed
    }

    /// The node's identity key; its public key is the node id.
    public func nodeKey() throws(WalletError) -> PrivateKey {
        try key(for: Array("node".utf8))
    }

    /// The private key of wallet address `index`.
    public func walletKey(index: UInt32) throws(WalletError) -> PrivateKey {
        try key(for: Array("wallet".utf8) + withUnsafeBytes(of: index.bigEndian, Array.init))
    }

    private func key(for label: [UInt8]) throws(WalletError) -> PrivateKey {
        do {
            return try PrivateKey(secretBytes: HMACSHA256.authenticate(key: seed, message: label))
        } catch {
            throw .keyDerivationFailed
        }
    }

    public var description: String { "KeyChain(<seed withheld>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
