import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// A deterministic two-party pump over the real ledger engine: each side's effects are carried
/// out in order (messages delivered FIFO, broadcasts submitted, blocks mined on request).
private struct TwoParties {
    var channels: [Channel]          // [alice, bob]
    var ledger: Ledger<InMemoryLedgerStore>
    var inbox: [[WireMessage]] = [[], []]
    var resolutions: [[HTLCResolution]] = [[], []]
    var broadcasts: [Transaction] = []
    var now: UInt64 = 1_700_000_000

    mutating func perform(_ effects: [ChannelEffect], from side: Int) throws {
        for effect in effects {
            switch effect {
            case .send(let message): inbox[1 - side].append(message)
            case .broadcast(let transaction):
                broadcasts.append(transaction)
                _ = try? ledger.submit(transaction)
            case .htlc(let resolution): resolutions[side].append(resolution)
            case .fundingNeeded, .persist, .phaseChanged, .disconnect: break
            }
        }
    }

    mutating func command(_ side: Int, _ command: ChannelCommand) throws {
        try perform(try channels[side].handle(.command(command), now: now), from: side)
    }

    /// Delivers messages until both inboxes are empty.
    mutating func deliverAll() throws {
        while let side = [0, 1].first(where: { !inbox[$0].isEmpty }) {
            let message = inbox[side].removeFirst()
            try perform(try channels[side].handle(.message(message), now: now), from: side)
        }
    }

    /// Mines blocks and reports them (and confirmed spends of watched outpoints) to both sides.
    mutating func mine(_ count: Int = 1) throws {
        for block in try ledger.mine(blocks: count) {
            let height = block.header.height
            for side in 0..<2 {
                let watched = channels[side].watchedOutPoints
                for transaction in block.transactions where transaction.inputs.contains(where: { watched.contains($0.previousOutput) }) {
                    try perform(try channels[side].handle(.ledger(.transactionConfirmed(transaction, height: height)), now: now), from: side)
                }
                try perform(try channels[side].handle(.ledger(.blockConnected(height: height)), now: now), from: side)
            }
        }
    }
}

private func wallet(_ label: String) throws -> PrivateKey {
    try PrivateKey(secretBytes: SHA256.hash(Array(label.utf8)))
}

