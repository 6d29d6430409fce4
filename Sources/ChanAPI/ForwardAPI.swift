import ChanLedger

/// `chan -n NAME forwards` (method `forwards`): every HTLC the node was asked to forward.
public struct ForwardsResult: Codable, Sendable, Equatable {
    public let forwards: [ForwardJSON]
    public init(forwards: [ForwardJSON]) { self.forwards = forwards }
}

/// One forward: where it came in and went out (short channel ids), the amounts, what we
/// earned once it settled.
public struct ForwardJSON: Codable, Sendable, Equatable {
    public let paymentHash: String
    /// `offered` (out, waiting), `settled`, `failed` (downstream), `local_failed` (not forwarded).
    public let status: String
    public let inChannel: String
    public var outChannel: String?
    public let inMsat: MilliSatoshi
    public var outMsat: MilliSatoshi?
    /// `in_msat - out_msat`, once settled.
    public var feeMsat: MilliSatoshi?
    /// Our own failure's BOLT 4 name when we did not forward it (a failure from downstream is
    /// encrypted for the sender alone).
    public var failureCode: String?
    public let receivedAt: UInt64
    public var resolvedAt: UInt64?

    public init(paymentHash: String, status: String, inChannel: String, outChannel: String?, inMsat: MilliSatoshi, outMsat: MilliSatoshi?,
                feeMsat: MilliSatoshi?, failureCode: String?, receivedAt: UInt64, resolvedAt: UInt64?) {
        self.paymentHash = paymentHash
        self.status = status
        self.inChannel = inChannel
        self.outChannel = outChannel
        self.inMsat = inMsat
        self.outMsat = outMsat
        self.feeMsat = feeMsat
        self.failureCode = failureCode
        self.receivedAt = receivedAt
        self.resolvedAt = resolvedAt
    }
}
