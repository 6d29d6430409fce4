import ChanCrypto

/// What the sender learns from a returned failure.
public enum OnionErrorAttribution: Equatable, Sendable {
    /// The hop at `hopIndex` (0 is the first hop after the sender) failed the payment.
    case failure(hopIndex: Int, nodeID: PublicKey, message: OnionFailureMessage)
    /// The hop authenticated a failure but its message does not decode; blame that hop.
    case malformed(hopIndex: Int, nodeID: PublicKey, error: WireError)
    /// No hop's HMAC matches: some node on the route altered the packet, and which one
    /// cannot be told from the packet alone.
    case unattributable
}

extension OnionErrorPacket {
    /// Peels `packet` with each hop's secret in route order until one hop's `um` HMAC
    /// matches. The loop always runs `Sphinx.maxHopCount` rounds (dummy secrets past the
    /// route), as BOLT 4 advises, so its timing does not reveal the erring node's position.
    public static func decrypt(_ packet: [UInt8], route: [OnionHopSecret]) -> OnionErrorAttribution {
        var current = packet
        var found: (hopIndex: Int, packet: [UInt8])?
        for index in 0..<max(Sphinx.maxHopCount, route.count) {
            let secret = index < route.count ? route[index].sharedSecret : .zero
            current = obfuscate(current, sharedSecret: secret)
            guard current.count >= Sphinx.hmacLength else { continue }
            let expected = HMACSHA256.authenticate(key: secret.key(.um), message: Array(current[Sphinx.hmacLength...]))
            if constantTimeEqual(expected, Array(current[..<Sphinx.hmacLength])), found == nil, index < route.count {
                found = (index, current)
            }
        }
        guard let found else { return .unattributable }
        let nodeID = route[found.hopIndex].nodeID
        var reader = WireReader(found.packet)
        do {
            _ = try reader.readBytes(Sphinx.hmacLength)
            // The pad is not checked: it carries nothing, and the HMAC covers it already.
            let message = try OnionFailureMessage(decoding: try reader.readU16Prefixed())
            return .failure(hopIndex: found.hopIndex, nodeID: nodeID, message: message)
        } catch {
            return .malformed(hopIndex: found.hopIndex, nodeID: nodeID, error: error)
        }
    }
}
