import ChanCore
import ChanCrypto
import ChanLedger
import ChanSim
import Testing

/// The channel tests' conveniences on the simulator's harness: HTLCs with the tests' own
/// preimages, commands that must succeed, crafted and intercepted messages.
extension ChannelPairHarness {
    /// A pair opened on `configuration` up to `stage`, keeping its history (the tests look
    /// back at what each side received, reported and broadcast).
    static func open(_ configuration: PairConfiguration = .defaults(), until stage: OpeningStage = .normal) throws -> ChannelPairHarness {
        try ChannelPairHarness(configuration: configuration, until: stage, keepsHistory: true)
    }

    /// `side` offers an HTLC paying to `preimage`'s hash; nothing is signed nor delivered.
    mutating func offer(_ side: PairSide, msat: UInt64, preimage: Preimage, expiresIn blocks: UInt32 = 40) throws {
        try execute(side, .addHTLC(amount: MilliSatoshi(msat), paymentHash: preimage.hash,
                                   cltvExpiry: self[side].currentHeight + blocks, onion: .zero))
    }

    /// `side` pays `msat` to the other side over one HTLC, settled completely.
    mutating func pay(_ side: PairSide, msat: UInt64, preimage: Preimage) throws {
        let id = self[side].commitments!.localNextHTLCID
        try offer(side, msat: msat, preimage: preimage)
        try execute(side, .sign)
        deliverAll()
        try execute(side.other, .fulfillHTLC(id: id, preimage: preimage))
        try execute(side.other, .sign)
        deliverAll()
    }

    /// An `update_add_htlc` from `side` as the other side expects its next one, with changes.
    func crafted(from side: PairSide, id: UInt64? = nil, msat: UInt64, expiry: UInt32? = nil) -> UpdateAddHTLC {
        let receiver = self[side.other].commitments!
        return UpdateAddHTLC(channelID: receiver.channelID, id: id ?? receiver.remoteNextHTLCID, amount: MilliSatoshi(msat),
                             paymentHash: try! Hash32(SHA256.hash(Array("crafted".utf8))),
                             cltvExpiry: expiry ?? self[side].currentHeight + 40, onionRoutingPacket: .zero)
    }

    /// Takes the next message in flight to `side` off the link, checking its kind.
    mutating func intercept(to side: PairSide, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> WireMessage {
        let next = intercept(to: side)
        let message = try #require(next, "nothing in flight to \(side)", sourceLocation: sourceLocation)
        #expect(message.name == name, sourceLocation: sourceLocation)
        return message
    }

    /// What alice's wallet held before the open: the faucet's coins, funding and change.
    var aliceWalletBeforeOpen: Satoshi {
        Satoshi(configuration.capacity.value + wallets.fundingFee.value + wallets.aliceChange.value)
    }
}

extension Preimage {
    /// The preimage a test calls `label`.
    init(label: String) throws {
        try self.init(bytes: SHA256.hash(Array(label.utf8)))
    }
}

/// Money is never lost: every commitment of the channel (ours, the peer's current one and the
/// one we signed next) distributes exactly the capacity, and so does the snapshot.
func expectConserved(_ channel: Channel, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let commitments = channel.commitments else { return }
    let capacity = try? commitments.parameters.capacity.msat
    for spec in [commitments.local.spec, commitments.remote.spec, commitments.latestRemote.spec] {
        #expect((try? spec.total) == capacity, "a commitment does not add up to the capacity", sourceLocation: sourceLocation)
    }
    let snapshot = channel.snapshot
    let inLocalCommitment = commitments.local.spec.htlcs.map(\.amount.value).reduce(0, +)
    #expect(snapshot.toLocalMsat + snapshot.toRemoteMsat + inLocalCommitment == snapshot.capacitySat * 1000,
            "the snapshot does not add up to the capacity", sourceLocation: sourceLocation)
}
