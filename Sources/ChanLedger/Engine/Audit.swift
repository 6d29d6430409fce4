/// The ledger's invariant, checked: the UTXO set adds up to what was minted (fees included,
/// as they are outputs of coinbases), and the mempool is consistent.
public struct AuditReport: Hashable, Sendable {
    public let height: UInt32
    /// The minted total the store keeps (confirmed mints).
    public let mintedTotal: Satoshi
    /// The sum of the UTXO set, recomputed.
    public let unspentTotal: Satoshi
    public let utxoCount: Int
    public let mempoolSize: Int
    /// Fees the mempool's transactions would pay if mined now.
    public let mempoolFees: Satoshi
    /// Mints waiting in the mempool (not yet part of `mintedTotal`).
    public let mempoolMinted: Satoshi
    /// One sentence per broken rule; empty when all is well.
    public let problems: [String]

    public var ok: Bool { problems.isEmpty }
}

extension Ledger {
    /// Checks: the header chain links from the genesis block to the tip; every unspent output
    /// belongs to a transaction confirmed at its height; the UTXO total equals the minted
    /// total; every mempool transaction is still valid at the next height, spends only
    /// unspent outputs, and no two spend the same one; pending mints stay within `maxMoney`.
    public func audit() throws -> AuditReport {
        var problems: [String] = []
        let tip = try tip()

        // The chain.
        var previous: BlockHeader?
        for height in 0...tip.height {
            guard let header = try store.header(at: height) else {
                problems.append("no block at height \(height)")
                break
            }
            if let previous, header.previousHash != previous.hash {
                problems.append("block \(height) does not link to block \(height - 1)")
            }
            if previous == nil, header.hash != Block.chainHash { problems.append("the genesis block is not chan's") }
            previous = header
        }

        // The UTXO set against what was minted.
        let utxos = try store.allUnspentOutputs()
        var unspent = Satoshi.zero
        for utxo in utxos {
            if let sum = try? unspent.adding(utxo.amount) { unspent = sum } else { problems.append("the UTXO set overflows") }
            guard let record = try store.transaction(utxo.outPoint.txid),
                  Int(utxo.outPoint.index) < record.transaction.outputs.count,
                  record.transaction.outputs[Int(utxo.outPoint.index)] == utxo.output,
                  record.status == .confirmed(height: utxo.height)
            else {
                problems.append("unspent output \(utxo.outPoint) does not match a transaction confirmed at height \(utxo.height)")
                continue
            }
        }
        let minted = try store.mintedTotal()
        if unspent != minted {
            problems.append("unspent outputs add up to \(unspent.value) sat but \(minted.value) sat were minted")
        }

        // The mempool.
        let nextHeight = try nextHeight()
        let mempool = try store.mempoolTransactions()
        var spent: [OutPoint: TxID] = [:]
        var fees = Satoshi.zero
        var pendingMints = Satoshi.zero
        let nextSerial = try store.nextMintSerial()
        for transaction in mempool {
            let txid = transaction.txid
            if try store.transaction(txid)?.status != .mempool {
                problems.append("mempool transaction \(txid) is not recorded as in the mempool")
            }
            switch transaction.kind {
            case .coinbase:
                problems.append("coinbase \(txid) is in the mempool")
            case .mint(let serial):
                if serial >= nextSerial { problems.append("mint \(txid) has serial \(serial), not yet issued") }
                do {
                    pendingMints = try pendingMints.adding(try TransactionValidation.validateMint(transaction))
                } catch {
                    problems.append("mint \(txid) in the mempool is invalid: \(error)")
                }
            case .regular:
                for input in transaction.inputs {
                    if let other = spent.updateValue(txid, forKey: input.previousOutput) {
                        problems.append("\(input.previousOutput) is spent by both \(other) and \(txid) in the mempool")
                    }
                    if try store.mempoolSpender(of: input.previousOutput) != txid {
                        problems.append("the mempool does not record \(txid) as the spender of \(input.previousOutput)")
                    }
                }
                do {
                    let inputs = try resolveInputs(of: transaction)
                    fees = try fees.adding(try TransactionValidation.validate(transaction, spending: inputs, nextHeight: nextHeight))
                } catch {
                    problems.append("mempool transaction \(txid) is no longer valid: \(error)")
                }
            }
        }
        if (try? minted.adding(pendingMints)).map({ $0 > .maxMoney }) ?? true {
            problems.append("minted and pending mints exceed the maximum money")
        }

        return AuditReport(
            height: tip.height, mintedTotal: minted, unspentTotal: unspent, utxoCount: utxos.count,
            mempoolSize: mempool.count, mempoolFees: fees, mempoolMinted: pendingMints, problems: problems)
    }
}
