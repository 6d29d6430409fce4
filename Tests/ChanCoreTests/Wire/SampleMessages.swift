import ChanCore
import ChanLedger

/// One message of every type with non-trivial values: every optional TLV set, unknown odd
/// records of each BigSize width mixed in, amounts and counters near their limits.
enum SampleMessages {
    /// Distinct, deterministic bytes; `seed` keeps fields of one message apart.
    static func pattern(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ 1) }
    }

    static func channelID(_ seed: Int) -> ChannelID { try! ChannelID(pattern(32, seed: seed)) }
    static func hash(_ seed: Int) -> Hash32 { try! Hash32(pattern(32, seed: seed)) }
    static func secret(_ seed: Int) -> Bytes32 { try! Bytes32(pattern(32, seed: seed)) }
    static func point(_ seed: Int) -> SerializedPoint { try! SerializedPoint([0x02 | UInt8(seed & 1)] + pattern(32, seed: seed)) }
    static func signature(_ seed: Int) -> CompactSignature { try! CompactSignature(pattern(64, seed: seed)) }

    /// Odd records this node does not know, one per BigSize width of type.
    static let unknownOdd: [TLVRecord] = [
        TLVRecord(type: 0xfd, value: [0x01]),
        TLVRecord(type: 0x1_0001, value: pattern(3, seed: 90)),
        TLVRecord(type: 0x1_0000_0001, value: []),
    ]

    static let openChannel = OpenChannel(
        chainHash: hash(1), temporaryChannelID: channelID(2), fundingAmount: Satoshi(16_777_215),
        pushAmount: MilliSatoshi(1_000_000_123), dustLimit: Satoshi(546), maxHTLCValueInFlight: MilliSatoshi(UInt64.max),
        channelReserve: Satoshi(167_772), htlcMinimum: MilliSatoshi(1), feeratePerKw: 253, toSelfDelay: 144,
        maxAcceptedHTLCs: 483, fundingPubkey: point(3), revocationBasepoint: point(4), paymentBasepoint: point(5),
        delayedPaymentBasepoint: point(6), htlcBasepoint: point(7), firstPerCommitmentPoint: point(8),
        channelFlags: [.announceChannel, ChannelFlags(rawValue: 0x80)],
        tlvs: .init(upfrontShutdownScript: pattern(22, seed: 9), channelType: [0x10, 0x00], unknownRecords: [unknownOdd[0]])
    )

    static let acceptChannel = AcceptChannel(
        temporaryChannelID: channelID(2), dustLimit: Satoshi(354), maxHTLCValueInFlight: MilliSatoshi(5_000_000_000),
        channelReserve: Satoshi(10_000), htlcMinimum: MilliSatoshi(1000), minimumDepth: 3, toSelfDelay: 720,
        maxAcceptedHTLCs: 30, fundingPubkey: point(13), revocationBasepoint: point(14), paymentBasepoint: point(15),
        delayedPaymentBasepoint: point(16), htlcBasepoint: point(17), firstPerCommitmentPoint: point(18),
        tlvs: .init(upfrontShutdownScript: [], channelType: nil, unknownRecords: unknownOdd)
    )

    static let all: [WireMessage] = [
        .initMessage(InitMessage(
            globalFeatures: [0x02], features: [0x08, 0xa0, 0x82],
            tlvs: .init(networks: [hash(20), hash(21)], remoteAddress: [0x01, 127, 0, 0, 1, 0x26, 0x07],
                        unknownRecords: [unknownOdd[1]])
        )),
        .error(ErrorMessage(channelID: .zero, text: "internal error: commitment signature invalid")),
        .warning(WarningMessage(channelID: channelID(22), data: [0x00, 0xff, 0x7f],
                                tlvs: NoKnownTLVs(unknownRecords: [TLVRecord(type: 1, value: [9])]))),
        .ping(Ping(numPongBytes: 65531, ignored: [UInt8](repeating: 0, count: 10))),
        .pong(Pong(ignored: [UInt8](repeating: 0, count: 300))),
        .openChannel(openChannel),
        .acceptChannel(acceptChannel),
        .fundingCreated(FundingCreated(temporaryChannelID: channelID(2), fundingTxid: hash(30),
                                       fundingOutputIndex: 65535, signature: signature(31))),
        .fundingSigned(FundingSigned(channelID: channelID(32), signature: signature(33))),
        .channelReady(ChannelReady(channelID: channelID(32), secondPerCommitmentPoint: point(34),
                                   tlvs: .init(alias: try! ShortChannelID(text: "16777215x1x65535"),
                                               unknownRecords: [unknownOdd[2]]))),
        .shutdown(Shutdown(channelID: channelID(32), scriptPubkey: pattern(34, seed: 35))),
        .closingSigned(ClosingSigned(channelID: channelID(32), fee: Satoshi(1_234), signature: signature(36),
                                     tlvs: .init(feeRange: .init(minimum: Satoshi(500), maximum: Satoshi(5_000))))),
        .updateAddHTLC(UpdateAddHTLC(
            channelID: channelID(32), id: 0x0102_0304_0506_0708, amount: MilliSatoshi(4_294_967_296_001),
            paymentHash: hash(40), cltvExpiry: 800_144, onionRoutingPacket: try! OnionRoutingPacket(pattern(1366, seed: 41)),
            tlvs: .init(pathKey: point(42), unknownRecords: [TLVRecord(type: 3, value: [1, 2, 3])])
        )),
        .updateFulfillHTLC(UpdateFulfillHTLC(
            channelID: channelID(32), id: 7, paymentPreimage: secret(43),
            tlvs: .init(attributionData: try! AttributionData(pattern(920, seed: 44)))
        )),
        .updateFailHTLC(UpdateFailHTLC(channelID: channelID(32), id: UInt64.max, reason: pattern(292, seed: 45),
                                       tlvs: .init(attributionData: try! AttributionData(pattern(920, seed: 46)),
                                                   unknownRecords: [unknownOdd[0]]))),
        .updateFailMalformedHTLC(UpdateFailMalformedHTLC(channelID: channelID(32), id: 8, sha256OfOnion: hash(47),
                                                         failureCode: 0x8000 | 0x4000 | 5)),
        .commitmentSigned(CommitmentSigned(channelID: channelID(32), signature: signature(48),
                                           htlcSignatures: (0..<5).map { signature(50 + $0) },
                                           tlvs: .init(fundingTxid: hash(49)))),
        .revokeAndAck(RevokeAndAck(channelID: channelID(32), perCommitmentSecret: secret(60),
                                   nextPerCommitmentPoint: point(61))),
        .updateFee(UpdateFee(channelID: channelID(32), feeratePerKw: 0xffff_ffff)),
        .channelReestablish(ChannelReestablish(
            channelID: channelID(32), nextCommitmentNumber: 1 << 47, nextRevocationNumber: (1 << 47) - 1,
            yourLastPerCommitmentSecret: secret(62), myCurrentPerCommitmentPoint: point(63),
            tlvs: .init(nextFunding: .init(txid: hash(64), retransmitFlags: 1),
                        myCurrentFundingLocked: .init(txid: hash(65), retransmitFlags: 0),
                        unknownRecords: [TLVRecord(type: 3, value: [])])
        )),
        .channelAnnouncement(channelAnnouncement),
        .nodeAnnouncement(nodeAnnouncement),
        .channelUpdate(channelUpdate),
        .announcementSignatures(AnnouncementSignatures(
            channelID: channelID(32), shortChannelID: try! ShortChannelID(text: "800000x1234x1"),
            nodeSignature: signature(85), bitcoinSignature: signature(86),
            tlvs: NoKnownTLVs(unknownRecords: [unknownOdd[1]]))),
        .gossipTimestampFilter(GossipTimestampFilter(chainHash: hash(87), firstTimestamp: 1_700_000_000,
                                                     timestampRange: UInt32.max)),
        .unknown(type: 32_769, payload: pattern(40, seed: 70)),
    ]

    /// Gossip samples: bytes after the last field are kept raw (`excessData`), not as TLVs.
    static let channelAnnouncement = ChannelAnnouncement(
        nodeSignature1: signature(71), nodeSignature2: signature(72), bitcoinSignature1: signature(73),
        bitcoinSignature2: signature(74), features: [0x01, 0x00, 0x02], chainHash: hash(75),
        shortChannelID: try! ShortChannelID(text: "16777215x16777215x65535"),
        nodeID1: point(76), nodeID2: point(77), bitcoinKey1: point(78), bitcoinKey2: point(79),
        excessData: [0x0a, 0x00, 0x00, 0x14]  // not a valid TLV stream: relayed as is all the same
    )

    static let nodeAnnouncement = NodeAnnouncement(
        signature: signature(80), features: [0x08, 0xa0, 0x82], timestamp: UInt32.max, nodeID: point(81),
        rgbColor: RGBColor(red: 0xff, green: 0x99, blue: 0x00), alias: try! NodeAlias(text: "chan ⚡ node"),
        addresses: try! NodeAddress.encodeList([
            .ipv4(address: [203, 0, 113, 7], port: 9735),
            .ipv6(address: pattern(16, seed: 82), port: 19735),
            .torV3(onion: pattern(35, seed: 83), port: 9735),
            .dnsHostname("node.example.org", port: 9736),
        ]),
        excessData: pattern(3, seed: 84)
    )

    static let channelUpdate = ChannelUpdateMessage(
        signature: signature(88), chainHash: hash(75), shortChannelID: try! ShortChannelID(text: "800000x1234x1"),
        timestamp: 1_700_000_123, messageFlags: [.mustBeOne, .dontForward],
        channelFlags: [.direction, .disable, ChannelUpdateMessage.ChannelFlags(rawValue: 0x80)],
        cltvExpiryDelta: 144, htlcMinimum: MilliSatoshi(1), feeBase: MilliSatoshi(UInt64(UInt32.max)),
        feeProportionalMillionths: 1_000_000, htlcMaximum: MilliSatoshi(16_777_215_000),
        excessData: [0x01, 0x02, 0x00, 0x00]
    )

    /// Whether bytes after the fixed fields are opaque (`excessData`) rather than a TLV stream.
    static func hasOpaqueTail(_ message: WireMessage) -> Bool {
        switch message {
        case .channelAnnouncement, .nodeAnnouncement, .channelUpdate: true
        default: false
        }
    }

    /// The same message with an empty extension: its encoding ends where the extension starts.
    static func withoutExtension(_ message: WireMessage) -> WireMessage {
        switch message {
        case .warning(var body): body.tlvs = .init(); return .warning(body)
        case .initMessage(var body): body.tlvs = .init(); return .initMessage(body)
        case .error(var body): body.tlvs = .init(); return .error(body)
        case .ping(var body): body.tlvs = .init(); return .ping(body)
        case .pong(var body): body.tlvs = .init(); return .pong(body)
        case .openChannel(var body): body.tlvs = .init(); return .openChannel(body)
        case .acceptChannel(var body): body.tlvs = .init(); return .acceptChannel(body)
        case .fundingCreated(var body): body.tlvs = .init(); return .fundingCreated(body)
        case .fundingSigned(var body): body.tlvs = .init(); return .fundingSigned(body)
        case .channelReady(var body): body.tlvs = .init(); return .channelReady(body)
        case .shutdown(var body): body.tlvs = .init(); return .shutdown(body)
        case .closingSigned(var body): body.tlvs = .init(); return .closingSigned(body)
        case .updateAddHTLC(var body): body.tlvs = .init(); return .updateAddHTLC(body)
        case .updateFulfillHTLC(var body): body.tlvs = .init(); return .updateFulfillHTLC(body)
        case .updateFailHTLC(var body): body.tlvs = .init(); return .updateFailHTLC(body)
        case .commitmentSigned(var body): body.tlvs = .init(); return .commitmentSigned(body)
        case .revokeAndAck(var body): body.tlvs = .init(); return .revokeAndAck(body)
        case .updateFee(var body): body.tlvs = .init(); return .updateFee(body)
        case .updateFailMalformedHTLC(var body): body.tlvs = .init(); return .updateFailMalformedHTLC(body)
        case .channelReestablish(var body): body.tlvs = .init(); return .channelReestablish(body)
        case .channelAnnouncement(var body): body.excessData = []; return .channelAnnouncement(body)
        case .nodeAnnouncement(var body): body.excessData = []; return .nodeAnnouncement(body)
        case .channelUpdate(var body): body.excessData = []; return .channelUpdate(body)
        case .announcementSignatures(var body): body.tlvs = .init(); return .announcementSignatures(body)
        case .gossipTimestampFilter(var body): body.tlvs = .init(); return .gossipTimestampFilter(body)
        case .unknown: return message
        }
    }
}
