import ChanLedger

/// `payment_data`: the invoice's secret, which proves the sender saw the invoice (and
/// stops probing by intermediate hops), and the total of a multi-part payment.
public struct PaymentData: Hashable, Sendable {
    public var paymentSecret: Bytes32
    public var totalAmount: MilliSatoshi

    public init(paymentSecret: Bytes32, totalAmount: MilliSatoshi) {
        self.paymentSecret = paymentSecret
        self.totalAmount = totalAmount
    }
}
