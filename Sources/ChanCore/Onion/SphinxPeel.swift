import ChanCrypto

extension Sphinx {
    /// Processes an incoming packet at this hop (BOLT 4 "Onion Decryption"): checks the
    /// version, the ephemeral key and the HMAC over `associatedData` (the HTLC's payment
    /// hash), decrypts this hop's frame, and builds the packet for the next hop.
    ///
    /// Any 1366 bytes are accepted as input; every malformation is a thrown error.
    public static func peel(
        _ packet: OnionRoutingPacket, nodeKey: PrivateKey, associatedData: [UInt8]
    ) throws(OnionPeelError) -> PeeledOnion {
        let bytes = packet.bytes
        guard bytes[versionIndex] == version else { throw .badOnion(.invalidVersion(sha256OfOnion: packet.sha256)) }
        let ephemeralKey: PublicKey
        let secret: OnionSharedSecret
        do {
            ephemeralKey = try PublicKey(compressed: Array(bytes[ephemeralKeyRange]))
            secret = OnionSharedSecret(digest: try nodeKey.sharedSecret(with: ephemeralKey))
        } catch {
            throw .badOnion(.invalidKey(sha256OfOnion: packet.sha256))
        }

        let hopPayloads = Array(bytes[hopPayloadsRange])
        let expectedHMAC = HMACSHA256.authenticate(key: secret.key(.mu), message: hopPayloads + associatedData)
        guard constantTimeEqual(expectedHMAC, Array(bytes[hmacRange])) else {
            throw .badOnion(.invalidHMAC(sha256OfOnion: packet.sha256))
        }

        // Pad with zeros before decrypting: the stream turns them into the filler the sender
        // predicted, which keeps the next packet 1300 bytes long.
        var unwrapped = hopPayloads + [UInt8](repeating: 0, count: hopPayloadsLength)
        unwrapped.xorInPlace(OnionStream.generate(key: secret.key(.rho), count: 2 * hopPayloadsLength))

        let (payloadBytes, nextHMAC, frameEnd) = try frame(in: unwrapped, secret: secret)
        let isFinal = nextHMAC.allSatisfy { $0 == 0 }
        let payload: HopPayload
        do {
            payload = try HopPayload.decode(payloadBytes, isFinal: isFinal)
        } catch {
            throw .invalidPayload(error, sharedSecret: secret)
        }

        switch payload {
        case .final(let final):
            return PeeledOnion(sharedSecret: secret, hop: .final(final))
        case .forwarding(let forwarding):
            let nextEphemeralKey: PublicKey
            do {
                nextEphemeralKey = try ephemeralKey.multipliedByTweak(SHA256.hash(ephemeralKey.compressed + secret.bytes))
            } catch {
                throw .badOnion(.invalidKey(sha256OfOnion: packet.sha256))
            }
            let nextBytes = [version] + nextEphemeralKey.compressed
                + unwrapped[frameEnd..<(frameEnd + hopPayloadsLength)] + nextHMAC
            // Cannot throw: 1 + 33 + 1300 + 32 bytes.
            let next = try! OnionRoutingPacket(nextBytes)
            return PeeledOnion(sharedSecret: secret, hop: .forward(forwarding, next: next))
        }
    }

    /// This hop's frame in the decrypted payloads: its payload, the next hop's HMAC, and
    /// where the next hop's payloads start. The frame must end within the 1300 bytes, so
    /// the next packet is all ciphertext the sender wrote or predicted.
    static func frame(
        in unwrapped: [UInt8], secret: OnionSharedSecret
    ) throws(OnionPeelError) -> (payload: [UInt8], nextHMAC: [UInt8], end: Int) {
        var reader = WireReader(unwrapped)
        guard let length = try? reader.readBigSize() else {
            throw .invalidPayload(.invalidFrame, sharedSecret: secret)
        }
        let start = reader.position
        // Lengths 0 and 1 are reserved; compare as UInt64 as a hostile length may not fit an Int.
        guard length >= 2, length <= UInt64(hopPayloadsLength - start - hmacLength) else {
            throw .invalidPayload(.invalidFrame, sharedSecret: secret)
        }
        let payloadEnd = start + Int(length)
        return (Array(unwrapped[start..<payloadEnd]), Array(unwrapped[payloadEnd..<(payloadEnd + hmacLength)]), payloadEnd + hmacLength)
    }
}
