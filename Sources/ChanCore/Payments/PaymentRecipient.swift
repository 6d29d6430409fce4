import ChanLedger

/// What the payer tells the payee in the final hop's payload besides amount and expiry: how
/// the payee recognises the payment, and the payee's `min_final_cltv_expiry`.
public struct PaymentRecipient: Hashable, Sendable {
    public enum Proof: Hashable, Sendable {
        /// An invoice's `payment_secret` and `total_msat`: the whole payment, more than one
        /// attempt carries when the payment is split (BOLT 4 basic multi-part payments).
        case paymentSecret(Bytes32, totalAmount: MilliSatoshi)
        /// Keysend: the payer chose the preimage and sends it along (TLV 5482373484).
        case keysend(Preimage)
    }

    public var proof: Proof
    /// The fewest blocks between the current height and the payee's HTLC expiry.
    public var minFinalCLTVExpiry: UInt32
    /// The invoice's `payment_metadata`, returned untouched with every part.
    public var paymentMetadata: [UInt8]?

    public init(proof: Proof, minFinalCLTVExpiry: UInt32, paymentMetadata: [UInt8]? = nil) {
        self.proof = proof
        self.minFinalCLTVExpiry = minFinalCLTVExpiry
        self.paymentMetadata = paymentMetadata
    }

    /// The final payload for an HTLC of `amount` expiring at `expiry`.
    func finalPayload(amount: MilliSatoshi, expiry: UInt32) -> FinalHopPayload {
        switch proof {
        case .paymentSecret(let secret, let total):
            FinalHopPayload(amountToForward: amount, outgoingCLTVValue: expiry,
                            paymentData: PaymentData(paymentSecret: secret, totalAmount: total), paymentMetadata: paymentMetadata)
        case .keysend(let preimage):
            FinalHopPayload(amountToForward: amount, outgoingCLTVValue: expiry, paymentMetadata: paymentMetadata, keysendPreimage: preimage)
        }
    }
}
