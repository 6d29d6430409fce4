/// The feature bits of an invoice's `9` field (BOLT 9). Bit 0 is the least significant bit
/// of the last word; even bits are required, odd bits optional ("it's ok to be odd").
public struct InvoiceFeatures: Hashable, Sendable {
    /// The set bits, ascending and without repeats.
    public let bits: [UInt16]

    public init(_ bits: some Sequence<UInt16>) {
        self.bits = Array(Set(bits)).sorted()
    }

    /// `var_onion_optin` and `payment_secret` required: what every invoice sets today.
    public static let standard = InvoiceFeatures([
        Feature.varOnionOptin.requiredBit, Feature.paymentSecret.requiredBit,
    ])

    public static let empty = InvoiceFeatures([UInt16]())

    public var isEmpty: Bool { bits.isEmpty }

    public func contains(_ bit: UInt16) -> Bool { bits.contains(bit) }

    /// Whether the feature is offered, as required or optional bit.
    public func supports(_ feature: Feature) -> Bool {
        contains(feature.requiredBit) || contains(feature.requiredBit + 1)
    }

    /// Set even bits that no invoice feature defines: the spec says to refuse the invoice.
    public var unknownRequiredBits: [UInt16] {
        bits.filter { $0 % 2 == 0 && Feature(bit: $0)?.isInvoiceFeature != true }
    }

    /// The BOLT 9 name of a bit's feature pair, nil for bits BOLT 9 does not assign.
    public static func name(of bit: UInt16) -> String? { Feature(bit: bit)?.name }

    /// The field's words: big-endian, no leading zero word (none at all when no bit is set).
    var words: [UInt8] {
        guard let highest = bits.last else { return [] }
        let count = Int(highest) / 5 + 1
        var words = [UInt8](repeating: 0, count: count)
        for bit in bits {
            words[count - 1 - Int(bit) / 5] |= 1 << UInt8(bit % 5)
        }
        return words
    }

    /// From a field's words; at most 1023 of them, so every bit number fits 16 bits.
    init(words: some Collection<UInt8>) {
        var set: [UInt16] = []
        let count = words.count
        for (index, word) in words.enumerated() {
            for position in 0..<5 where (word >> UInt8(position)) & 1 == 1 {
                set.append(UInt16(truncatingIfNeeded: (count - 1 - index) * 5 + position))
            }
        }
        self.init(set)
    }
}

extension InvoiceFeatures {
    /// The features BOLT 9 assigns, named by the pair's even (required) bit.
    public enum Feature: UInt16, CaseIterable, Sendable {
        case optionDataLossProtect = 0
        case optionUpfrontShutdownScript = 4
        case gossipQueries = 6
        case varOnionOptin = 8
        case gossipQueriesEx = 10
        case optionStaticRemotekey = 12
        case paymentSecret = 14
        case basicMPP = 16
        case optionSupportLargeChannel = 18
        case optionAnchors = 22
        case optionRouteBlinding = 24
        case optionShutdownAnysegwit = 26
        case optionDualFund = 28
        case optionQuiesce = 34
        case optionAttributionData = 36
        case optionOnionMessages = 38
        case optionProvideStorage = 42
        case optionChannelType = 44
        case optionScidAlias = 46
        case optionPaymentMetadata = 48
        case optionZeroconf = 50
        case optionSimpleClose = 60
        case optionSplice = 62

        public init?(bit: UInt16) { self.init(rawValue: bit & ~1) }

        public var requiredBit: UInt16 { rawValue }
        public var optionalBit: UInt16 { rawValue + 1 }

        /// Features an invoice may carry: context `9` in BOLT 9, plus the two ASSUMED ones
        /// every invoice still sets.
        public var isInvoiceFeature: Bool {
            switch self {
            case .varOnionOptin, .paymentSecret, .basicMPP, .optionRouteBlinding,
                 .optionAttributionData, .optionPaymentMetadata:
                true
            case .optionDataLossProtect, .optionUpfrontShutdownScript, .gossipQueries, .gossipQueriesEx,
                 .optionStaticRemotekey, .optionSupportLargeChannel, .optionAnchors, .optionShutdownAnysegwit,
                 .optionDualFund, .optionQuiesce, .optionOnionMessages, .optionProvideStorage,
                 .optionChannelType, .optionScidAlias, .optionZeroconf, .optionSimpleClose, .optionSplice:
                false
            }
        }

        public var name: String {
            switch self {
            case .optionDataLossProtect: "option_data_loss_protect"
            case .optionUpfrontShutdownScript: "option_upfront_shutdown_script"
            case .gossipQueries: "gossip_queries"
            case .varOnionOptin: "var_onion_optin"
            case .gossipQueriesEx: "gossip_queries_ex"
            case .optionStaticRemotekey: "option_static_remotekey"
            case .paymentSecret: "payment_secret"
            case .basicMPP: "basic_mpp"
            case .optionSupportLargeChannel: "option_support_large_channel"
            case .optionAnchors: "option_anchors"
            case .optionRouteBlinding: "option_route_blinding"
            case .optionShutdownAnysegwit: "option_shutdown_anysegwit"
            case .optionDualFund: "option_dual_fund"
            case .optionQuiesce: "option_quiesce"
            case .optionAttributionData: "option_attribution_data"
            case .optionOnionMessages: "option_onion_messages"
            case .optionProvideStorage: "option_provide_storage"
            case .optionChannelType: "option_channel_type"
            case .optionScidAlias: "option_scid_alias"
            case .optionPaymentMetadata: "option_payment_metadata"
            case .optionZeroconf: "option_zeroconf"
            case .optionSimpleClose: "option_simple_close"
            case .optionSplice: "option_splice"
            }
        }
    }
}
