import ChanCrypto

/// Every key of a node, derived from its 32-byte seed by one rule: the key for a label is
/// HMAC-SHA256(seed, label), hashed again in the ~2^-128 case that it is not a valid scalar.
/// - node key (the node id): label "node";
/// - wallet address `i`: "wallet" || i (4 bytes, big-endian);
/// - channel `n`'s keys: "channel" || n (8 bytes, big-endian) || role (see `ChannelKeys`).
/// A restart re-derives them all from the seed, so no other key is ever stored. The seed never
/// leaves this value: it is not printed, encoded or reflected.
public struct NodeKeys: Sendable {
    public static let seedLength = 32

    private let seed: [UInt8]
    /// The node's identity key, and its public key: the node id. Derived once (every payment
    /// and every connection uses them; the public key is a curve multiplication).
    public let nodeKey: PrivateKey
    public let nodeID: PublicKey

    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == NodeKeys.seedLength else {
            throw .invalidLength(what: "a node seed", expected: NodeKeys.seedLength, actual: seed.count)
        }
        self.seed = seed
        nodeKey = NodeKeys.key(seed: seed, label: Array("node".utf8))
        nodeID = nodeKey.publicKey
    }

    /// The private key of wallet address `index`.
    public func walletKey(index: UInt32) -> PrivateKey {
        key(Array("wallet".utf8) + withUnsafeBytes(of: index.bigEndian, Array.init))
    }

    /// The keys of the node's channel number `index` (each channel takes the next index).
    public func channelKeys(index: UInt64) -> ChannelKeys {
        let prefix = Array("channel".utf8) + withUnsafeBytes(of: index.bigEndian, Array.init)
        func secret(_ role: String) -> PrivateKey { key(prefix + Array(role.utf8)) }
        return ChannelKeys(
            index: index,
            funding: secret("funding"),
            revocationBasepointSecret: secret("revocation"),
            paymentBasepointSecret: secret("payment"),
            delayedPaymentBasepointSecret: secret("delayed_payment"),
            htlcBasepointSecret: secret("htlc"),
            shachainSeed: secret("shachain").secretBytes)
    }

    private func key(_ label: [UInt8]) -> PrivateKey { NodeKeys.key(seed: seed, label: label) }

    private static func key(seed: [UInt8], label: [UInt8]) -> PrivateKey {
        var candidate = HMACSHA256.authenticate(key: seed, message: label)
        while true {
            if let key = try? PrivateKey(secretBytes: candidate) { return key }
            candidate = SHA256.hash(candidate)
        }
    }
}

extension NodeKeys: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "NodeKeys(seed withheld)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
