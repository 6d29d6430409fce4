import ChanCore
import ChanLedger

/// An independent check of a built commitment transaction against its spec, recomputing BOLT 3
/// by hand instead of calling the builder: trimming (`amount_sat < dust_limit + second-stage
/// fee`), the base fee (`feerate * (724 + 172 * untrimmed) / 1000`, paid by the opener, or as
/// much of it as the opener has), output
/// amounts (msat floored to sat) and where every millisatoshi of the capacity went:
///
///     capacity_msat == 1000 * (outputs + fee paid + balances omitted as dust)
///                      + trimmed HTLCs in msat + the msat remainders floored off each output
public enum CommitmentAccounting {
    static let baseWeight: UInt64 = 724
    static let htlcOutputWeight: UInt64 = 172
    static let htlcTimeoutWeight: UInt64 = 663
    static let htlcSuccessWeight: UInt64 = 703

    /// What is wrong with `commitment` as the BOLT 3 transaction of `spec`; empty if nothing.
    public static func problems(of commitment: CommitmentTransaction, spec: CommitmentSpec, capacity: Satoshi,
                                ownerIsOpener: Bool, ownerDustLimit: Satoshi) -> [String] {
        var problems: [String] = []
        let capacityMsat = capacity.value * 1000
        let feerate = UInt64(spec.feeratePerKw)
        let dust = ownerDustLimit.value

        var specTotal = spec.toLocal.value.addingReportingOverflow(spec.toRemote.value)
        var trimmed: [CommitmentHTLC] = []
        var untrimmed: [CommitmentHTLC] = []
        for htlc in spec.htlcs {
            specTotal = specTotal.partialValue.addingReportingOverflow(htlc.amount.value)
            let secondStageWeight = htlc.direction == .offered ? htlcTimeoutWeight : htlcSuccessWeight
            if htlc.amount.value / 1000 < dust + feerate * secondStageWeight / 1000 {
                trimmed.append(htlc)
            } else {
                untrimmed.append(htlc)
            }
        }
        guard !specTotal.overflow, specTotal.partialValue == capacityMsat else {
            return ["commitment \(commitment.commitmentNumber): spec holds \(specTotal.partialValue) msat, capacity is \(capacityMsat) msat"]
        }

        let baseFee = feerate * (baseWeight + htlcOutputWeight * UInt64(untrimmed.count)) / 1000
        if commitment.baseFee.value != baseFee {
            problems.append("base fee \(commitment.baseFee.value) sat, expected \(baseFee) sat")
        }
        if Set(commitment.trimmedHTLCs) != Set(trimmed) {
            problems.append("trimmed \(commitment.trimmedHTLCs.map(\.id)), expected \(trimmed.map(\.id))")
        }

        // Balances floored to sat; the opener's pays the base fee, or all it has if that is
        // less (BOLT 3: proposals that crossed can leave the opener short).
        var toLocal = spec.toLocal.value / 1000
        var toRemote = spec.toRemote.value / 1000
        let feePaid: UInt64
        if ownerIsOpener {
            feePaid = min(baseFee, toLocal)
            toLocal -= feePaid
        } else {
            feePaid = min(baseFee, toRemote)
            toRemote -= feePaid
        }
        let producesToLocal = toLocal >= dust && toLocal > 0
        let producesToRemote = toRemote >= dust && toRemote > 0

        var expected = untrimmed.map { $0.amount.value / 1000 }
        if producesToLocal { expected.append(toLocal) }
        if producesToRemote { expected.append(toRemote) }
        let actual = commitment.transaction.outputs.map(\.amount.value)
        if actual.sorted() != expected.sorted() {
            problems.append("outputs \(actual.sorted()) sat, expected \(expected.sorted()) sat")
        }
        if let index = commitment.toLocalOutput, !producesToLocal || actual[index] != toLocal {
            problems.append("to_local output \(actual[index]) sat, expected \(producesToLocal ? "\(toLocal) sat" : "none")")
        }
        if let index = commitment.toRemoteOutput, !producesToRemote || actual[index] != toRemote {
            problems.append("to_remote output \(actual[index]) sat, expected \(producesToRemote ? "\(toRemote) sat" : "none")")
        }
        for output in commitment.htlcOutputs where actual[output.outputIndex] != output.htlc.amount.value / 1000 {
            problems.append("HTLC \(output.htlc.id) output \(actual[output.outputIndex]) sat, expected \(output.htlc.amount.value / 1000) sat")
        }
        if let small = actual.first(where: { $0 < LedgerRules.dustLimit.value }) {
            problems.append("an output of \(small) sat is below the ledger's dust limit")
        }

        // Every millisatoshi of the capacity, accounted for exactly.
        let outputsSat = actual.reduce(0, +)
        let omittedSat = (producesToLocal ? 0 : toLocal) + (producesToRemote ? 0 : toRemote)
        let trimmedMsat = trimmed.reduce(0) { $0 + $1.amount.value }
        let remainders = spec.toLocal.value % 1000 + spec.toRemote.value % 1000 + untrimmed.reduce(0) { $0 + $1.amount.value % 1000 }
        let accounted = 1000 * (outputsSat + feePaid + omittedSat) + trimmedMsat + remainders
        if accounted != capacityMsat {
            problems.append("outputs, fee, dust and remainders add up to \(accounted) msat, capacity is \(capacityMsat) msat")
        }
        if outputsSat + commitment.fee.value != capacity.value {
            problems.append("outputs \(outputsSat) sat + fee \(commitment.fee.value) sat != capacity \(capacity.value) sat")
        }
        return problems.map { "commitment \(commitment.commitmentNumber): \($0)" }
    }
}
