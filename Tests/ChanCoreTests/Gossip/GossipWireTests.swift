import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// The BOLT 7 messages on the wire: layouts built field by field from the spec's field lists
/// (not from the codec's write order), round trips, address descriptors, and messages encoded
/// by another implementation.
@Suite struct GossipWireTests {
    private func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    private func u32(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    private func u64(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }

    // MARK: Golden layouts

    @Test func channelAnnouncementLayout() throws {
        let message = SampleMessages.channelAnnouncement
        let expected: [UInt8] = u16(256)
            + SampleMessages.signature(71).bytes + SampleMessages.signature(72).bytes  // node_signature_1, _2
            + SampleMessages.signature(73).bytes + SampleMessages.signature(74).bytes  // bitcoin_signature_1, _2
            + u16(3) + [0x01, 0x00, 0x02]  // len, features
            + SampleMessages.hash(75).bytes  // chain_hash
            + [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]  // short_channel_id 16777215x16777215x65535
            + SampleMessages.point(76).bytes + SampleMessages.point(77).bytes  // node_id_1, node_id_2
            + SampleMessages.point(78).bytes + SampleMessages.point(79).bytes  // bitcoin_key_1, bitcoin_key_2
            + [0x0a, 0x00, 0x00, 0x14]  // trailing bytes, kept raw
        #expect(try message.encode() == expected)
        #expect(try ChannelAnnouncement.decode(expected) == message)
        #expect(expected.count == 2 + 256 + 2 + 3 + 32 + 8 + 4 * 33 + 4)
    }

    @Test func nodeAnnouncementLayout() throws {
        let message = SampleMessages.nodeAnnouncement
        let alias = Array("chan ⚡ node".utf8)
        let addresses: [UInt8] = [1, 203, 0, 113, 7] + u16(9735)
            + [2] + SampleMessages.pattern(16, seed: 82) + u16(19735)
            + [4] + SampleMessages.pattern(35, seed: 83) + u16(9735)
            + [5, 16] + Array("node.example.org".utf8) + u16(9736)
        let expected: [UInt8] = u16(257)
            + SampleMessages.signature(80).bytes  // signature
            + u16(3) + [0x08, 0xa0, 0x82]  // flen, features
            + u32(UInt32.max)  // timestamp
            + SampleMessages.point(81).bytes  // node_id
            + [0xff, 0x99, 0x00]  // rgb_color
            + alias + [UInt8](repeating: 0, count: 32 - alias.count)  // alias, zero-padded
            + u16(UInt16(addresses.count)) + addresses  // addrlen, addresses
            + SampleMessages.pattern(3, seed: 84)  // trailing bytes, kept raw
        #expect(try message.encode() == expected)
        #expect(try NodeAnnouncement.decode(expected) == message)
        #expect(message.alias.text == "chan ⚡ node")
    }

    @Test func channelUpdateLayout() throws {
        let message = SampleMessages.channelUpdate
        let expected: [UInt8] = u16(258)
            + SampleMessages.signature(88).bytes  // signature
            + SampleMessages.hash(75).bytes  // chain_hash
            + u64(800_000 << 40 | 1234 << 16 | 1)  // short_channel_id
            + u32(1_700_000_123)  // timestamp
            + [0x03]  // message_flags: must_be_one, dont_forward
            + [0x83]  // channel_flags: direction, disable, an unassigned bit kept
            + u16(144)  // cltv_expiry_delta
            + u64(1)  // htlc_minimum_msat
            + u32(UInt32.max)  // fee_base_msat
            + u32(1_000_000)  // fee_proportional_millionths
            + u64(16_777_215_000)  // htlc_maximum_msat
            + [0x01, 0x02, 0x00, 0x00]  // trailing bytes, kept raw
        #expect(try message.encode() == expected)
        #expect(try ChannelUpdateMessage.decode(expected) == message)
        #expect(message.direction == .fromNode2)
        #expect(message.isDisabled)
        #expect(message.policy == ChannelPolicy(
            feeBase: MilliSatoshi(UInt64(UInt32.max)), feeProportionalMillionths: 1_000_000, cltvExpiryDelta: 144,
            htlcMinimum: MilliSatoshi(1), htlcMaximum: MilliSatoshi(16_777_215_000), disabled: true))
    }

    @Test func announcementSignaturesLayout() throws {
        let scid = try ShortChannelID(text: "700000x5x2")
        let message = AnnouncementSignatures(
            channelID: SampleMessages.channelID(1), shortChannelID: scid,
            nodeSignature: SampleMessages.signature(2), bitcoinSignature: SampleMessages.signature(3))
        let expected: [UInt8] = u16(259) + SampleMessages.channelID(1).bytes + u64(700_000 << 40 | 5 << 16 | 2)
            + SampleMessages.signature(2).bytes + SampleMessages.signature(3).bytes
        #expect(try message.encode() == expected)
        #expect(try AnnouncementSignatures.decode(expected) == message)
        // A TLV extension, unlike the gossip messages' raw tail: unknown even records fail.
        #expect(throws: WireError.unknownEvenTLVType(2)) { try AnnouncementSignatures.decode(expected + [0x02, 0x00]) }
    }

    @Test func gossipTimestampFilterLayout() throws {
        let message = GossipTimestampFilter(chainHash: SampleMessages.hash(5), firstTimestamp: 1_600_000_000, timestampRange: 3600)
        let expected: [UInt8] = u16(265) + SampleMessages.hash(5).bytes + u32(1_600_000_000) + u32(3600)
        #expect(try message.encode() == expected)
        #expect(try GossipTimestampFilter.decode(expected) == message)
    }

    @Test func timestampFilterAdmitsItsHalfOpenRangeWithoutWrapping() {
        let filter = GossipTimestampFilter(chainHash: .zero, firstTimestamp: 100, timestampRange: 10)
        #expect(!filter.admits(timestamp: 99))
        #expect(filter.admits(timestamp: 100))
        #expect(filter.admits(timestamp: 109))
        #expect(!filter.admits(timestamp: 110))
        // first + range beyond 32 bits: everything from first on.
        let wide = GossipTimestampFilter(chainHash: .zero, firstTimestamp: UInt32.max - 1, timestampRange: UInt32.max)
        #expect(wide.admits(timestamp: UInt32.max))
        #expect(!wide.admits(timestamp: 5))
        let everything = GossipTimestampFilter.everything(chainHash: .zero)
        #expect(everything.admits(timestamp: 0) && everything.admits(timestamp: UInt32.max - 1))
        // What BOLT 7 tells a node to send when it wants nothing.
        #expect(!GossipTimestampFilter(chainHash: .zero, firstTimestamp: UInt32.max, timestampRange: 0).admits(timestamp: UInt32.max))
    }

    @Test func everyGossipSampleRoundTripsThroughWireMessage() throws {
        let gossip = SampleMessages.all.filter {
            [256, 257, 258, 259, 265].contains($0.messageType)
        }
        #expect(gossip.count == 5)
        for message in gossip {
            let encoded = try message.encode()
            #expect(try WireMessage.decode(encoded) == message, "\(message.name)")
        }
        #expect(gossip.map(\.name) == [
            "channel_announcement", "node_announcement", "channel_update", "announcement_signatures",
            "gossip_timestamp_filter",
        ])
    }

    @Test func feeBaseAboveThirtyTwoBitsDoesNotEncode() {
        var update = SampleMessages.channelUpdate
        update.feeBase = MilliSatoshi(UInt64(UInt32.max) + 1)
        #expect(throws: WireError.self) { try update.encode() }
    }

    // MARK: Aliases

    @Test func aliasIsZeroPaddedUTF8() throws {
        let alias = try NodeAlias(text: "IRATEMONK")
        #expect(alias.bytes == Array("IRATEMONK".utf8) + [UInt8](repeating: 0, count: 23))
        #expect(alias.text == "IRATEMONK")
        #expect(try NodeAlias(text: String(repeating: "x", count: 32)).text == String(repeating: "x", count: 32))
        #expect(throws: WireError.self) { try NodeAlias(text: String(repeating: "x", count: 33)) }
        #expect(throws: WireError.self) { try NodeAlias(text: "a\u{0}b") }
        // Received bytes are kept whatever they are; only the text view refuses them.
        #expect(try NodeAlias([0xff] + [UInt8](repeating: 0, count: 31)).text == nil)
        #expect(try NodeAlias([0x41, 0x00, 0x42] + [UInt8](repeating: 0, count: 29)).text == nil)
        #expect(NodeAlias.zero.text == "")
    }

    // MARK: Address descriptors

    @Test func addressListRoundTrips() throws {
        let addresses: [NodeAddress] = [
            .ipv4(address: [127, 0, 0, 1], port: 9735),
            .ipv6(address: [UInt8](repeating: 0, count: 15) + [1], port: 9735),
            .torV3(onion: SampleMessages.pattern(35, seed: 1), port: 9735),
            .dnsHostname("ln.example.com", port: 9735),
        ]
        let bytes = try NodeAddress.encodeList(addresses)
        #expect(bytes.count == 7 + 19 + 38 + 18)
        #expect(try NodeAddress.decodeList(bytes) == addresses)
        #expect(addresses.map(\.description).prefix(2) == ["127.0.0.1:9735", "[0:0:0:0:0:0:0:1]:9735"])
        #expect(addresses[3].description == "ln.example.com:9735")
    }

    @Test func torV3AddressPrintsAsOnion() {
        // 35 zero bytes: base32 of 280 zero bits is 56 'a's.
        #expect(NodeAddress.torV3(onion: [UInt8](repeating: 0, count: 35), port: 9735).description
            == String(repeating: "a", count: 56) + ".onion:9735")
    }

    @Test func malformedAddressesAreRefused() throws {
        let ipv4: [UInt8] = [1, 10, 0, 0, 1] + u16(9735)
        // A known type cut short.
        #expect(throws: WireError.self) { try NodeAddress.decodeList([1, 10, 0, 0, 1, 0x26]) }
        #expect(throws: WireError.self) { try NodeAddress.decodeList(ipv4 + [2] + [UInt8](repeating: 0, count: 17)) }
        #expect(throws: WireError.self) { try NodeAddress.decodeList([4] + [UInt8](repeating: 1, count: 36)) }
        #expect(throws: WireError.self) { try NodeAddress.decodeList([5, 10, 0x61]) }
        // A host name that is not printable ASCII, or empty.
        #expect(throws: WireError.self) { try NodeAddress.decodeList([5, 2, 0xc3, 0xa9] + u16(9735)) }
        #expect(throws: WireError.self) { try NodeAddress.decodeList([5, 0] + u16(9735)) }
        // Two host names: BOLT 7 lets a node announce one.
        let host: [UInt8] = [5, 1, 0x61] + u16(9735)
        #expect(try NodeAddress.decodeList(host) == [.dnsHostname("a", port: 9735)])
        #expect(throws: WireError.self) { try NodeAddress.decodeList(host + host) }
        // Nor is one encoded.
        #expect(throws: WireError.self) { try NodeAddress.encodeList([.ipv4(address: [1, 2, 3], port: 1)]) }
        #expect(throws: WireError.self) { try NodeAddress.encodeList([.dnsHostname("", port: 1)]) }
        #expect(throws: WireError.self) { try NodeAddress.encodeList([.dnsHostname(String(repeating: "a", count: 256), port: 1)]) }
        #expect(throws: WireError.self) { try NodeAddress.encodeList([.dnsHostname("bücher.de", port: 1)]) }
    }

    @Test func unknownTypesEndTheListAndTorV2AndPortZeroAreSkipped() throws {
        let ipv4: [UInt8] = [1, 10, 0, 0, 1] + u16(9735)
        let torV2: [UInt8] = [3] + [UInt8](repeating: 7, count: 10) + u16(9735)
        let ipv4PortZero: [UInt8] = [1, 10, 0, 0, 2] + u16(0)
        let decoded = try NodeAddress.decodeList(torV2 + ipv4PortZero + ipv4 + [6, 0xde, 0xad] + ipv4)
        // Tor v2 skipped, port 0 dropped, and nothing read after the unknown type 6.
        #expect(decoded == [.ipv4(address: [10, 0, 0, 1], port: 9735)])
        #expect(try NodeAddress.decodeList([]) == [])
        #expect(try NodeAddress.decodeList([0, 1, 2, 3]) == [])
    }

    @Test func aNodeAnnouncementWithMalformedAddressesStillRoundTrips() throws {
        var message = SampleMessages.nodeAnnouncement
        message.addresses = [1, 10, 0]  // an IPv4 descriptor cut short
        let encoded = try message.encode()
        let decoded = try NodeAnnouncement.decode(encoded)
        #expect(decoded == message)
        #expect(try decoded.encode() == encoded)
        #expect(throws: WireError.self) { try decoded.decodedAddresses() }
    }

    // MARK: Messages encoded by another implementation

    /// rust-lightning's `lightning/src/ln/msgs.rs`, test `encoding_channel_update` (direction,
    /// disable and excess data set): its payload for a `channel_update` with known fields, here
    /// prefixed with the type. The signature is over another hash, so only the layout is checked.
    @Test func decodesRustLightningChannelUpdate() throws {
        let payload = try bytes(hex:
            "d977cb9b53d93a6ff64bb5f1e158b4094b66e798fb12911168a3ccdf80a83096340a6a95da0ae8d9f776528eecdbb747eb6b545495a4319ed5378e35b21e073a"
            + "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
            + "00083a840000034d013413a7" + "01" + "03"
            + "009000000000000f42400000271000000014" + "0000777788889999" + "000000003b9aca00")
        let update = try ChannelUpdateMessage.decode(u16(258) + payload)
        #expect(update.shortChannelID.rawValue == 2_316_138_423_780_173)
        #expect(update.timestamp == 20_190_119)
        #expect(update.messageFlags == .mustBeOne)
        #expect(update.direction == .fromNode2)
        #expect(update.isDisabled)
        #expect(update.cltvExpiryDelta == 144)
        #expect(update.htlcMinimum == MilliSatoshi(1_000_000))
        #expect(update.feeBase == MilliSatoshi(10_000))
        #expect(update.feeProportionalMillionths == 20)
        #expect(update.htlcMaximum == MilliSatoshi(131_355_275_467_161))
        // Not a valid TLV stream (type 0 twice): kept raw, and re-encoded as it came.
        #expect(update.excessData == [0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00])
        #expect(try update.encode() == u16(258) + payload)
    }

    /// rust-lightning's `encoding_node_announcement` with every option on: unknown feature bits,
    /// one descriptor of each type 1 to 5, then bytes of an unknown type 0x21, then excess data.
    @Test func decodesRustLightningNodeAnnouncement() throws {
        let addresses = try bytes(hex:
            "01fffefdfc2607" + "02fffefdfcfbfaf9f8f7f6f5f4f3f2f1f02607" + "03fffefdfcfbfaf9f8f7f62607"
            + "04fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e00020102607" + "0504686f73742607"
            + "216c280b5395a2546e7e4b2663e04f811622f15a4f92e83aa2e92ba2a573c139142c54ae63072a1ec1ee7dc0c04bde5c847806172aa05c92c22ae8e308d1d269")
        let excess = try bytes(hex:
            "3b12cc195ce0a2d1bda6a88befa19fa07f51caa75ce83837f28965600b8aacab0855ffb0e741ec5f7c41421e9829a9d48611c8c831f71be5ea73e66594977ffd")
        let payload = try bytes(hex:
            "d977cb9b53d93a6ff64bb5f1e158b4094b66e798fb12911168a3ccdf80a83096340a6a95da0ae8d9f776528eecdbb747eb6b545495a4319ed5378e35b21e073a"
            + "0002ffff" + "013413a7" + "031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f" + "202020"
            + String(repeating: "10", count: 32))
            + u16(UInt16(addresses.count)) + addresses + excess
        let announcement = try NodeAnnouncement.decode(u16(257) + payload)
        #expect(announcement.features == [0xff, 0xff])
        #expect(announcement.timestamp == 20_190_119)
        // The node id of secret key 0x0101...01.
        #expect(announcement.nodeID.bytes == (try PrivateKey(secretBytes: [UInt8](repeating: 1, count: 32))).publicKey.compressed)
        #expect(announcement.rgbColor == RGBColor(red: 0x20, green: 0x20, blue: 0x20))
        #expect(announcement.excessData == excess)
        #expect(try announcement.encode() == u16(257) + payload)
        // ed25519 key ff..e0, checksum 0x0020, version 0x10.
        let onion = [UInt8](0xe0...0xff).reversed() + [0x00, 0x20, 0x10]
        #expect(try announcement.decodedAddresses() == [
            .ipv4(address: [255, 254, 253, 252], port: 9735),
            .ipv6(address: Array([UInt8](0xf0...0xff).reversed()), port: 9735),
            .torV3(onion: onion, port: 9735),
            .dnsHostname("host", port: 9735),
        ])
    }
}