/// Opens a 1,000,000-sat channel from alice to bob on a fresh ledger and brings it to `normal`.
private func openChannel(capacity: Satoshi = Satoshi(1_000_000)) throws -> (TwoParties, PrivateKey, PrivateKey) {
    var ledger = try Ledger(store: InMemoryLedgerStore())
    let aliceWallet = try wallet("alice wallet"), bobWallet = try wallet("bob wallet")
    let mint = try ledger.faucet(to: .key(aliceWallet.publicKey), amount: Satoshi(10_000_000))
    try ledger.mine()
    let aliceKeys = try ChannelKeys.derive(nodeSeed: SHA256.hash(Array("alice".utf8)), channelIndex: 0)
    let bobKeys = try ChannelKeys.derive(nodeSeed: SHA256.hash(Array("bob".utf8)), channelIndex: 0)
    let chainHash = try Hash32(ledger.chainHash.bytes)
    let height = try ledger.tip().height
    let config = ChannelConfig.defaults(capacity: capacity)
    let (alice, openEffects) = try Channel.open(
        keys: aliceKeys, peerID: bobKeys.funding.publicKey, chainHash: chainHash, temporaryChannelID: try ChannelID(Array(repeating: 7, count: 32)),
        fundingAmount: capacity, feeratePerKw: 2500, localConfig: config, destination: .key(aliceWallet.publicKey),
        currentHeight: height, now: 0)
    guard case .send(.openChannel(let open)) = openEffects.first else { Issue.record("no open_channel"); throw ChannelError.nothingToSign }
    let (bob, acceptEffects) = try Channel.accept(
        open, keys: bobKeys, peerID: aliceKeys.funding.publicKey, chainHash: chainHash, localConfig: config,
        destination: .key(bobWallet.publicKey), currentHeight: height, now: 0)
    var parties = TwoParties(channels: [alice, bob], ledger: ledger)
    try parties.perform(acceptEffects, from: 1)

    // accept_channel asks alice for a funding transaction.
    let accept = parties.inbox[0].removeFirst()
    let fundingEffects = try parties.channels[0].handle(.message(accept), now: 0)
    guard case .fundingNeeded(let amount, let condition) = fundingEffects.first else { Issue.record("no funding request"); throw ChannelError.nothingToSign }
    var funding = Transaction(
        inputs: [TxInput(previousOutput: mint.outPoint(0))],
        outputs: [TxOutput(amount: amount, condition: condition),
                  TxOutput(amount: Satoshi(10_000_000 - amount.value - 1000), condition: .key(aliceWallet.publicKey))])
    funding.inputs[0].witness = .keySignature(try aliceWallet.sign(digest: funding.sighash(inputIndex: 0)))
    try parties.command(0, .fundingTransactionReady(funding, outputIndex: 0))
    try parties.deliverAll()
    #expect(parties.channels.map(\.phase) == [.awaitingFunding, .awaitingFunding])
    try parties.mine(3)
    let fundingHeight = try parties.ledger.lookup(funding.txid)
    #expect(fundingHeight.confirmations == 3)
    let scid = try ShortChannelID(block: try parties.ledger.tip().height - 2, transactionIndex: 1, outputIndex: 0)
    for side in 0..<2 {
        try parties.perform(try parties.channels[side].handle(.ledger(.fundingConfirmed(depth: 3, shortChannelID: scid)), now: 0), from: side)
    }
    try parties.deliverAll()
    #expect(parties.channels.map(\.phase) == [.normal, .normal])
    return (parties, aliceWallet, bobWallet)
}

private let onion = try! OnionRoutingPacket([UInt8](repeating: 0, count: 1366))

@Suite struct ChannelLifecycleTests {
    @Test func openPayAndMutualCloseConserveMoney() throws {
        var (parties, aliceWallet, bobWallet) = try openChannel()
        let preimage = try Preimage(bytes: SHA256.hash(Array("secret".utf8)))
        let height = parties.channels[0].currentHeight

        try parties.command(0, .addHTLC(amount: MilliSatoshi(200_000_000), paymentHash: preimage.hash, cltvExpiry: height + 40, onion: onion))
        try parties.command(0, .sign)
        try parties.deliverAll()
        guard case .incomingCommitted(let htlc, _) = parties.resolutions[1].first else {
            Issue.record("bob did not see a committed HTLC: \(parties.resolutions)"); return
        }
        #expect(htlc.amount == MilliSatoshi(200_000_000))
        try parties.command(1, .fulfillHTLC(id: htlc.id, preimage: preimage))
        try parties.command(1, .sign)
        try parties.deliverAll()
        #expect(parties.resolutions[0] == [.outgoingFulfilled(id: 0, paymentHash: preimage.hash, preimage: preimage)])

        let alice = parties.channels[0].commitments!, bob = parties.channels[1].commitments!
        #expect(alice.local.spec.toLocal == MilliSatoshi(800_000_000))
        #expect(alice.local.spec.toRemote == MilliSatoshi(200_000_000))
        #expect(bob.local.spec == alice.local.spec.flipped)
        #expect(alice.local.spec.htlcs.isEmpty && alice.remote.spec.htlcs.isEmpty)

        try parties.command(0, .close)
        try parties.deliverAll()
        #expect(parties.channels.map(\.phase) == [.closing, .closing])
        try parties.mine()
        #expect(parties.channels.map(\.phase) == [.closed, .closed])

        let audit = try parties.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        let bobFunds = parties.ledger.store.unspentOutputs(paying: [.key(bobWallet.publicKey)]).map(\.output.amount.value).reduce(0, +)
        #expect(bobFunds == 200_000)
        // Alice keeps her change and her balance less the commitment-free closing fee she paid.
        let aliceFunds = parties.ledger.store.unspentOutputs(paying: [.key(aliceWallet.publicKey)]).map(\.output.amount.value).reduce(0, +)
        let closingFee = UInt64(2500) * 672 / 1000
        #expect(aliceFunds == (10_000_000 - 1_000_000 - 1000) + 800_000 - closingFee)
    }

