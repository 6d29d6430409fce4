import ChanLedger

/// Why no route was found, from most to least fundamental, with the edges involved.
public struct NoRouteExplanation: Sendable, Equatable, Encodable {
    public let payer: NodeID
    public let payee: NodeID
    public let amount: MilliSatoshi
    public internal(set) var reasons: [NoRouteReason]
    /// What the failed search left out, and where.
    public let rejections: [RejectionSummary]
    /// For a multi-part search: the plans it tried (none of them within the limits).
    public internal(set) var plans: [ConsideredPlan] = []

    enum CodingKeys: String, CodingKey {
        case payer, payee, reasons, rejections
        case amount = "amountMsat"
    }

    /// One paragraph for a person: the reasons joined, most fundamental first.
    public var message: String {
        let head = "no route from \(payer.hex) to \(payee.hex) for \(amount.value) msat"
        guard !reasons.isEmpty else { return head }
        var text = head + ": " + reasons.map(\.sentence).joined(separator: "; ")
        if reasons == [.limitsTogether], !rejections.isEmpty {
            text += " (left out: " + rejections.map { "\($0.count) \($0.reason.rawValue)" }.joined(separator: ", ") + ")"
        }
        return text
    }
}

/// One obstacle between payer and payee.
public enum NoRouteReason: Sendable, Equatable {
    /// No channel side with a policy leads into the payee.
    case payeeHasNoIncomingChannels
    /// No channel side with a policy leaves the payer.
    case payerHasNoOutgoingChannels
    /// No chain of channels joins them at all, whatever the amount or flags.
    case notConnected
    /// Every chain of channels crosses a disabled side; these are on the one with fewest.
    case onlyThroughDisabled([EdgeDescription])
    /// The widest path carries at most `maximum` in one part; `bottleneck` limits it.
    case amountAboveSinglePathLimit(maximum: MilliSatoshi, bottleneck: EdgeDescription?, limitedBy: EdgeRejection)
    /// Even all of the payee's enabled channels together cannot receive the amount.
    case amountAbovePayeeInbound(maximum: MilliSatoshi)
    /// The amount is below the htlc_minimum_msat of the sides that would be needed.
    case htlcMinimum([EdgeDescription])
    /// Without the CLTV limit the cheapest route (over the channels `via`) locks `needed` blocks.
    case cltvLimit(needed: UInt32, limit: UInt32, via: [ShortChannelID])
    /// Without the fee limit the cheapest route (over the channels `via`) costs `needed` in fees.
    case maxFee(needed: MilliSatoshi, limit: MilliSatoshi, via: [ShortChannelID])
    /// Without the hop limit the cheapest route (over the channels `via`) has `needed` hops.
    case maxHops(needed: Int, limit: Int, via: [ShortChannelID])
    /// Mission control's learned liquidity rules out every path.
    case learnedLiquidity([EdgeDescription])
    /// The cheapest plan found without the fee limit pays `needed` in fees in total.
    case planFeeAboveLimit(needed: MilliSatoshi, limit: MilliSatoshi, partCount: Int)
    /// The likeliest route or plan found succeeds with `probability`, below `minimum`.
    case probabilityBelowMinimum(probability: Double, minimum: Double, partCount: Int)
    /// No single route, but a multi-part plan of `partCount` parts would do.
    case multiPartPossible(partCount: Int, fee: MilliSatoshi, probability: Double)
    /// Splitting into at most `maxParts` parts of at least `minPart` found no complete plan.
    case splitFailed(maxParts: Int, minPart: MilliSatoshi)
    /// Each limit alone can be met, but not all of them on one path.
    case limitsTogether

    public var code: String {
        switch self {
        case .payeeHasNoIncomingChannels: "payee_has_no_channels"
        case .payerHasNoOutgoingChannels: "payer_has_no_channels"
        case .notConnected: "not_connected"
        case .onlyThroughDisabled: "disabled"
        case .amountAboveSinglePathLimit(_, _, let limit): limit.rawValue
        case .amountAbovePayeeInbound: "payee_inbound"
        case .htlcMinimum: "htlc_minimum"
        case .cltvLimit: "cltv_limit"
        case .maxFee, .planFeeAboveLimit: "max_fee"
        case .probabilityBelowMinimum: "min_probability"
        case .multiPartPossible: "mpp_possible"
        case .maxHops: "max_hops"
        case .learnedLiquidity: "liquidity"
        case .splitFailed: "mpp_split"
        case .limitsTogether: "limits_together"
        }
    }

