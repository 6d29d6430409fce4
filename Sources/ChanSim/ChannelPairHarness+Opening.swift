import ChanCore
import ChanCrypto
import ChanLedger

extension ChannelPairHarness {
    /// Opens the channel of `configuration` on a fresh ledger, as a node would: the faucet
    /// funds alice's wallet, `open_channel` .. `funding_signed` over the link, the funding
    /// transaction confirmed to bob's `minimum_depth`, `channel_ready` both ways. Both channels
    /// are `normal` when it returns.
    public init(configuration: PairConfiguration) throws(SimulationError) {
        do {
            try self.init(opening: configuration)
        } catch let error as SimulationError {
            throw error
        } catch {
            throw .openFailed("\(error)")
        }
    }

    private init(opening configuration: PairConfiguration) throws {
        func secret(_ label: String) throws -> PrivateKey {
            var message = Array("chan sim \(label)".utf8)
            withUnsafeBytes(of: configuration.keySeed.bigEndian) { message += $0 }
            return try PrivateKey(secretBytes: SHA256.hash(message))
        }
        let aliceWallet = try secret("alice wallet"), bobWallet = try secret("bob wallet")
        let aliceNode = try NodeKeys(seed: try secret("alice node").secretBytes)
        let bobNode = try NodeKeys(seed: try secret("bob node").secretBytes)
        let aliceKeys = aliceNode.channelKeys(index: 0), bobKeys = bobNode.channelKeys(index: 0)

        var ledger = try Ledger(store: InMemoryLedgerStore())
        let fundingFee = Satoshi(1000)
        let aliceChange = Satoshi(100_000)
        let minted = try configuration.capacity.adding(fundingFee).adding(aliceChange)
        let mint = try ledger.faucet(to: .key(aliceWallet.publicKey), amount: minted)
        try ledger.mine()
        let height = try ledger.tip().height
        let chainHash = try Hash32(ledger.chainHash.bytes)
        let clock = SimulatedClock(start: configuration.startTime)

        let (alice, openEffects) = try Channel.open(
            keys: aliceKeys, peerID: bobKeys.funding.publicKey, chainHash: chainHash,
            temporaryChannelID: try ChannelID(SHA256.hash(Array("temporary".utf8) + aliceKeys.shachainSeed)),
            fundingAmount: configuration.capacity, pushAmount: configuration.pushAmount,
            feeratePerKw: configuration.feeratePerKw, localConfig: configuration.aliceConfig,
            destination: .key(aliceWallet.publicKey), currentHeight: height, now: clock.now)
        guard case .send(.openChannel(let open)) = openEffects.first else { throw SimulationError.openFailed("no open_channel") }
        let (bob, acceptEffects) = try Channel.accept(
            open, keys: bobKeys, peerID: aliceKeys.funding.publicKey, chainHash: chainHash,
            localConfig: configuration.bobConfig, minimumDepth: configuration.minimumDepth,
            destination: .key(bobWallet.publicKey), currentHeight: height, now: clock.now)
        guard case .send(.acceptChannel(let accept)) = acceptEffects.first else { throw SimulationError.openFailed("no accept_channel") }

        // accept_channel asks alice's wallet for the funding transaction.
        var opener = alice
        let fundingEffects = try opener.handle(.message(.acceptChannel(accept)), now: clock.now)
        guard case .fundingNeeded(let amount, let condition) = fundingEffects.first else {
            throw SimulationError.openFailed("no funding request")
        }
        var funding = Transaction(
            inputs: [TxInput(previousOutput: mint.outPoint(0))],
            outputs: [TxOutput(amount: amount, condition: condition), TxOutput(amount: aliceChange, condition: .key(aliceWallet.publicKey))])
        funding.inputs[0].witness = .keySignature(try aliceWallet.sign(digest: funding.sighash(inputIndex: 0)))

        self.configuration = configuration
        self.nodeKeys = [aliceNode, bobNode]
        self.channels = [opener, bob]
        self.ledger = ledger
        self.payments = PaymentBook(seed: configuration.keySeed)
        self.clock = clock
        self.wallets = PairWallets(alice: .key(aliceWallet.publicKey), bob: .key(bobWallet.publicKey),
                                   fundingTxid: funding.txid, fundingFee: fundingFee, aliceChange: aliceChange)
        ledgerChanges = 1

        // funding_created, funding_signed (alice broadcasts), then the confirmations.
        guard command(.alice, .fundingTransactionReady(funding, outputIndex: 0)) else {
            throw SimulationError.openFailed("the funding transaction was refused")
        }
        deliverAll()
        guard channels.allSatisfy({ $0.phase == .awaitingFunding }) else {
            throw SimulationError.openFailed("funding not signed: \(channels.map(\.phase.rawValue))")
        }
        fundingHeight = height + 1
        mine(blocks: Int(configuration.minimumDepth))
        deliverAll()
        guard channels.allSatisfy({ $0.phase == .normal }) else {
            throw SimulationError.openFailed("not normal after channel_ready: \(channels.map(\.phase.rawValue)); \(violations.messages)")
        }
    }
}
