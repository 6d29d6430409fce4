import ChanCrypto

extension Sphinx {
    /// Builds the onion for `hops` (first hop first), BOLT 4 "Packet Construction".
    ///
    /// `sessionKey` must be fresh random for every packet: it is the first ephemeral key and
    /// seeds the padding, and reusing it links payments. `associatedData` is the payment
    /// hash of the HTLC; every hop's HMAC covers it.
    public static func build(
        sessionKey: PrivateKey, hops: [OnionHop], associatedData: [UInt8]
    ) throws(OnionBuildError) -> BuiltOnion {
        guard !hops.isEmpty, hops.count <= maxHopCount else { throw .invalidHopCount(hops.count) }
        for (index, hop) in hops.enumerated() where hop.payload.count < 2 {
            throw .payloadTooShort(hopIndex: index, length: hop.payload.count)
        }
        let frameSizes = hops.map { frameSize(payload: $0.payload) }
        let total = frameSizes.reduce(0, +)
        guard total <= hopPayloadsLength else { throw .payloadsTooLarge(total: total, limit: hopPayloadsLength) }

        let secrets = try sharedSecrets(sessionKey: sessionKey, nodeIDs: hops.map(\.nodeID))
        let filler = filler(sharedSecrets: secrets, frameSizes: frameSizes)

        // Random-looking start bytes, derived from the session key so the result is
        // reproducible; they end up as the unused tail the last hop sees.
        let padKey = HMACSHA256.authenticate(key: Array(OnionKeyType.pad.rawValue.utf8), message: sessionKey.secretBytes)
        var payloads = OnionStream.generate(key: padKey, count: hopPayloadsLength)
        var hmac = [UInt8](repeating: 0, count: hmacLength)  // all zero tells the last hop it is last
        for index in hops.indices.reversed() {
            let frame = BigSize.encode(UInt64(hops[index].payload.count)) + hops[index].payload + hmac
            payloads = frame + payloads.prefix(hopPayloadsLength - frame.count)
            payloads.xorInPlace(OnionStream.generate(key: secrets[index].key(.rho), count: hopPayloadsLength))
            if index == hops.count - 1 {
                // What the earlier hops will append as they peel, so the last HMAC covers it.
                payloads.replaceSubrange((hopPayloadsLength - filler.count)..., with: filler)
            }
            hmac = HMACSHA256.authenticate(key: secrets[index].key(.mu), message: payloads + associatedData)
        }

        let packetBytes = [version] + sessionKey.publicKey.compressed + payloads + hmac
        // Cannot throw: 1 + 33 + 1300 + 32 bytes.
        let packet = try! OnionRoutingPacket(packetBytes)
        let hopSecrets = zip(hops, secrets).map { OnionHopSecret(nodeID: $0.nodeID, sharedSecret: $1) }
        return BuiltOnion(packet: packet, hopSecrets: hopSecrets)
    }

    /// The bytes one hop's frame takes: BigSize length, payload, next HMAC.
    static func frameSize(payload: [UInt8]) -> Int {
        BigSize.encodedCount(UInt64(payload.count)) + payload.count + hmacLength
    }

    /// The shared secret with each hop, walking the ephemeral key along the route: each hop
    /// sees `e_i·G`, and `e_{i+1} = e_i · SHA256(e_i·G || ss_i)` (BOLT 4 "Blinding Ephemeral
    /// Onion Keys"), which is what the hop computes on its side from the public key alone.
    static func sharedSecrets(sessionKey: PrivateKey, nodeIDs: [PublicKey]) throws(OnionBuildError) -> [OnionSharedSecret] {
        var ephemeralKey = sessionKey
        var secrets: [OnionSharedSecret] = []
        for (index, nodeID) in nodeIDs.enumerated() {
            do {
                let secret = OnionSharedSecret(digest: try ephemeralKey.sharedSecret(with: nodeID))
                secrets.append(secret)
                if index < nodeIDs.count - 1 {
                    let blindingFactor = SHA256.hash(ephemeralKey.publicKey.compressed + secret.bytes)
                    ephemeralKey = try ephemeralKey.multipliedByTweak(blindingFactor)
                }
            } catch {
                throw .keyDerivationFailed(hopIndex: index)
            }
        }
        return secrets
    }
}
