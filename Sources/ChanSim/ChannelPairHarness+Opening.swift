import ChanCore
import ChanCrypto
import ChanLedger

extension ChannelPairHarness {
    /// Where an opening stops: each stage one message further than the one before.
    public enum OpeningStage: Int, Comparable, Sendable {
        /// `open_channel` and `accept_channel` exchanged; the opener's `funding_created` in flight.
        case fundingCreatedSent
        /// The acceptor's `funding_signed` in flight.
        case fundingSignedSent
        /// Both signed, the funding transaction broadcast and not mined.
        case awaitingFunding
        /// The funding confirmed to the acceptor's `minimum_depth`, `channel_ready` both ways.
        case normal

        public static func < (a: OpeningStage, b: OpeningStage) -> Bool { a.rawValue < b.rawValue }
    }

    /// Opens the channel of `configuration` on a fresh ledger, as a node would, up to `stage`:
    /// the faucet funds the opener's wallet, `open_channel` .. `funding_signed` over the link, the
    /// funding transaction confirmed to the acceptor's `minimum_depth`, `channel_ready` both ways. With
    /// `keepsHistory`, the harness keeps what each side received, reported and broadcast
    /// (`history`), from the open on.
    public init(configuration: PairConfiguration, until stage: OpeningStage = .normal,
                keepsHistory: Bool = false) throws(SimulationError) {
        do {
            try self.init(opening: try PairOpening(configuration: configuration), until: stage, keepsHistory: keepsHistory)
        } catch let error as SimulationError {
            throw error
        } catch {
            throw .openFailed("\(error)")
        }
    }

    private init(opening: PairOpening, until stage: OpeningStage, keepsHistory: Bool) throws {
        let configuration = opening.configuration
        let clock = SimulatedClock(start: configuration.startTime)
        let openerSide = configuration.opener, acceptorSide = openerSide.other
        var (opener, open) = try opening.opens()
        let (acceptor, accept) = try opening.accepts(open)

        // accept_channel asks the opener's wallet for the funding transaction.
        let fundingEffects = try opener.handle(.message(.acceptChannel(accept)), now: clock.now)
        guard case .fundingNeeded(let amount, let condition) = fundingEffects.first else {
            throw SimulationError.openFailed("no funding request")
        }
        let funding = try opening.fundingTransaction(paying: amount, to: condition)

        self.configuration = configuration
        self.nodeKeys = [opening.aliceNode, opening.bobNode]
        self.channels = openerSide == .alice ? [opener, acceptor] : [acceptor, opener]
        self.ledger = opening.ledger
        self.payments = PaymentBook(seed: configuration.keySeed)
        self.clock = clock
        self.wallets = opening.wallets(fundingTxid: funding.txid)
        self.history = PairHistory(isKept: keepsHistory)
        // The two messages exchanged before the harness existed.
        history.record(received: .openChannel(open), by: acceptorSide)
        history.record(received: .acceptChannel(accept), by: openerSide)
        ledgerChanges = 1

        // funding_created, funding_signed (the opener broadcasts), then the confirmations.
        guard command(openerSide, .fundingTransactionReady(funding, outputIndex: 0)) else {
            throw SimulationError.openFailed("the funding transaction was refused")
        }
        guard stage > .fundingCreatedSent else { return }
        deliverNext(to: acceptorSide)
        guard stage > .fundingSignedSent else { return }
        deliverNext(to: openerSide)
        guard channels.allSatisfy({ $0.phase == .awaitingFunding }) else {
            throw SimulationError.openFailed("funding not signed: \(channels.map(\.phase.rawValue))")
        }
        guard stage > .awaitingFunding else { return }
        mine(blocks: Int(configuration.minimumDepth))
        deliverAll()
        guard channels.allSatisfy({ $0.phase == .normal }) else {
            throw SimulationError.openFailed("not normal after channel_ready: \(channels.map(\.phase.rawValue)); \(violations.messages)")
        }
    }
}
