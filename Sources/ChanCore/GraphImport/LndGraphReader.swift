/// LND graphs: `{"nodes": [...], "edges": [...]}`, in two dialects.
///
/// - `lncli describegraph`: nodes have `pub_key`; each edge is a channel with `node1_pub`,
///   `node2_pub`, `capacity` (sat) and `node1_policy` / `node2_policy` (either may be null),
///   numbers printed as strings. A `scid_synthetic` field, when present, gives the short
///   channel id; otherwise `channel_id` is LND's 64-bit packed short channel id.
/// - LND's routing test graphs (`routing/testdata/*.json`): nodes have `pubkey` and maybe
///   `"source": true`; each edge is one direction with `node_1`, `node_2`, `channel_flags`
///   (bit 0: 0 when node_1 forwards, 1 when node_2 does; bit 1: disabled), `expiry`,
///   `fee_base_msat`, `fee_rate` (millionths), `min_htlc` / `max_htlc` (msat), `capacity` (sat).
struct LndGraphReader {
    /// Which dialect the fields seen so far belong to (nil: no telling yet).
    private(set) var dialect: GraphFormat?

    mutating func readNodes(_ scanner: inout JSONScanner, into builder: inout ChannelGraphBuilder) throws(GraphImportError) {
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(first: &first) {
            var id: NodeID?
            var alias: String?
            var isSource = false
            try scanner.beginObject()
            var firstKey = true
            while let key = try scanner.nextKey(first: &firstKey) {
                if JSONScanner.key(key, is: "pub_key") {
                    dialect = dialect ?? .lndDescribeGraph
                    id = try GraphImporter.nodeID(&scanner, field: "pub_key")
                } else if JSONScanner.key(key, is: "pubkey") {
                    dialect = dialect ?? .lndTestGraph
                    id = try GraphImporter.nodeID(&scanner, field: "pubkey")
                } else if JSONScanner.key(key, is: "alias") {
                    alias = scanner.null() ? nil : try scanner.string()
                } else if JSONScanner.key(key, is: "source") {
                    isSource = try scanner.bool(field: "source")
                } else {
                    try scanner.skipValue()
                }
            }
            guard let id else { throw .missingField(name: "pub_key", offset: scanner.position) }
            let slot = builder.intern(id)
            if let alias, !alias.isEmpty { builder.setAlias(slot, alias) }
            if isSource { builder.setDefaultPayer(id) }
        }
    }

    mutating func readEdges(_ scanner: inout JSONScanner, into builder: inout ChannelGraphBuilder) throws(GraphImportError) {
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(first: &first) {
            try readEdge(&scanner, into: &builder)
        }
    }

    /// A policy as printed by describegraph.
    private struct Policy {
        var feeBase: UInt32?
        var feeRate: UInt32?
        var timeLockDelta: UInt16?
        var htlcMinimum: UInt64 = 0
        var htlcMaximum: UInt64?
        var disabled = false
    }

    private mutating func readEdge(_ scanner: inout JSONScanner, into builder: inout ChannelGraphBuilder) throws(GraphImportError) {
        // Fields of both dialects; which ones appear decides how the edge is read.
        var node1: NodeID?
        var node2: NodeID?
        var channelId: UInt64?
        var syntheticScid: UInt64?
        var capacitySat: UInt64?
        var policy1: Policy?
        var policy2: Policy?
        var describeGraphDialect = false
        // Test-graph fields.
        var channelFlags: UInt64 = 0
        var expiry: UInt16?
        var feeBase: UInt32?
        var feeRate: UInt32?
        var minHtlc: UInt64 = 0
        var maxHtlc: UInt64?

        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if JSONScanner.key(key, is: "node1_pub") {
                describeGraphDialect = true
                node1 = try GraphImporter.nodeID(&scanner, field: "node1_pub")
            } else if JSONScanner.key(key, is: "node2_pub") {
                describeGraphDialect = true
                node2 = try GraphImporter.nodeID(&scanner, field: "node2_pub")
            } else if JSONScanner.key(key, is: "node_1") {
                node1 = try GraphImporter.nodeID(&scanner, field: "node_1")
            } else if JSONScanner.key(key, is: "node_2") {
                node2 = try GraphImporter.nodeID(&scanner, field: "node_2")
            } else if JSONScanner.key(key, is: "channel_id") {
                channelId = try scanner.unsignedInteger(field: "channel_id")
            } else if JSONScanner.key(key, is: "scid_synthetic") {
                syntheticScid = try GraphImporter.shortChannelID(&scanner, field: "scid_synthetic")
            } else if JSONScanner.key(key, is: "capacity") {
                capacitySat = try scanner.unsignedInteger(field: "capacity")
            } else if JSONScanner.key(key, is: "node1_policy") {
                describeGraphDialect = true
                policy1 = try readPolicy(&scanner)
            } else if JSONScanner.key(key, is: "node2_policy") {
                describeGraphDialect = true
                policy2 = try readPolicy(&scanner)
            } else if JSONScanner.key(key, is: "channel_flags") {
                channelFlags = try scanner.unsignedInteger(field: "channel_flags")
            } else if JSONScanner.key(key, is: "expiry") {
                expiry = try GraphImporter.uint16(&scanner, field: "expiry")
            } else if JSONScanner.key(key, is: "fee_base_msat") {
                feeBase = try GraphImporter.uint32(&scanner, field: "fee_base_msat")
            } else if JSONScanner.key(key, is: "fee_rate") {
                feeRate = try GraphImporter.uint32(&scanner, field: "fee_rate")
            } else if JSONScanner.key(key, is: "min_htlc") {
                minHtlc = try scanner.unsignedInteger(field: "min_htlc")
            } else if JSONScanner.key(key, is: "max_htlc") {
                maxHtlc = try scanner.unsignedInteger(field: "max_htlc")
            } else {
                try scanner.skipValue()
            }
        }
        let end = scanner.position
        guard let node1 else { throw .missingField(name: describeGraphDialect ? "node1_pub" : "node_1", offset: end) }
        guard let node2 else { throw .missingField(name: describeGraphDialect ? "node2_pub" : "node_2", offset: end) }
        guard let scid = syntheticScid ?? channelId else { throw .missingField(name: "channel_id", offset: end) }
        guard let capacitySat else { throw .missingField(name: "capacity", offset: end) }
        let (product, overflow) = capacitySat.multipliedReportingOverflow(by: 1000)
        let capacityMsat = overflow ? UInt64.max : product
        let slot1 = builder.intern(node1)
        let slot2 = builder.intern(node2)

