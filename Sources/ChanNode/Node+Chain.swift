import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger

/// The ledger as the channels see it: each block in order, with the confirmations of each
/// channel's funding and the transactions that spend what a channel watches.
extension Node {
    /// The lowest height any open channel has processed (blocks above it are replayed after a
    /// restart), or the node's height when no channel needs blocks.
    var processedHeight: UInt32 {
        channels.values.filter { $0.phase != .closed }.map(\.currentHeight).min().map { min($0, blockHeight) } ?? blockHeight
    }

    func blockConnected(height: UInt32, transactions: [Transaction]) {
        commitPending()  // the revocation log is read below: what is staged must be in it
        for index in channels.keys.sorted() {
            guard let channel = channels[index], channel.phase != .closed, channel.currentHeight < height else { continue }
            if channel.phase == .awaitingFunding { reportFunding(index, height: height, transactions: transactions) }
            for transaction in transactions {
                guard let watched = channels[index]?.watchedOutPoints,
                      transaction.inputs.contains(where: { watched.contains($0.previousOutput) }) else { continue }
                do {
                    deliver(index, .ledger(try confirmed(transaction, height: height, channel: index)))
                } catch {
                    // Unable to tell a revoked commitment from the latest: stop before the block counts as seen.
                    halt("cannot read the revocation log of channel \(index): \(error)")
                    return
                }
            }
            deliver(index, .ledger(.blockConnected(height: height)))
        }
        blockHeight = max(blockHeight, height)
        pruneChannels(transactions)
        announceOwnChannels()
        rebroadcastFundings()
        cancelExpiringHolds()
        for index in channels.keys.sorted() { carryOutDecisions(channel: index) }
        publish(.block(height: height))
    }

    /// A confirmed spend of a watched outpoint; a revoked commitment when the revocation log knows its txid.
    private func confirmed(_ transaction: Transaction, height: UInt32, channel index: UInt64) throws -> LedgerEvent {
        if let funding = channels[index]?.commitments?.parameters.fundingOutPoint,
           transaction.inputs.contains(where: { $0.previousOutput == funding }),
           let number = try local.store.revokedCommitmentNumber(channel: index, txid: transaction.txid) {
            return .revokedCommitmentConfirmed(transaction, height: height, commitmentNumber: number)
        }
        return .transactionConfirmed(transaction, height: height)
    }

    /// The funding's depth, short channel id and output, once it is in a block.
    func reportFunding(_ index: UInt64, height: UInt32, transactions: [Transaction]) {
        guard let outPoint = channels[index]?.commitments?.parameters.fundingOutPoint else { return }
        if fundingPositions[index] == nil {
            if let position = transactions.firstIndex(where: { $0.txid == outPoint.txid }) {
                fundingPositions[index] = (height, UInt32(position))
            } else if let found = try? fundingPosition(outPoint.txid) {
                fundingPositions[index] = found  // confirmed while the daemon was away
            }
        }
        guard let (fundingHeight, position) = fundingPositions[index], fundingHeight <= height,
              let funding = try? ledger.read({ try $0.store.transactions(atHeight: fundingHeight) })[Int(position)],
              Int(outPoint.index) < funding.outputs.count, outPoint.index <= UInt32(UInt16.max),
              let scid = try? ShortChannelID(block: fundingHeight, transactionIndex: position, outputIndex: UInt16(outPoint.index))
        else { return }
        let depth = height - fundingHeight + 1
        deliver(index, .ledger(.fundingConfirmed(depth: depth, shortChannelID: scid, output: funding.outputs[Int(outPoint.index)])))
    }

    private func fundingPosition(_ txid: TxID) throws -> (height: UInt32, index: UInt32)? {
        try ledger.read { ledger in
            guard case .confirmed(let height)? = try ledger.store.transaction(txid)?.status,
                  let position = try ledger.store.transactions(atHeight: height).firstIndex(where: { $0.txid == txid }) else { return nil }
            return (height, UInt32(position))
        }
    }
}
