import ChanLedger

/// One HTLC of a multi-part payment to us, as its `IncomingPaymentSet` keeps it: where it is
/// (channel and HTLC id, to settle it), what it carries, what its payload says of the whole
/// payment, and the shared secret that encrypts a failure for the sender.
public struct IncomingPaymentPart: Hashable, Sendable {
    /// The node's index of the channel the HTLC came on.
    public let channel: UInt64
    public let htlcID: UInt64
    public let amount: MilliSatoshi
    public let cltvExpiry: UInt32
    /// `total_msat` and `payment_secret` from the payload's `payment_data`.
    public let totalAmount: MilliSatoshi
    public let paymentSecret: Bytes32
    public let sharedSecret: OnionSharedSecret
    /// Seconds, on the clock the node passes as `now`.
    public let arrivedAt: UInt64

    public init(channel: UInt64, htlcID: UInt64, amount: MilliSatoshi, cltvExpiry: UInt32, totalAmount: MilliSatoshi,
                paymentSecret: Bytes32, sharedSecret: OnionSharedSecret, arrivedAt: UInt64) {
        self.channel = channel
        self.htlcID = htlcID
        self.amount = amount
        self.cltvExpiry = cltvExpiry
        self.totalAmount = totalAmount
        self.paymentSecret = paymentSecret
        self.sharedSecret = sharedSecret
        self.arrivedAt = arrivedAt
    }

    /// The part an `.addPart` answer of `IncomingHTLCPolicy.decide` stands for.
    public init(channel: UInt64, htlc: CommitmentHTLC, paymentData: PaymentData, sharedSecret: OnionSharedSecret, arrivedAt: UInt64) {
        self.init(channel: channel, htlcID: htlc.id, amount: htlc.amount, cltvExpiry: htlc.cltvExpiry, totalAmount: paymentData.totalAmount,
                  paymentSecret: paymentData.paymentSecret, sharedSecret: sharedSecret, arrivedAt: arrivedAt)
    }

    func isSameHTLC(as other: IncomingPaymentPart) -> Bool { channel == other.channel && htlcID == other.htlcID }
}
