import ChanCore
import ChanCrypto

/// Keys, sessions and streams shared by the transport tests (namespaced: other suites of this
/// target define their own helpers).
enum TransportFixtures {
    static func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex)! }

    /// A stable private key named by a label.
    static func key(_ label: String) throws -> PrivateKey {
        try PrivateKey(secretBytes: SHA256.hash(Array(label.utf8)))
    }

    /// Runs a whole handshake between two parties; returns both sessions and what the
    /// responder learnt.
    static func handshake(initiator initiatorLabel: String = "alice", responder responderLabel: String = "bob") throws
        -> (initiator: TransportCipher, responder: TransportCipher, initiatorID: PublicKey, learntID: PublicKey)
    {
        let initiatorStatic = try key(initiatorLabel)
        let responderStatic = try key(responderLabel)
        var (initiator, actOne) = try NoiseInitiator.start(
            localStatic: initiatorStatic, remoteStatic: responderStatic.publicKey, ephemeral: try key(initiatorLabel + " ephemeral"))
        var responder = NoiseResponder(localStatic: responderStatic, ephemeral: try key(responderLabel + " ephemeral"))
        let actTwo = try responder.receiveActOne(actOne)
        let (actThree, initiatorCipher) = try initiator.receiveActTwo(actTwo)
        let (learnt, responderCipher) = try responder.receiveActThree(actThree)
        return (initiatorCipher, responderCipher, initiatorStatic.publicKey, learnt)
    }

    /// A message of `length` bytes whose content depends on `seed`, so mix-ups show.
    static func message(length: Int, seed: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ 1) }
    }

    /// Random chunk boundaries over `stream`, sizes 0...maxChunk (empty chunks included).
    static func chunks(of stream: [UInt8], maxChunk: Int, using random: inout SplitMix64) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var index = 0
        while index < stream.count {
            let size = Int.random(in: 0...maxChunk, using: &random)
            let end = min(stream.count, index + size)
            result.append(Array(stream[index..<end]))
            index = end
        }
        return result
    }

    static func randomBytes(_ count: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }
}
