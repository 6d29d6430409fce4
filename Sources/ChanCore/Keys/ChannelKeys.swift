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
/// restart re-derives them instead of storing them. Not Codable, never printed.
public struct ChannelKeys: Sendable, Equatable {
    public let funding: PrivateKey
    public let revocationBasepointSecret: PrivateKey
    public let paymentBasepointSecret: PrivateKey
    public let delayedPaymentBasepointSecret: PrivateKey
    public let htlcBasepointSecret: PrivateKey
    /// Seed of our per-commitment secrets (BOLT 3 `generate_from_seed`).
    public let shachainSeed: [UInt8]

    public init(funding: PrivateKey, revocationBasepointSecret: PrivateKey, paymentBasepointSecret: PrivateKey,
                delayedPaymentBasepointSecret: PrivateKey, htlcBasepointSecret: PrivateKey, shachainSeed: [UInt8]) {
        self.funding = funding
        self.revocationBasepointSecret = revocationBasepointSecret
        self.paymentBasepointSecret = paymentBasepointSecret
        self.delayedPaymentBasepointSecret = delayedPaymentBasepointSecret
        self.htlcBasepointSecret = htlcBasepointSecret
        self.shachainSeed = shachainSeed
    }

    /// HMAC-SHA256(nodeSeed, "channel" || index || role) for each key: independent, stable keys.
    public static func derive(nodeSeed: [UInt8], channelIndex: UInt64) throws(CryptoError) -> ChannelKeys {
        func secret(_ role: String) throws(CryptoError) -> PrivateKey {
            var message = Array("channel".utf8)
            withUnsafeBytes(of: channelIndex.bigEndian) { message += $0 }
            message += Array(role.utf8)
            var candidate = HMACSHA256.authenticate(key: nodeSeed, message: message)
            // A value outside the curve order has probability ~2^-128; rehash if it happens.
            while true {
                if let key = try? PrivateKey(secretBytes: candidate) { return key }
                candidate = SHA256.hash(candidate)
            }
        }
        return ChannelKeys(
            funding: try secret("funding"),
            revocationBasepointSecret: try secret("revocation"),
            paymentBasepointSecret: try secret("payment"),
            delayedPaymentBasepointSecret: try secret("delayed_payment"),
            htlcBasepointSecret: try secret("htlc"),
            shachainSeed: try secret("shachain").secretBytes)
    }

    public var basepoints: Basepoints {
        Basepoints(
            funding: funding.publicKey,
            revocation: revocationBasepointSecret.publicKey,
            payment: paymentBasepointSecret.publicKey,
            delayedPayment: delayedPaymentBasepointSecret.publicKey,
            htlc: htlcBasepointSecret.publicKey)
    }

    /// Our per-commitment secret for commitment number `n` (0 for the first commitment).
    public func perCommitmentSecret(commitmentNumber n: UInt64) -> [UInt8] {
        PerCommitmentSecret.generate(seed: shachainSeed, index: PerCommitmentSecret.firstIndex - n)
    }

    public func perCommitmentPoint(commitmentNumber n: UInt64) throws(CryptoError) -> PublicKey {
        try PerCommitmentSecret.point(for: perCommitmentSecret(commitmentNumber: n))
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
