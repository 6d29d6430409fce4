import ChanCore
import ChanLedger

/// Who got what after a close, side by side. `ClosedChannelFunds` checks that every satoshi of
/// the capacity is somewhere; a sat moved from one wallet to the other passes that sum. Here
/// each side's wallet gain must be exactly its final channel balance less the fees that side
/// paid:
///
///     1000 * gain == final balance (msat) - its part of the closing transaction's fee (msat)
///                    - 1000 * fees of the claims that brought its outputs home
///
/// The final balance is the side's balance in the transaction that spent the funding output
/// (the mutual close, or the commitment that confirmed) plus the HTLCs in it that ended its
/// way (the payment book says which: fulfilled to the receiver, failed to the sender). Its
/// part of that transaction's fee is worked out by the BOLT rules, not read off the outputs:
/// the opener pays the closing fee or the commitment's base fee; each side loses the msat
/// floored off its outputs, the trimmed HTLCs it won, and its output if left out as dust.
/// After a breach the honest side's final balance is the whole capacity and it pays every fee.
public struct CloseShare: Hashable, Sendable, CustomStringConvertible {
    public let side: PairSide
    public let finalBalanceMsat: UInt64
    /// The side's part of the fee of the transaction that spent the funding output, msat.
    public let closeFeeMsat: UInt64
    /// Fees of the transactions that claimed the side's outputs (sweeps, HTLC transactions,
    /// penalties), sat.
    public let claimFees: UInt64
    /// What the side's wallet gained, sat.
    public let gain: UInt64

    public init(side: PairSide, finalBalanceMsat: UInt64, closeFeeMsat: UInt64, claimFees: UInt64, gain: UInt64) {
        self.side = side
        self.finalBalanceMsat = finalBalanceMsat
        self.closeFeeMsat = closeFeeMsat
        self.claimFees = claimFees
        self.gain = gain
    }

    /// What the wallet should have gained, msat (negative if the fees exceed the balance).
    public var expectedGainMsat: Int64 {
        Int64(finalBalanceMsat) - Int64(closeFeeMsat) - 1000 * Int64(claimFees)
    }

    public var problems: [String] {
        guard 1000 * Int64(gain) != expectedGainMsat else { return [] }
        return ["\(side)'s wallet gained \(gain) sat; its final balance of \(finalBalanceMsat) msat, less \(closeFeeMsat) msat of closing fee and \(claimFees) sat of claim fees, is \(expectedGainMsat) msat"]
    }

    public var description: String {
        "\(side): balance \(finalBalanceMsat) msat, closing fee \(closeFeeMsat) msat, claim fees \(claimFees) sat, gain \(gain) sat"
    }
}

