/// Core Lightning `listchannels`: `{"channels": [...]}` with one entry per channel direction
/// (`source` forwards to `destination` under that entry's policy). Amounts are numbers of
/// msat, or before v23 strings such as `"1000msat"`; `active: false` marks a disabled side.
enum ClnListChannelsReader {
    static func readChannels(_ scanner: inout JSONScanner, into builder: inout ChannelGraphBuilder) throws(GraphImportError) {
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(first: &first) {
            try readEntry(&scanner, into: &builder)
        }
    }

    private static func readEntry(_ scanner: inout JSONScanner, into builder: inout ChannelGraphBuilder) throws(GraphImportError) {
        var source: NodeID?
        var destination: NodeID?
        var scid: UInt64?
        var capacitySat: UInt64?
        var amountMsat: UInt64?
        var active: Bool?
        var channelFlags: UInt64 = 0
        var feeBase: UInt32?
        var feeRate: UInt32?
        var delay: UInt16?
        var htlcMinimum: UInt64 = 0
        var htlcMaximum: UInt64?

        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if JSONScanner.key(key, is: "source") {
                source = try GraphImporter.nodeID(&scanner, field: "source")
            } else if JSONScanner.key(key, is: "destination") {
                destination = try GraphImporter.nodeID(&scanner, field: "destination")
            } else if JSONScanner.key(key, is: "short_channel_id") {
                scid = try GraphImporter.shortChannelID(&scanner, field: "short_channel_id")
            } else if JSONScanner.key(key, is: "satoshis") {
                capacitySat = try scanner.unsignedInteger(field: "satoshis")
            } else if JSONScanner.key(key, is: "amount_msat") {
                amountMsat = try scanner.unsignedInteger(field: "amount_msat")
            } else if JSONScanner.key(key, is: "active") {
                active = try scanner.bool(field: "active")
            } else if JSONScanner.key(key, is: "channel_flags") {
                channelFlags = try scanner.unsignedInteger(field: "channel_flags")
            } else if JSONScanner.key(key, is: "base_fee_millisatoshi") {
                feeBase = try GraphImporter.uint32(&scanner, field: "base_fee_millisatoshi")
            } else if JSONScanner.key(key, is: "fee_per_millionth") {
                feeRate = try GraphImporter.uint32(&scanner, field: "fee_per_millionth")
            } else if JSONScanner.key(key, is: "delay") {
                delay = try GraphImporter.uint16(&scanner, field: "delay")
            } else if JSONScanner.key(key, is: "htlc_minimum_msat") {
                htlcMinimum = try scanner.unsignedInteger(field: "htlc_minimum_msat")
            } else if JSONScanner.key(key, is: "htlc_maximum_msat") {
                htlcMaximum = try scanner.unsignedInteger(field: "htlc_maximum_msat")
            } else {
                try scanner.skipValue()
            }
        }
        let end = scanner.position
        guard let source else { throw .missingField(name: "source", offset: end) }
        guard let destination else { throw .missingField(name: "destination", offset: end) }
        guard let scid else { throw .missingField(name: "short_channel_id", offset: end) }
        guard let capacity = capacitySat ?? amountMsat.map({ $0 / 1000 }) else {
            throw .missingField(name: "satoshis", offset: end)
        }
        guard let feeBase else { throw .missingField(name: "base_fee_millisatoshi", offset: end) }
        guard let feeRate else { throw .missingField(name: "fee_per_millionth", offset: end) }
        guard let delay else { throw .missingField(name: "delay", offset: end) }
        // Without `active`, BOLT 7's disable bit (channel_flags bit 1) says it.
        let disabled = active.map { !$0 } ?? (channelFlags & 2 != 0)
        let (capacityMsat, overflow) = capacity.multipliedReportingOverflow(by: 1000)
        builder.addDirection(
            scid: scid, source: builder.intern(source), target: builder.intern(destination), capacitySat: capacity,
            feeBaseMsat: feeBase, feeProportional: feeRate, cltvDelta: delay,
            htlcMinimumMsat: htlcMinimum, htlcMaximumMsat: htlcMaximum ?? (overflow ? UInt64.max : capacityMsat),
            disabled: disabled)
    }
}
