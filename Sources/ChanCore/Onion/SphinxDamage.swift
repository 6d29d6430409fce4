import ChanCrypto

extension Sphinx {
    /// `packet` damaged for hop `hop` (0: the first): one byte of the layer that hop reads is
    /// flipped and every layer before it is authenticated again, so each earlier hop forwards
    /// it and that hop's HMAC check fails (`invalid_onion_hmac`, BOLT 4). For demos and tests
    /// of how a bad onion is answered; only the packet's builder can make one (it needs the
    /// route's shared secrets). Nil if `hop` is not on the route or the packet does not peel.
    public static func damaged(_ packet: OnionRoutingPacket, atHop hop: Int, hopSecrets: [OnionHopSecret],
                               associatedData: [UInt8]) -> OnionRoutingPacket? {
        guard hopSecrets.indices.contains(hop) else { return nil }
        // Forward, as the hops peel: each layer's decrypted bytes, where its frame ends, the next layer.
        var layers = [Array(packet.bytes[hopPayloadsRange])]
        var unwrapped: [[UInt8]] = []
        var frameEnds: [Int] = []
        var hmacs = [Array(packet.bytes[hmacRange])]
        for index in 0..<hop {
            let secret = hopSecrets[index].sharedSecret
            var bytes = layers[index] + [UInt8](repeating: 0, count: hopPayloadsLength)
            bytes.xorInPlace(OnionStream.generate(key: secret.key(.rho), count: 2 * hopPayloadsLength))
            guard let (_, nextHMAC, end) = try? frame(in: bytes, secret: secret) else { return nil }
            unwrapped.append(bytes)
            frameEnds.append(end)
            hmacs.append(nextHMAC)
            layers.append(Array(bytes[end..<(end + hopPayloadsLength)]))
        }
        layers[hop][0] ^= 0x01
        // Backward, as the sender builds: each earlier layer wraps the changed one, with the
        // next hop's HMAC made anew (the damaged hop keeps its old one, which now fails).
        for index in (0..<hop).reversed() {
            let end = frameEnds[index]
            let nextHMAC = index + 1 == hop
                ? hmacs[hop]
                : HMACSHA256.authenticate(key: hopSecrets[index + 1].sharedSecret.key(.mu), message: layers[index + 1] + associatedData)
            var plain = Array(unwrapped[index][0..<(end - hmacLength)]) + nextHMAC + Array(layers[index + 1][0..<(hopPayloadsLength - end)])
            plain.xorInPlace(OnionStream.generate(key: hopSecrets[index].sharedSecret.key(.rho), count: hopPayloadsLength))
            layers[index] = plain
        }
        let outerHMAC = hop == 0 ? hmacs[0] : HMACSHA256.authenticate(key: hopSecrets[0].sharedSecret.key(.mu), message: layers[0] + associatedData)
        return try? OnionRoutingPacket(Array(packet.bytes[..<hopPayloadsRange.lowerBound]) + layers[0] + outerHMAC)
    }
}
