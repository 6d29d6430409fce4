import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// How a channel must refuse bad input (the adversarial tests' three outcomes).
enum Refusal {
    /// A command that cannot be carried out throws `error` and leaves the channel as it was.
    static func command(_ channel: inout Channel, _ command: ChannelCommand, _ error: ChannelError,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let before = channel
        #expect(throws: error, sourceLocation: sourceLocation) { _ = try channel.handle(.command(command), now: 7) }
        #expect(channel == before, "a refused command changed the channel", sourceLocation: sourceLocation)
        expectConserved(channel, sourceLocation: sourceLocation)
    }

    /// A peer's bad message that breaks no signature: a `warning` carrying `error`, the connection
    /// dropped, and apart from what a disconnect does (drop both sides' unsigned updates) the
    /// channel is unchanged.
    static func warning(_ channel: inout Channel, _ message: WireMessage, _ error: ChannelError,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        var expected = channel
        let disconnectEffects = try! expected.handle(.disconnected, now: 7)
        let effects = try! channel.handle(.message(message), now: 7)
        let warning = WarningMessage(channelID: channel.channelID, data: Array(error.message.utf8))
        #expect(effects == [.send(.warning(warning)), .disconnect] + disconnectEffects, sourceLocation: sourceLocation)
        #expect(channel == expected, "the refused message changed the channel", sourceLocation: sourceLocation)
        expectConserved(channel, sourceLocation: sourceLocation)
    }

    /// A bad signature or revocation: the channel fails safely. An `error` carrying `error` goes
    /// to the peer, our latest commitment (fully signed, valid on `ledger` when given) is
    /// broadcast, and nothing of the message was taken into the commitments.
    static func failure(_ channel: inout Channel, _ message: WireMessage, _ error: ChannelError,
                        ledger: Ledger<InMemoryLedgerStore>? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let before = channel
        let effects = try! channel.handle(.message(message), now: 7)
        let commitment = before.signedLocalCommitment(before.commitments!)
        #expect(effects == [.send(.error(ErrorMessage(channelID: before.channelID, data: Array(error.message.utf8)))),
                            .persist(), .broadcast(commitment),
                            .phaseChanged(StateChange(time: 7, old: before.phase, new: .forceClosing, cause: "peer error: \(error.message)"))],
                sourceLocation: sourceLocation)
        #expect(channel.phase == .forceClosing, sourceLocation: sourceLocation)
        #expect(channel.commitments == before.commitments, "the bad message was taken", sourceLocation: sourceLocation)
        if let ledger {
            #expect(throws: Never.self, "the commitment broadcast is not valid", sourceLocation: sourceLocation) { _ = try ledger.check(commitment) }
        }
        expectConserved(channel, sourceLocation: sourceLocation)
    }
}

/// What a peer could put on the wire: `message` encoded, its bytes changed by `tamper`, then
/// decoded again as the node would decode them.
func rewired(_ message: WireMessage, _ tamper: (inout [UInt8]) -> Void) throws -> WireMessage {
    var bytes = try message.encode()
    tamper(&bytes)
    return try WireMessage.decode(bytes)
}

/// A well-formed signature by the right key, over the wrong digest.
func signatureOverAnotherMessage(by key: PrivateKey) throws -> CompactSignature {
    try CompactSignature(try key.sign(digest: SHA256.hash(Array("not this transaction".utf8))).compact)
}