extension ChannelPairHarness {
    /// Each side's share of the closed channel (see `CloseShare`), or why it cannot be worked
    /// out (no spend of the funding output, a spend neither side knows, an HTLC still pending).
    public var closeShares: Result<[CloseShare], CloseShareError> {
        guard let spender = fundingSpender else { return .failure(.init("the funding output is unspent")) }
        let trace = ClaimTrace(ledger: ledger, wallets: wallets)
        let opener: PairSide = channel(.alice).weAreOpener ? .alice : .bob
        let funds = closedChannelFunds
        var balances: [UInt64] = [0, 0], closeFees: [UInt64] = [0, 0]
        var owners: [Int: PairSide] = [:]

        if let cheater = cheated.first {
            // Everything the revoked commitment held is the honest side's, and so are its fees.
            let honest = cheater.other
            balances[honest.rawValue] = configuration.capacity.value * 1000
            closeFees[honest.rawValue] = 1000 * (configuration.capacity.value - spender.outputs.reduce(0) { $0 + $1.amount.value })
            for index in spender.outputs.indices { owners[index] = honest }
        } else if spender.outputs.allSatisfy({ $0.condition == wallets.alice || $0.condition == wallets.bob }) {
            // The mutual close: each side's final balance, the opener paying the fee. What the
            // transaction leaves to the miner is the agreed fee, the outputs left out as dust,
            // and the sat the two floored msat remainders may add up to.
            var leftToMiner = configuration.capacity.value - spender.outputs.reduce(0) { $0 + $1.amount.value }
            var remainders: UInt64 = 0
            for side in PairSide.allCases {
                guard let commitments = channel(side).commitments else { return .failure(.init("\(side) has no commitments")) }
                let balance = commitments.local.spec.toLocal.value
                balances[side.rawValue] = balance
                closeFees[side.rawValue] = balance % 1000
                remainders += balance % 1000
                guard side != opener else { continue }
                // The non-opener pays no fee: its output is its balance, unless that is dust.
                let floored = balance / 1000
                let omitted = floored < commitments.parameters.localConfig.dustLimit.value ? floored : 0
                closeFees[side.rawValue] += 1000 * omitted
                leftToMiner -= min(leftToMiner, omitted)
            }
            // The rest is the opener's: the fee, and its output if left out.
            closeFees[opener.rawValue] += 1000 * (leftToMiner - min(leftToMiner, remainders / 1000))
            for (index, output) in spender.outputs.enumerated() { owners[index] = output.condition == wallets.alice ? .alice : .bob }
        } else {
            guard let owner = PairSide.allCases.first(where: { channel($0).commitments?.local.transaction.txid == spender.txid }),
                  let commitments = channel(owner).commitments else {
                return .failure(.init("the funding output was spent by \(spender.txid), neither side's commitment"))
            }
            let commitment = commitments.local.transaction
            let spec = commitments.local.spec
            let dust = commitments.parameters.localConfig.dustLimit.value
            for side in PairSide.allCases {
                let balance = side == owner ? spec.toLocal.value : spec.toRemote.value
                let floored = balance / 1000
                let paid = side == opener ? min(commitment.baseFee.value, floored) : 0
                let output = floored - paid
                let omitted = output < dust ? output : 0
                balances[side.rawValue] = balance
                closeFees[side.rawValue] = balance % 1000 + 1000 * (paid + omitted)
            }
            let trimmed = Set(commitment.trimmedHTLCs)
            for htlc in spec.htlcs {
                let sender = htlc.direction == .offered ? owner : owner.other
                guard let outcome = payments.outcome(of: htlc.paymentHash) else {
                    return .failure(.init("\(sender)'s HTLC \(htlc.id) never ended"))
                }
                let winner = outcome == .fulfilled ? sender.other : sender
                balances[winner.rawValue] += htlc.amount.value
                closeFees[winner.rawValue] += trimmed.contains(htlc) ? htlc.amount.value : htlc.amount.value % 1000
                if let output = commitment.htlcOutputs.first(where: { $0.htlc == htlc }) { owners[output.outputIndex] = winner }
            }
            if let index = commitment.toLocalOutput { owners[index] = owner }
            if let index = commitment.toRemoteOutput { owners[index] = owner.other }
        }

        for index in spender.outputs.indices where owners[index] == nil {
            return .failure(.init("output \(index) of \(spender.txid) belongs to neither side"))
        }
        let claimFees: [UInt64]
        switch trace.claimFees(below: spender, owners: owners) {
        case .success(let fees): claimFees = fees
        case .failure(let error): return .failure(error)
        }
        return .success(PairSide.allCases.map { side in
            CloseShare(side: side, finalBalanceMsat: balances[side.rawValue], closeFeeMsat: closeFees[side.rawValue],
                       claimFees: claimFees[side.rawValue], gain: funds.gain(of: side))
        })
    }
}

public struct CloseShareError: Error, Hashable, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

/// The transactions that claimed the outputs of the one that spent the funding output, found
/// on the ledger, and what each side paid in their fees.
struct ClaimTrace {
    /// Confirmed transactions by the outputs they spend.
    private var spenders: [OutPoint: Transaction] = [:]
    private let ledger: Ledger<InMemoryLedgerStore>
    private let wallets: PairWallets

    init(ledger: Ledger<InMemoryLedgerStore>, wallets: PairWallets) {
        self.ledger = ledger
        self.wallets = wallets
        let tip = (try? ledger.tip().height) ?? 0
        for height in 0...tip {
            for transaction in ledger.store.transactions(atHeight: height) {
                for input in transaction.inputs { spenders[input.previousOutput] = transaction }
            }
        }
    }

    /// Each side's claim fees (indexed by `PairSide.rawValue`), following every output of
    /// `spender` owned as `owners` says (by output index) down to the wallets: a claim's fee
    /// is paid by the owner of what it spends, and what it pays to a channel condition (a
    /// second-stage HTLC output) stays that owner's. A claim spending both sides' outputs is
    /// a problem.
    func claimFees(below spender: Transaction, owners: [Int: PairSide]) -> Result<[UInt64], CloseShareError> {
        var ownerOf: [OutPoint: PairSide] = [:]
        for (index, owner) in owners { ownerOf[OutPoint(txid: spender.txid, index: UInt32(index))] = owner }
        var queue = Array(ownerOf.keys)
        var claimed: Set<TxID> = []
        var fees: [UInt64] = [0, 0]
        while let outPoint = queue.popLast() {
            guard let claim = spenders[outPoint], claimed.insert(claim.txid).inserted else { continue }
            let claimers = Set(claim.inputs.compactMap { ownerOf[$0.previousOutput] })
            guard claimers.count == 1, let owner = claimers.first else {
                return .failure(.init("\(claim.txid) claims outputs of both sides"))
            }
            let spent = claim.inputs.reduce(UInt64(0)) { total, input in
                total + (ledger.store.transaction(input.previousOutput.txid)?.transaction.outputs[Int(input.previousOutput.index)].amount.value ?? 0)
            }
            fees[owner.rawValue] += spent - claim.outputs.reduce(0) { $0 + $1.amount.value }
            for (index, output) in claim.outputs.enumerated() where output.condition != wallets.alice && output.condition != wallets.bob {
                let next = OutPoint(txid: claim.txid, index: UInt32(index))
                ownerOf[next] = owner
                queue.append(next)
            }
        }
        return .success(fees)
    }
}