    public var sentence: String {
        switch self {
        case .payeeHasNoIncomingChannels:
            "the payee has no channel with a policy for paying it"
        case .payerHasNoOutgoingChannels:
            "the payer has no channel with a policy for paying out"
        case .notConnected:
            "no chain of channels joins the payer to the payee"
        case .onlyThroughDisabled(let edges):
            "every path crosses a disabled channel side, e.g. " + edges.map(\.label).joined(separator: ", ")
        case .amountAboveSinglePathLimit(let maximum, let bottleneck, let limit):
            "no single path can carry the amount: the widest carries \(maximum.value) msat"
                + (bottleneck.map { ", limited by \(limit == .htlcMaximum ? "htlc_maximum_msat" : limit.rawValue) of \($0.label)" } ?? "")
        case .amountAbovePayeeInbound(let maximum):
            "the payee's enabled channels can receive at most \(maximum.value) msat in total"
        case .htlcMinimum(let edges):
            "the amount is below htlc_minimum_msat on " + edges.map { "\($0.label) (\($0.htlcMinimum.value) msat)" }.joined(separator: ", ")
        case .cltvLimit(let needed, let limit, let via):
            "the cheapest route without the CLTV limit (\(Self.list(via))) needs \(needed) blocks, above the limit of \(limit)"
        case .maxFee(let needed, let limit, let via):
            "the cheapest route without the fee limit (\(Self.list(via))) costs \(needed.value) msat in fees, above the maximum of \(limit.value) msat"
        case .maxHops(let needed, let limit, let via):
            "the cheapest route without the hop limit (\(Self.list(via))) has \(needed) hops, above the limit of \(limit)"
        case .planFeeAboveLimit(let needed, let limit, let partCount):
            "the cheapest plan found without the fee limit (\(Self.parts(partCount))) costs \(needed.value) msat in fees in total, above the maximum of \(limit.value) msat"
        case .probabilityBelowMinimum(let probability, let minimum, let partCount):
            (partCount == 1 ? "the cheapest route" : "the likeliest plan found (\(Self.parts(partCount)))")
                + " succeeds with probability \(probability), below the minimum of \(minimum)"
        case .multiPartPossible(let partCount, let fee, let probability):
            "a multi-part payment would find a plan (\(Self.parts(partCount)), \(fee.value) msat in fees, probability \(probability)): try --mpp"
        case .learnedLiquidity(let edges):
            "earlier failures showed too little liquidity on " + edges.map(\.label).joined(separator: ", ")
        case .splitFailed(let maxParts, let minPart):
            "splitting into at most \(maxParts) parts of at least \(minPart.value) msat found no complete plan"
        case .limitsTogether:
            "each limit can be met alone, but no path meets them all at once"
        }
    }

    private static func parts(_ count: Int) -> String { count == 1 ? "1 part" : "\(count) parts" }

    private static func list(_ channels: [ShortChannelID]) -> String {
        "via " + channels.map(\.description).joined(separator: ", ")
    }
}

extension NoRouteReason: Encodable {
    enum CodingKeys: String, CodingKey {
        case code, message, edges, bottleneck, via
        case maximumMsat, neededMsat, limitMsat, needed, limit, maxParts, minPartMsat
        case probability, minProbability, partCount, feeMsat
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(sentence, forKey: .message)
        switch self {
        case .payeeHasNoIncomingChannels, .payerHasNoOutgoingChannels, .notConnected, .limitsTogether:
            break
        case .onlyThroughDisabled(let edges), .htlcMinimum(let edges), .learnedLiquidity(let edges):
            try container.encode(edges, forKey: .edges)
        case .amountAboveSinglePathLimit(let maximum, let bottleneck, _):
            try container.encode(maximum.value, forKey: .maximumMsat)
            try container.encodeIfPresent(bottleneck, forKey: .bottleneck)
        case .amountAbovePayeeInbound(let maximum):
            try container.encode(maximum.value, forKey: .maximumMsat)
        case .cltvLimit(let needed, let limit, let via):
            try container.encode(needed, forKey: .needed)
            try container.encode(limit, forKey: .limit)
            try container.encode(via, forKey: .via)
        case .maxFee(let needed, let limit, let via):
            try container.encode(needed.value, forKey: .neededMsat)
            try container.encode(limit.value, forKey: .limitMsat)
            try container.encode(via, forKey: .via)
        case .maxHops(let needed, let limit, let via):
            try container.encode(needed, forKey: .needed)
            try container.encode(limit, forKey: .limit)
            try container.encode(via, forKey: .via)
        case .planFeeAboveLimit(let needed, let limit, let partCount):
            try container.encode(needed.value, forKey: .neededMsat)
            try container.encode(limit.value, forKey: .limitMsat)
            try container.encode(partCount, forKey: .partCount)
        case .probabilityBelowMinimum(let probability, let minimum, let partCount):
            try container.encode(probability, forKey: .probability)
            try container.encode(minimum, forKey: .minProbability)
            try container.encode(partCount, forKey: .partCount)
        case .multiPartPossible(let partCount, let fee, let probability):
            try container.encode(partCount, forKey: .partCount)
            try container.encode(fee.value, forKey: .feeMsat)
            try container.encode(probability, forKey: .probability)
        case .splitFailed(let maxParts, let minPart):
            try container.encode(maxParts, forKey: .maxParts)
            try container.encode(minPart.value, forKey: .minPartMsat)
        }
    }
}
