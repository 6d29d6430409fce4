import ChanLedger

/// Why the search left an edge out.
public enum EdgeRejection: String, CaseIterable, Sendable, Codable {
    /// Its side is marked disabled.
    case disabled
    /// The amount is below the side's `htlc_minimum_msat`.
    case htlcMinimum = "htlc_minimum"
    /// The amount is above the side's `htlc_maximum_msat`.
    case htlcMaximum = "htlc_maximum"
    /// The amount (with other parts of the payment on the same side) exceeds the capacity.
    case capacity
    /// Mission control learned the side cannot hold the amount.
    case liquidity
    /// Using it would make the total CLTV exceed the limit.
    case cltvLimit = "cltv_limit"
    /// Using it would make the fee exceed the maximum.
    case maxFee = "max_fee"
    /// The route would be longer than the hop limit.
    case maxHops = "max_hops"
    /// Excluded by the caller (explain's alternatives).
    case excluded
    /// Its fee does not fit in 64 bits.
    case feeOverflow = "fee_overflow"
}

/// How often each rejection happened in one search, with the first few edges for each
/// (the search runs from the payee, so the first ones are those nearest to it).
struct RejectionTally {
    static let examplesKept = 3
    /// Shared storage to swap in while a search works on the real tally (no allocation).
    static let placeholder = RejectionTally()
    private(set) var counts = [Int](repeating: 0, count: EdgeRejection.allCases.count)
    private(set) var examples = [[Int32]](repeating: [], count: EdgeRejection.allCases.count)

    @inline(__always)
    mutating func note(_ reason: EdgeRejection, _ edge: Int) {
        let index = Self.index(reason)
        counts[index] &+= 1
        if examples[index].count < Self.examplesKept { examples[index].append(Int32(edge)) }
    }

    mutating func note(_ reason: EdgeRejection, _ edges: Range<Int>) {
        let index = Self.index(reason)
        counts[index] &+= edges.count
        for edge in edges where examples[index].count < Self.examplesKept { examples[index].append(Int32(edge)) }
    }

    mutating func reset() {
        for index in counts.indices where counts[index] != 0 {
            counts[index] = 0
            examples[index].removeAll(keepingCapacity: true)
        }
    }

    func count(_ reason: EdgeRejection) -> Int { counts[Self.index(reason)] }
    func examples(_ reason: EdgeRejection) -> [Int32] { examples[Self.index(reason)] }

    @inline(__always)
    private static func index(_ reason: EdgeRejection) -> Int {
        switch reason {
        case .disabled: 0
        case .htlcMinimum: 1
        case .htlcMaximum: 2
        case .capacity: 3
        case .liquidity: 4
        case .cltvLimit: 5
        case .maxFee: 6
        case .maxHops: 7
        case .excluded: 8
        case .feeOverflow: 9
        }
    }
}

/// A channel side named for people: short channel id and the nodes it joins.
public struct EdgeDescription: Sendable, Equatable, Encodable {
    public let shortChannelID: ShortChannelID
    public let from: NodeID
    public let to: NodeID
    public let capacity: Satoshi
    public let htlcMinimum: MilliSatoshi
    public let htlcMaximum: MilliSatoshi
    public let disabled: Bool

    init(_ graph: ChannelGraph, _ edge: EdgeIndex) {
        let side = graph.edge(edge)
        shortChannelID = side.shortChannelID
        from = graph.nodeID(side.source)
        to = graph.nodeID(side.target)
        capacity = side.capacity
        htlcMinimum = side.policy.htlcMinimum
        htlcMaximum = side.policy.htlcMaximum
        disabled = side.policy.disabled
    }

    enum CodingKeys: String, CodingKey {
        case shortChannelID, from, to, disabled
        case capacity = "capacitySat"
        case htlcMinimum = "htlcMinimumMsat"
        case htlcMaximum = "htlcMaximumMsat"
    }

    /// `123x4x5 (02ab…→03cd…)`
    public var label: String {
        "\(shortChannelID) (\(from.hex.prefix(12))…→\(to.hex.prefix(12))…)"
    }
}

/// How many edges one reason left out, with examples.
public struct RejectionSummary: Sendable, Equatable, Encodable {
    public let reason: EdgeRejection
    public let count: Int
    public let examples: [EdgeDescription]
}

extension RejectionTally {
    func summaries(_ graph: ChannelGraph) -> [RejectionSummary] {
        EdgeRejection.allCases.compactMap { reason in
            let count = count(reason)
            guard count > 0 else { return nil }
            return RejectionSummary(
                reason: reason, count: count,
                examples: examples(reason).map { EdgeDescription(graph, EdgeIndex($0)) })
        }
    }
}
