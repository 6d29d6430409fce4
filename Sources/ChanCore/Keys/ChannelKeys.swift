import ChanCrypto
import ChanLedger

/// One side's public basepoints, sent in `open_channel` / `accept_channel`.
public struct Basepoints: Hashable, Sendable, Codable {
    public var funding: PublicKey
    public var revocation: PublicKey
    public var payment: PublicKey
    public var delayedPayment: PublicKey
    public var htlc: PublicKey

    public init(funding: PublicKey, revocation: PublicKey, payment: PublicKey, delayedPayment: PublicKey, htlc: PublicKey) {
        self.funding = funding
        self.revocation = revocation
        self.payment = payment
        self.delayedPayment = delayedPayment
        self.htlc = htlc
    }
}

/// Our secrets for one channel, derived from the node seed and a channel index so that a
/// restart re-derives them instead of storing them (`NodeKeys.channelKeys`). Not Codable,
/// never printed: a channel record stores `index` only.
public struct ChannelKeys: Sendable, Equatable {
    /// Which of the node's channels these keys belong to.
    public let index: UInt64
    public let funding: PrivateKey
    public let revocationBasepointSecret: PrivateKey
    public let paymentBasepointSecret: PrivateKey
    public let delayedPaymentBasepointSecret: PrivateKey
    public let htlcBasepointSecret: PrivateKey
    /// Seed of our per-commitment secrets (BOLT 3 `generate_from_seed`).
    public let shachainSeed: [UInt8]
    /// The public halves of the basepoint secrets, computed once (each is a point
    /// multiplication, and every HTLC signature needs one).
    public let basepoints: Basepoints

    public init(index: UInt64, funding: PrivateKey, revocationBasepointSecret: PrivateKey, paymentBasepointSecret: PrivateKey,
                delayedPaymentBasepointSecret: PrivateKey, htlcBasepointSecret: PrivateKey, shachainSeed: [UInt8]) {
        self.index = index
        self.funding = funding
        self.revocationBasepointSecret = revocationBasepointSecret
        self.paymentBasepointSecret = paymentBasepointSecret
        self.delayedPaymentBasepointSecret = delayedPaymentBasepointSecret
        self.htlcBasepointSecret = htlcBasepointSecret
        self.shachainSeed = shachainSeed
        basepoints = Basepoints(
            funding: funding.publicKey,
            revocation: revocationBasepointSecret.publicKey,
            payment: paymentBasepointSecret.publicKey,
            delayedPayment: delayedPaymentBasepointSecret.publicKey,
            htlc: htlcBasepointSecret.publicKey)
    }

    /// Derives channel `channelIndex`'s keys from a node seed (see `NodeKeys.channelKeys`).
    public static func derive(nodeSeed: [UInt8], channelIndex: UInt64) throws(CryptoError) -> ChannelKeys {
        try NodeKeys(seed: nodeSeed).channelKeys(index: channelIndex)
    }

    /// Our per-commitment secret for commitment number `n` (0 for the first commitment).
    public func perCommitmentSecret(commitmentNumber n: UInt64) -> [UInt8] {
        PerCommitmentSecret.generate(seed: shachainSeed, index: PerCommitmentSecret.firstIndex - n)
    }

    /// Memoized by channel and number (a shachain walk and a point multiplication; every
    /// commitment round asks for the same few points several times).
    public func perCommitmentPoint(commitmentNumber n: UInt64) throws(CryptoError) -> PublicKey {
        try DerivationCaches.perCommitmentPoints.value(for: PointKey(seedDigest: SHA256.hash(shachainSeed), number: n)) { () throws(CryptoError) in
            try PerCommitmentSecret.point(for: perCommitmentSecret(commitmentNumber: n))
        }
    }

    /// Names one per-commitment point by what it derives from: the shachain seed (by its
    /// digest: the cache keeps nothing secret) and the commitment number.
    struct PointKey: Hashable, Sendable {
        let seedDigest: [UInt8]
        let number: UInt64
    }
}

/// `ChannelKeys` is part of every `Channel` value, and Swift's default description prints a
/// struct's stored properties: `"\(channel)"` in a log line, `dump(channel)` or a failing
/// test's report printed every private key and the shachain seed. Secrets never reach logs.
extension ChannelKeys: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ChannelKeys(funding: \(funding.publicKey), secrets redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
