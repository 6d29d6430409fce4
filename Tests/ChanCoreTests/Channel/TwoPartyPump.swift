import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// A deterministic two-party pump over the real ledger engine: each side's effects are carried
/// out in order (messages delivered FIFO, broadcasts submitted, blocks mined on request).
/// Side 0 is alice, who opens the channel; side 1 is bob.
struct TwoPartyPump {
    static let alice = 0, bob = 1

    var channels: [Channel]
    var ledger: Ledger<InMemoryLedgerStore>
    /// The wallet keys each side's final balance and claims are paid to.
    var wallets: [PrivateKey]
    var inbox: [[WireMessage]] = [[], []]
    /// Every message each side received, in order (for replays).
    var delivered: [[WireMessage]] = [[], []]
    var resolutions: [[HTLCResolution]] = [[], []]
    /// Each side's revocation log and history, as a node keeps them beside the channel record.
    var revocationLogs: [[TxID: UInt64]] = [[:], [:]]
    var histories: [[StateChange]] = [[], []]
    var broadcasts: [Transaction] = []
    var fundingTransaction: Transaction?
    var now: UInt64 = 1_700_000_000

    /// A packet the channel only stores and forwards.
    static let onion = OnionRoutingPacket.zero

    mutating func perform(_ effects: [ChannelEffect], from side: Int) throws {
        for effect in effects {
            switch effect {
            case .send(let message): inbox[1 - side].append(message)
            case .broadcast(let transaction):
                broadcasts.append(transaction)
                _ = try? ledger.submit(transaction)
            case .htlc(let resolution): resolutions[side].append(resolution)
            case .persist(let revoked): if let revoked { revocationLogs[side][revoked.txid] = revoked.number }
            case .phaseChanged(let change): histories[side].append(change)
            case .fundingNeeded, .disconnect: break
            }
        }
    }

    mutating func command(_ side: Int, _ command: ChannelCommand) throws {
        try perform(try channels[side].handle(.command(command), now: now), from: side)
    }

    /// Delivers the next message waiting for `side` and returns the effects (already performed).
    @discardableResult
    mutating func deliverNext(to side: Int) throws -> [ChannelEffect] {
        let message = inbox[side].removeFirst()
        delivered[side].append(message)
        let effects = try channels[side].handle(.message(message), now: now)
        try perform(effects, from: side)
        return effects
    }

    /// Delivers messages until both inboxes are empty.
    mutating func deliverAll() throws {
        while let side = [0, 1].first(where: { !inbox[$0].isEmpty }) {
            try deliverNext(to: side)
        }
    }

    /// Mines blocks and reports them (and confirmed spends of watched outpoints) to both sides.
    mutating func mine(_ count: Int = 1) throws {
        for block in try ledger.mine(blocks: count) {
            let height = block.header.height
            for side in 0..<2 {
                let watched = channels[side].watchedOutPoints
                for transaction in block.transactions where transaction.inputs.contains(where: { watched.contains($0.previousOutput) }) {
                    let event: LedgerEvent = if let number = revocationLogs[side][transaction.txid] {
                        .revokedCommitmentConfirmed(transaction, height: height, commitmentNumber: number)
                    } else {
                        .transactionConfirmed(transaction, height: height)
                    }
                    try perform(try channels[side].handle(.ledger(event), now: now), from: side)
                }
                try perform(try channels[side].handle(.ledger(.blockConnected(height: height)), now: now), from: side)
            }
        }
    }

    /// Mines until both channels are closed (at most `limit` blocks).
    mutating func mineUntilClosed(limit: Int = 300) throws {
        for _ in 0..<limit where channels.contains(where: { $0.phase != .closed }) {
            try mine()
        }
    }

    /// `side` offers an HTLC paying to `preimage`'s hash and signs; nothing is delivered.
    mutating func offer(_ side: Int, msat: UInt64, preimage: Preimage, expiresIn blocks: UInt32 = 40) throws {
        let height = channels[side].currentHeight
        try command(side, .addHTLC(amount: MilliSatoshi(msat), paymentHash: preimage.hash, cltvExpiry: height + blocks, onion: Self.onion))
    }

    /// `side` pays `msat` to the other side over one HTLC, settled completely.
    mutating func pay(_ side: Int, msat: UInt64, preimage: Preimage) throws {
        let id = channels[side].commitments!.localNextHTLCID
        try offer(side, msat: msat, preimage: preimage)
        try command(side, .sign)
        try deliverAll()
        try command(1 - side, .fulfillHTLC(id: id, preimage: preimage))
        try command(1 - side, .sign)
        try deliverAll()
    }

    /// What the wallet of `side` holds on the ledger.
    func walletBalance(_ side: Int) -> UInt64 {
        ledger.store.unspentOutputs(paying: [.key(wallets[side].publicKey)]).map(\.output.amount.value).reduce(0, +)
    }
}

/// How a test channel is opened.
struct OpeningOptions {
    var capacity = Satoshi(1_000_000)
    var push = MilliSatoshi.zero
    var feeratePerKw: UInt32 = 2500
    /// What alice asks of bob (defaults for the capacity when nil).
    var aliceConfig: ChannelConfig?
    /// What bob asks of alice (defaults for the capacity when nil).
    var bobConfig: ChannelConfig?
}

