/// Expected weights of the on-chain claim transactions (sweeps, HTLC claims, penalties).
///
/// Like the commitment fee, a claim's fee is `feerate_per_kw * weight / 1000` with the weight a
/// Bitcoin transaction of the same shape would have: witness sizes from BOLT 5 Appendix A
/// (73-byte signatures, witness bytes weigh 1), non-witness bytes from BOLT 3 Appendix A
/// (weigh 4). Claims pay to one destination output, counted as a P2WSH, the larger kind.
public enum ClaimWeights {
    /// version 4 + locktime 4 + output count 1 bytes (x4), + segwit marker and flag 2.
    public static let transactionSkeleton: UInt64 = 38
    /// Outpoint 36 + empty script_sig 1 + sequence 4 bytes (x4).
    public static let input: UInt64 = 164
    /// Destination output: value 8 + script length 1 + P2WSH script 34 bytes (x4).
    public static let destinationOutput: UInt64 = 172

    /// `<revocation_sig> 1 <to_local script>` (BOLT 5 `to_local_penalty_witness`).
    public static let toLocalRevocationWitness: UInt64 = 160
    /// `<delayed_sig> 0 <to_local script>`: the same size as the penalty witness.
    public static let toLocalDelayedWitness: UInt64 = 160
    /// `<revocation_sig> <revocationpubkey> <offered script>` (BOLT 5 `offered_htlc_penalty_witness`).
    public static let offeredHTLCRevocationWitness: UInt64 = 243
    /// `<revocation_sig> <revocationpubkey> <received script>` (BOLT 5 `accepted_htlc_penalty_witness`).
    public static let receivedHTLCRevocationWitness: UInt64 = 249
    /// `<remotehtlcsig> <payment_preimage> <offered script>`: 1 + (1 + 73) + (1 + 32) + (1 + 133).
    public static let offeredHTLCPreimageWitness: UInt64 = 242
    /// `<remotehtlcsig> 0 <received script>`: 1 + (1 + 73) + 1 + (1 + 139).
    public static let receivedHTLCTimeoutWitness: UInt64 = 216
    /// P2WPKH `<sig> <pubkey>`: 1 + (1 + 73) + (1 + 33).
    public static let keyWitness: UInt64 = 109

    /// A transaction with one input per witness weight and one destination output.
    public static func transaction(witnessWeights: [UInt64]) -> UInt64 {
        let inputCount = UInt64(witnessWeights.count)
        let inputs = witnessWeights.reduce(UInt64(0)) { $0 + input + $1 }
        return transactionSkeleton + 4 * compactSizeLength(inputCount) + inputs + destinationOutput
    }

    /// Bytes of Bitcoin's variable-length input count.
    private static func compactSizeLength(_ count: UInt64) -> UInt64 {
        switch count {
        case ..<0xfd: 1
        case ...0xffff: 3
        case ...0xffff_ffff: 5
        default: 9
        }
    }
}