    @Test func forceCloseWithHTLCsInBothDirectionsResolvesOnChain() throws {
        var (parties, aliceWallet, bobWallet) = try openChannel()
        let paid = try Preimage(bytes: SHA256.hash(Array("paid".utf8)))
        let unpaid = try Preimage(bytes: SHA256.hash(Array("unpaid".utf8)))
        let toAlice = try Preimage(bytes: SHA256.hash(Array("to alice".utf8)))
        let height = parties.channels[0].currentHeight
        // Bob needs a balance before he can offer alice an HTLC.
        try parties.command(0, .addHTLC(amount: MilliSatoshi(300_000_000), paymentHash: paid.hash, cltvExpiry: height + 30, onion: onion))
        try parties.command(0, .sign)
        try parties.deliverAll()
        try parties.command(1, .fulfillHTLC(id: 0, preimage: paid))
        try parties.command(1, .sign)
        try parties.deliverAll()
        // Now one HTLC each way stays pending: alice -> bob (bob never learns the preimage)
        // and bob -> alice (alice knows the preimage and claims it on chain).
        try parties.command(0, .addHTLC(amount: MilliSatoshi(100_000_000), paymentHash: unpaid.hash, cltvExpiry: height + 30, onion: onion))
        try parties.command(1, .addHTLC(amount: MilliSatoshi(50_000_000), paymentHash: toAlice.hash, cltvExpiry: height + 60, onion: onion))
        try parties.command(0, .sign)
        try parties.command(1, .sign)
        try parties.deliverAll()
        #expect(parties.channels[0].commitments!.local.spec.htlcs.count == 2)

        try parties.command(0, .fulfillHTLC(id: 0, preimage: toAlice))
        // Alice closes alone before the fulfil reaches bob: she must claim on chain.
        parties.inbox[1].removeAll()
        try parties.command(0, .forceClose)
        #expect(parties.channels[0].phase == .forceClosing)
        for _ in 0..<200 where parties.channels.contains(where: { $0.phase != .closed }) {
            try parties.mine()
        }
        #expect(parties.channels.map(\.phase) == [.closed, .closed])
        let audit = try parties.ledger.audit()
        #expect(audit.ok, "\(audit.problems)")
        // Alice's outgoing HTLC to bob timed out on chain and was reported failed once.
        let aliceFailed = parties.resolutions[0].filter { if case .outgoingFailed = $0 { true } else { false } }
        #expect(aliceFailed.count == 1)
        // Bob learned the preimage of his HTLC to alice from her on-chain claim.
        #expect(parties.resolutions[1].contains(.outgoingFulfilled(id: 0, paymentHash: toAlice.hash, preimage: toAlice)))
        // Every satoshi of the channel ended with a wallet or as fees: nothing left on channel conditions.
        let walletTotal = parties.ledger.store.unspentOutputs(paying: [.key(aliceWallet.publicKey), .key(bobWallet.publicKey)])
            .map(\.output.amount.value).reduce(0, +)
        let leftover = parties.ledger.store.allUnspentOutputs().filter {
            if case .key = $0.output.condition { false } else { true }
        }
        #expect(leftover.isEmpty, "unclaimed: \(leftover.map(\.output.condition.kind))")
        #expect(walletTotal > 9_000_000 && walletTotal < 10_000_000)
    }
}