/// Where `TwoPartyPump.open` stops.
enum OpeningStage: Int, Comparable {
    /// `open_channel` and `accept_channel` exchanged; alice sent `funding_created`, undelivered.
    case fundingCreatedSent
    /// Bob answered `funding_signed`, undelivered.
    case fundingSignedSent
    /// Both signed and the funding transaction is broadcast, not mined.
    case awaitingFunding
    /// Funding confirmed and `channel_ready` exchanged.
    case normal

    static func < (a: OpeningStage, b: OpeningStage) -> Bool { a.rawValue < b.rawValue }
}

extension TwoPartyPump {
    static func wallet(_ label: String) throws -> PrivateKey {
        try PrivateKey(secretBytes: SHA256.hash(Array(label.utf8)))
    }

    static func preimage(_ label: String) throws -> Preimage {
        try Preimage(bytes: SHA256.hash(Array(label.utf8)))
    }

    static func keys(_ label: String) throws -> ChannelKeys {
        try ChannelKeys.derive(nodeSeed: SHA256.hash(Array(label.utf8)), channelIndex: 0)
    }

    static func chainHash(_ ledger: Ledger<InMemoryLedgerStore>) throws -> Hash32 {
        try Hash32(ledger.chainHash.bytes)
    }

    /// A fresh ledger where alice's wallet holds 10,000,000 sat.
    static func fundedLedger() throws -> (Ledger<InMemoryLedgerStore>, Transaction) {
        var ledger = try Ledger(store: InMemoryLedgerStore())
        let mint = try ledger.faucet(to: .key(try wallet("alice wallet").publicKey), amount: Satoshi(10_000_000))
        try ledger.mine()
        return (ledger, mint)
    }

    /// Alice's `open_channel` for `options`, with alice's channel.
    static func aliceOpens(_ options: OpeningOptions, ledger: Ledger<InMemoryLedgerStore>) throws -> (Channel, OpenChannel) {
        let (alice, effects) = try Channel.open(
            keys: try keys("alice"), peerID: try keys("bob").funding.publicKey, chainHash: try chainHash(ledger),
            temporaryChannelID: try ChannelID(Array(repeating: 7, count: 32)), fundingAmount: options.capacity,
            pushAmount: options.push, feeratePerKw: options.feeratePerKw,
            localConfig: options.aliceConfig ?? .defaults(capacity: options.capacity),
            destination: .key(try wallet("alice wallet").publicKey), currentHeight: try ledger.tip().height, now: 0)
        guard case .send(.openChannel(let open)) = effects.first else { throw ChannelError.invalidState("no open_channel") }
        return (alice, open)
    }

    /// Bob's answer to `open` with bob's default settings (or `config`).
    static func bobAccepts(_ open: OpenChannel, config: ChannelConfig? = nil, ledger: Ledger<InMemoryLedgerStore>) throws -> (Channel, [ChannelEffect]) {
        try Channel.accept(
            open, keys: try keys("bob"), peerID: try keys("alice").funding.publicKey, chainHash: try chainHash(ledger),
            localConfig: config ?? .defaults(capacity: open.fundingAmount), destination: .key(try wallet("bob wallet").publicKey),
            currentHeight: try ledger.tip().height, now: 0)
    }

    /// Opens a channel from alice to bob on a fresh ledger, up to `stage`.
    static func open(_ options: OpeningOptions = OpeningOptions(), until stage: OpeningStage = .normal) throws -> TwoPartyPump {
        let (ledger, mint) = try fundedLedger()
        let (aliceChannel, open) = try aliceOpens(options, ledger: ledger)
        let (bobChannel, acceptEffects) = try bobAccepts(open, config: options.bobConfig, ledger: ledger)
        let aliceWallet = try wallet("alice wallet")
        var pump = TwoPartyPump(channels: [aliceChannel, bobChannel], ledger: ledger, wallets: [aliceWallet, try wallet("bob wallet")])
        try pump.perform(acceptEffects, from: bob)

        // accept_channel asks alice for a funding transaction.
        let fundingEffects = try pump.deliverNext(to: TwoPartyPump.alice)
        guard case .fundingNeeded(let amount, let condition) = fundingEffects.first else { throw ChannelError.invalidState("no funding request") }
        var funding = Transaction(
            inputs: [TxInput(previousOutput: mint.outPoint(0))],
            outputs: [TxOutput(amount: amount, condition: condition),
                      TxOutput(amount: Satoshi(10_000_000 - amount.value - 1000), condition: .key(aliceWallet.publicKey))])
        funding.inputs[0].witness = .keySignature(try aliceWallet.sign(digest: funding.sighash(inputIndex: 0)))
        pump.fundingTransaction = funding
        try pump.command(TwoPartyPump.alice, .fundingTransactionReady(funding, outputIndex: 0))
        guard stage > .fundingCreatedSent else { return pump }
        try pump.deliverNext(to: bob)
        guard stage > .fundingSignedSent else { return pump }
        try pump.deliverNext(to: TwoPartyPump.alice)
        #expect(pump.channels.map(\.phase) == [.awaitingFunding, .awaitingFunding])
        guard stage > .awaitingFunding else { return pump }

        try pump.mine(3)
        let scid = try ShortChannelID(block: try pump.ledger.tip().height - 2, transactionIndex: 1, outputIndex: 0)
        for side in 0..<2 {
            try pump.perform(try pump.channels[side].handle(.ledger(.fundingConfirmed(depth: 3, shortChannelID: scid)), now: 0), from: side)
        }
        try pump.deliverAll()
        #expect(pump.channels.map(\.phase) == [.normal, .normal])
        return pump
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
