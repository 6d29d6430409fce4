import ChanCore
import ChanCrypto
import ChanLedger

/// The first steps of opening the pair's channel, before there is a harness: both parties'
/// keys and wallets derived from the configuration's seed, a fresh ledger where the faucet
/// funded the opener's wallet, the opener's `open_channel` and the other's `accept_channel`
/// (alice opens unless `PairConfiguration.opener` says bob). The harness opens
/// through it (`ChannelPairHarness.init(configuration:until:keepsHistory:)`); a test takes a
/// step alone to see what a side refuses while opening.
public struct PairOpening {
    public let configuration: PairConfiguration
    /// Each party's node keys; its channel is the node's channel 0.
    let aliceNode: NodeKeys
    let bobNode: NodeKeys
    var aliceKeys: ChannelKeys { aliceNode.channelKeys(index: 0) }
    var bobKeys: ChannelKeys { bobNode.channelKeys(index: 0) }
    let aliceWallet: PrivateKey
    let bobWallet: PrivateKey
    /// The faucet's coins in alice's wallet, mined; nothing else happened on it.
    let ledger: Ledger<InMemoryLedgerStore>
    /// The faucet's transaction, which the funding transaction spends.
    let mint: Transaction
    /// What the funding transaction pays the miner, and gives back to the opener besides the capacity.
    static let fundingFee = Satoshi(1000)
    static let aliceChange = Satoshi(100_000)

    public init(configuration: PairConfiguration) throws {
        func secret(_ label: String) throws -> PrivateKey {
            var message = Array("chan sim \(label)".utf8)
            withUnsafeBytes(of: configuration.keySeed.bigEndian) { message += $0 }
            return try PrivateKey(secretBytes: SHA256.hash(message))
        }
        self.configuration = configuration
        aliceWallet = try secret("alice wallet")
        bobWallet = try secret("bob wallet")
        aliceNode = try NodeKeys(seed: try secret("alice node").secretBytes)
        bobNode = try NodeKeys(seed: try secret("bob node").secretBytes)

        var ledger = try Ledger(store: InMemoryLedgerStore())
        let minted = try configuration.capacity.adding(Self.fundingFee).adding(Self.aliceChange)
        mint = try ledger.faucet(to: .key((configuration.opener == .alice ? aliceWallet : bobWallet).publicKey), amount: minted)
        try ledger.mine()
        self.ledger = ledger
    }

    var chainHash: Hash32 { get throws { try Hash32(ledger.chainHash.bytes) } }

    var height: UInt32 { get throws { try ledger.tip().height } }

    /// The clock of the open: the run's start (the harness's clock only moves when it acts).
    var now: UInt64 { configuration.startTime }

    func keys(of side: PairSide) -> ChannelKeys { side == .alice ? aliceKeys : bobKeys }
    func wallet(of side: PairSide) -> PrivateKey { side == .alice ? aliceWallet : bobWallet }

    /// The opener's channel, opening with `configuration`, and its `open_channel`.
    public func opens() throws -> (Channel, OpenChannel) {
        let opener = configuration.opener, keys = keys(of: opener)
        let (channel, effects) = try Channel.open(
            keys: keys, peerID: self.keys(of: opener.other).funding.publicKey, chainHash: try chainHash,
            temporaryChannelID: try ChannelID(SHA256.hash(Array("temporary".utf8) + keys.shachainSeed)),
            fundingAmount: configuration.capacity, pushAmount: configuration.pushAmount,
            feeratePerKw: configuration.feeratePerKw, localConfig: configuration.config(of: opener),
            destination: .key(wallet(of: opener).publicKey), currentHeight: try height, now: now)
        guard case .send(.openChannel(let open)) = effects.first else { throw SimulationError.openFailed("no open_channel") }
        return (channel, open)
    }

    /// The other side's channel, accepting `open` with `configuration`, and its `accept_channel`.
    public func accepts(_ open: OpenChannel) throws -> (Channel, AcceptChannel) {
        let acceptor = configuration.opener.other
        let (channel, effects) = try Channel.accept(
            open, keys: keys(of: acceptor), peerID: keys(of: acceptor.other).funding.publicKey, chainHash: try chainHash,
            localConfig: configuration.config(of: acceptor), minimumDepth: configuration.minimumDepth,
            destination: .key(wallet(of: acceptor).publicKey), currentHeight: try height, now: now)
        guard case .send(.acceptChannel(let accept)) = effects.first else { throw SimulationError.openFailed("no accept_channel") }
        return (channel, accept)
    }

    /// Alice's channel, opening with `configuration`, and her `open_channel` (alice must be the opener).
    public func aliceOpens() throws -> (Channel, OpenChannel) {
        guard configuration.opener == .alice else { throw SimulationError.openFailed("bob is the opener") }
        return try opens()
    }

    /// Bob's channel, accepting `open` with `configuration`, and his `accept_channel` (alice must be the opener).
    public func bobAccepts(_ open: OpenChannel) throws -> (Channel, AcceptChannel) {
        guard configuration.opener == .alice else { throw SimulationError.openFailed("bob is the opener") }
        return try accepts(open)
    }

    /// The opener's wallet pays `amount` to the funding `condition` (output 0) from the
    /// faucet's coins, keeping its change; signed.
    func fundingTransaction(paying amount: Satoshi, to condition: OutputCondition) throws -> Transaction {
        let wallet = wallet(of: configuration.opener)
        var funding = Transaction(
            inputs: [TxInput(previousOutput: mint.outPoint(0))],
            outputs: [TxOutput(amount: amount, condition: condition),
                      TxOutput(amount: Self.aliceChange, condition: .key(wallet.publicKey))])
        funding.inputs[0].witness = .keySignature(try wallet.sign(digest: funding.sighash(inputIndex: 0)))
        return funding
    }

    func wallets(fundingTxid: TxID) -> PairWallets {
        PairWallets(alice: .key(aliceWallet.publicKey), bob: .key(bobWallet.publicKey),
                    fundingTxid: fundingTxid, fundingFee: Self.fundingFee, aliceChange: Self.aliceChange, opener: configuration.opener)
    }
}