        if describeGraphDialect {
            dialect = .lndDescribeGraph
            // A channel whose ends both lack a policy still counts as a channel.
            _ = builder.channel(scid, slot1, slot2, capacitySat: capacitySat)
            for (policy, source, target) in [(policy1, slot1, slot2), (policy2, slot2, slot1)] {
                guard let policy else { continue }
                guard let policyFeeBase = policy.feeBase, let policyFeeRate = policy.feeRate,
                      let delta = policy.timeLockDelta
                else { throw .missingField(name: "fee_base_msat, fee_rate_milli_msat and time_lock_delta", offset: end) }
                builder.addDirection(
                    scid: scid, source: source, target: target, capacitySat: capacitySat,
                    feeBaseMsat: policyFeeBase, feeProportional: policyFeeRate, cltvDelta: delta,
                    htlcMinimumMsat: policy.htlcMinimum, htlcMaximumMsat: policy.htlcMaximum ?? capacityMsat,
                    disabled: policy.disabled)
            }
        } else {
            dialect = .lndTestGraph
            guard let expiry else { throw .missingField(name: "expiry", offset: end) }
            guard let feeBase else { throw .missingField(name: "fee_base_msat", offset: end) }
            guard let feeRate else { throw .missingField(name: "fee_rate", offset: end) }
            let fromNode2 = channelFlags & 1 != 0
            builder.addDirection(
                scid: scid, source: fromNode2 ? slot2 : slot1, target: fromNode2 ? slot1 : slot2, capacitySat: capacitySat,
                feeBaseMsat: feeBase, feeProportional: feeRate, cltvDelta: expiry,
                htlcMinimumMsat: minHtlc, htlcMaximumMsat: maxHtlc ?? capacityMsat,
                disabled: channelFlags & 2 != 0)
        }
    }

    private func readPolicy(_ scanner: inout JSONScanner) throws(GraphImportError) -> Policy? {
        if scanner.null() { return nil }
        var policy = Policy()
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if JSONScanner.key(key, is: "fee_base_msat") {
                policy.feeBase = try GraphImporter.uint32(&scanner, field: "fee_base_msat")
            } else if JSONScanner.key(key, is: "fee_rate_milli_msat") {
                policy.feeRate = try GraphImporter.uint32(&scanner, field: "fee_rate_milli_msat")
            } else if JSONScanner.key(key, is: "time_lock_delta") {
                policy.timeLockDelta = try GraphImporter.uint16(&scanner, field: "time_lock_delta")
            } else if JSONScanner.key(key, is: "min_htlc") {
                policy.htlcMinimum = try scanner.unsignedInteger(field: "min_htlc")
            } else if JSONScanner.key(key, is: "max_htlc_msat") {
                policy.htlcMaximum = try scanner.unsignedInteger(field: "max_htlc_msat")
            } else if JSONScanner.key(key, is: "disabled") {
                policy.disabled = try scanner.bool(field: "disabled")
            } else {
                try scanner.skipValue()
            }
        }
        return policy
    }
}
