import ChanCore
import ChanCrypto
import ChanLedger

/// Keys and routes for the onion tests that do not come from the vectors.
enum OnionTestSupport {
    static func key(_ index: Int) throws -> PrivateKey {
        // Distinct, valid secrets: 0x01.., 0x02.., never zero.
        try PrivateKey(secretBytes: [UInt8](repeating: UInt8(truncatingIfNeeded: index + 1), count: 31) + [0x55])
    }

    static let paymentHash = [UInt8](repeating: 0xab, count: 32)

    static func forwardingPayload(_ index: Int) -> ForwardingHopPayload {
        ForwardingHopPayload(
            amountToForward: MilliSatoshi(1_000_000 - UInt64(index) * 1000),
            outgoingCLTVValue: 800_000 - UInt32(index) * 40,
            shortChannelID: ShortChannelID(rawValue: UInt64(700_000 + index) << 40 | UInt64(index) << 16 | 1))
    }

    /// A route of `count` hops: forwarding payloads, then a final one with payment data.
    static func route(count: Int) throws -> (keys: [PrivateKey], hops: [OnionHop]) {
        let keys = try (0..<count).map(key)
        var hops: [OnionHop] = []
        for index in 0..<count {
            let payload: HopPayload = index == count - 1
                ? .final(FinalHopPayload(
                    amountToForward: MilliSatoshi(500_000), outgoingCLTVValue: 799_000,
                    paymentData: PaymentData(paymentSecret: try Bytes32([UInt8](repeating: 0x5e, count: 32)), totalAmount: MilliSatoshi(500_000))))
                : .forwarding(forwardingPayload(index))
            hops.append(try OnionHop(nodeID: keys[index].publicKey, payload: payload))
        }
        return (keys, hops)
    }

    /// A one-hop packet for `nodeID` built straight from the primitives, whose decrypted
    /// `hop_payloads` are exactly `plaintext` (1300 bytes): for frames `Sphinx.build`
    /// refuses to write, with a valid HMAC so `peel` gets as far as parsing them.
    static func packet(
        decryptingTo plaintext: [UInt8], for nodeID: PublicKey, sessionKey: PrivateKey, associatedData: [UInt8]
    ) throws -> (packet: OnionRoutingPacket, sharedSecret: OnionSharedSecret) {
        precondition(plaintext.count == 1300)
        let secret = try OnionSharedSecret(sessionKey.sharedSecret(with: nodeID))
        let payloads = try ChaCha20.apply(key: secret.key(.rho), nonce: [UInt8](repeating: 0, count: 12), to: plaintext)
        let hmac = HMACSHA256.authenticate(key: secret.key(.mu), message: payloads + associatedData)
        return (try OnionRoutingPacket([0] + sessionKey.publicKey.compressed + payloads + hmac), secret)
    }

    /// `payload` framed with a one-byte length and `nextHMAC`, padded to 1300 bytes.
    static func frame(_ payload: [UInt8], nextHMAC: [UInt8] = [UInt8](repeating: 0, count: 32)) -> [UInt8] {
        let frame = BigSize.encode(UInt64(payload.count)) + payload + nextHMAC
        return frame + [UInt8](repeating: 0, count: 1300 - frame.count)
    }
}
