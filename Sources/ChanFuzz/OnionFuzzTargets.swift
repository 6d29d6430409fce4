import ChanCore
import ChanCrypto

/// BOLT 4: an incoming onion peeled with a fixed node key, and a returned failure decrypted
/// along a fixed route. The HMACs stop random bytes early, so half of each target builds
/// authentic packets around the input: the parsing behind the HMAC is fuzzed too.
enum OnionFuzzTargets {
    static let nodeKey = TransportFuzzTargets.key("onion node")
    static let sessionKey = TransportFuzzTargets.key("onion session")
    static let associatedData = [UInt8](repeating: 0xab, count: 32)

    /// First byte: even, the rest (zero-padded or cut to 1366 bytes) is the packet; odd, the
    /// rest (to 1300 bytes) is what this hop decrypts its payloads to, in a packet with a
    /// valid HMAC. A peeled payload re-encodes to bytes that decode to the same payload.
    static let packet = FuzzTarget("onion_packet", "Sphinx.peel with a fixed node key") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        let mode = script.u8()
        let packet: OnionRoutingPacket
        if mode & 1 == 0 {
            packet = try! OnionRoutingPacket(fitted(script.rest(), to: OnionRoutingPacket.byteCount))
        } else {
            packet = authenticPacket(decryptingTo: fitted(script.rest(), to: 1300))
        }
        guard let peeled = try? Sphinx.peel(packet, nodeKey: nodeKey, associatedData: associatedData) else { return }
        let encoded: [UInt8]
        do { encoded = try peeled.payload.encoded() } catch { throw FuzzFailure(message: "a peeled payload does not encode: \(error)") }
        try require((try? HopPayload.decode(encoded, isFinal: peeled.isFinal)) == peeled.payload, "a peeled payload reads back as another")
    }

    static func fitted(_ bytes: [UInt8], to count: Int) -> [UInt8] {
        Array(bytes.prefix(count)) + [UInt8](repeating: 0, count: max(0, count - bytes.count))
    }

    /// A one-hop packet for `nodeKey` whose decrypted `hop_payloads` are `plaintext`.
    static func authenticPacket(decryptingTo plaintext: [UInt8]) -> OnionRoutingPacket {
        let secret = try! OnionSharedSecret(sessionKey.sharedSecret(with: nodeKey.publicKey))
        let payloads = try! ChaCha20.apply(key: secret.key(.rho), nonce: [UInt8](repeating: 0, count: 12), to: plaintext)
        let hmac = HMACSHA256.authenticate(key: secret.key(.mu), message: payloads + associatedData)
        return try! OnionRoutingPacket([0] + sessionKey.publicKey.compressed + payloads + hmac)
    }

    /// A route of three hops with fixed secrets.
    static let route: [OnionHopSecret] = (0..<3).map { index in
        OnionHopSecret(
            nodeID: TransportFuzzTargets.key("onion hop \(index)").publicKey,
            sharedSecret: try! OnionSharedSecret(SHA256.hash(Array("chan fuzz onion secret \(index)".utf8))))
    }

    /// First byte: even, the rest is the returned packet; odd, hop `byte / 2 % 3` made a
    /// failure of the rest (its `failuremsg`) and each hop back added its layer. Such a packet
    /// must be attributed to that hop, as the failure the message decodes to, or as malformed
    /// exactly when it does not decode.
    static let errorPacket = FuzzTarget("onion_error_packet", "OnionErrorPacket.decrypt along a fixed route") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        let mode = script.u8()
        guard mode & 1 == 1 else {
            _ = OnionErrorPacket.decrypt(script.rest(), route: route)
            return
        }
        let erring = Int(mode / 2) % route.count
        let failureMessage = script.rest()
        guard var packet = try? OnionErrorPacket.create(sharedSecret: route[erring].sharedSecret, failureMessage: failureMessage) else { return }
        for hop in stride(from: erring - 1, through: 0, by: -1) {
            packet = OnionErrorPacket.obfuscate(packet, sharedSecret: route[hop].sharedSecret)
        }
        let attribution = OnionErrorPacket.decrypt(packet, route: route)
        switch (attribution, try? OnionFailureMessage(decoding: failureMessage)) {
        case (.failure(let hop, _, let message), let expected?):
            try require(hop == erring && message == expected, "failure attributed to hop \(hop) of \(erring), or another message")
            try require((try? OnionFailureMessage(decoding: message.encoded())) == message, "a failure message reads back as another")
        case (.malformed(let hop, _, _), nil):
            try require(hop == erring, "malformed failure attributed to hop \(hop) of \(erring)")
        default:
            throw FuzzFailure(message: "hop \(erring)'s failure decrypts to \(attribution)")
        }
    }
}
