import ChanCore
import Foundation
import Testing

/// The reader/writer primitives and the fixed-size value types.
@Suite struct WireValueTests {
    @Test func integersAreBigEndian() throws {
        var writer = WireWriter()
        writer.writeU8(0x01)
        writer.writeU16(0x0203)
        writer.writeU32(0x0405_0607)
        writer.writeU64(0x0809_0a0b_0c0d_0e0f)
        #expect(writer.bytes == Array(1...15))
        var reader = WireReader(writer.bytes)
        #expect(try reader.readU8() == 0x01)
        #expect(try reader.readU16() == 0x0203)
        #expect(try reader.readU32() == 0x0405_0607)
        #expect(try reader.readU64() == 0x0809_0a0b_0c0d_0e0f)
        #expect(reader.isAtEnd)
        #expect(throws: WireError.truncated(needed: 1, remaining: 0)) { try reader.readU8() }
    }

    @Test func readsPastTheEndThrowAndLeaveTheCursorAlone() throws {
        var reader = WireReader([0, 1, 3])
        #expect(throws: WireError.truncated(needed: 4, remaining: 3)) { try reader.readU32() }
        #expect(throws: WireError.truncated(needed: 8, remaining: 3)) { try reader.readU64() }
        #expect(throws: WireError.truncated(needed: -1, remaining: 3)) { try reader.readBytes(-1) }
        #expect(throws: WireError.truncated(needed: 32, remaining: 3)) { try reader.read(ChannelID.self) }
        #expect(reader.position == 0)
        #expect(try reader.readU16Prefixed() == [3])
    }

    @Test func subReadersStopAtTheirOwnEnd() throws {
        var reader = WireReader([1, 2, 3, 4])
        _ = try reader.readU8()
        var sub = try reader.readSubReader(2)
        #expect(try sub.readU16() == 0x0203)
        #expect(throws: WireError.self) { try sub.readU8() }
        #expect(try reader.readU8() == 4)
        #expect(throws: WireError.self) { try reader.readSubReader(1) }
    }

    @Test func truncatedIntegersAreMinimal() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, []), (1, [1]), (0xff, [0xff]), (0x100, [1, 0]), (0x1_0000_0000, [1, 0, 0, 0, 0]),
            (UInt64.max, [UInt8](repeating: 0xff, count: 8)),
        ]
        for (value, encoded) in cases {
            var writer = WireWriter()
            writer.writeTU64(value)
            #expect(writer.bytes == encoded)
            var reader = WireReader(encoded)
            #expect(try reader.readTU64() == value)
        }
        var writer = WireWriter()
        writer.writeTU16(0x0102)
        writer.writeTU32(0)
        writer.writeTU32(0x00ff_ffff)
        #expect(writer.bytes == [1, 2, 0xff, 0xff, 0xff])
        var leadingZero = WireReader([0, 1])
        #expect(throws: WireError.nonMinimal(field: "tu16")) { try leadingZero.readTU16() }
        var tooLong = WireReader([1, 0, 0, 0, 0])
        #expect(throws: WireError.self) { try tooLong.readTU32() }
    }

    @Test func writingAnOversizedPrefixedFieldThrows() {
        var writer = WireWriter()
        #expect(throws: WireError.self) { try writer.writeU16Prefixed([UInt8](repeating: 0, count: 65536), field: "data") }
        #expect(writer.bytes.isEmpty)
    }

    @Test func fixedSizeValuesCheckTheirLength() throws {
        #expect(throws: WireError.invalidLength(field: "channel_id", expected: "32", actual: 31)) {
            try ChannelID([UInt8](repeating: 0, count: 31))
        }
        #expect(throws: WireError.self) { try SerializedPoint([UInt8](repeating: 2, count: 32)) }
        #expect(throws: WireError.self) { try CompactSignature([UInt8](repeating: 0, count: 65)) }
        #expect(throws: WireError.self) { try OnionRoutingPacket([UInt8](repeating: 0, count: 1365)) }
        #expect(throws: WireError.self) { try Hash32(hex: "zz") }
        #expect(ChannelID.zero.isZero)
        #expect(Bytes32.zero.bytes.count == 32)
        let hash = try Hash32(hex: String(repeating: "ab", count: 32))
        #expect(hash.description == String(repeating: "ab", count: 32))
        #expect(try SerializedPoint([3] + [UInt8](repeating: 1, count: 32)).hasCompressedPrefix)
        #expect(try !SerializedPoint([4] + [UInt8](repeating: 1, count: 32)).hasCompressedPrefix)
    }

    @Test func channelIDFromFundingOutpoint() throws {
        let txid = try Hash32(Array(0..<32))
        #expect(ChannelID(fundingTxid: txid, outputIndex: 0).bytes == txid.bytes)
        let id = ChannelID(fundingTxid: txid, outputIndex: 0x0102)
        #expect(Array(id.bytes.prefix(30)) == Array(txid.bytes.prefix(30)))
        #expect(id.bytes[30] == 30 ^ 0x01 && id.bytes[31] == 31 ^ 0x02)
    }

    @Test func attributionDataSplitsIntoHoldTimesAndHMACs() throws {
        var raw = [UInt8](repeating: 0, count: 920)
        raw[3] = 5
        raw[79] = 7
        raw[80...83] = [0xde, 0xad, 0xbe, 0xef]
        let data = try AttributionData(raw)
        #expect(data.htlcHoldTimes.count == 20)
        #expect(data.htlcHoldTimes.first == 5 && data.htlcHoldTimes.last == 7)
        #expect(data.truncatedHMACs.count == 210)
        #expect(data.truncatedHMACs.first == [0xde, 0xad, 0xbe, 0xef])
    }

    @Test func shortChannelIDParts() throws {
        let id = try ShortChannelID(text: "539268x845x1")
        #expect(id.block == 539_268 && id.transactionIndex == 845 && id.outputIndex == 1)
        #expect(id.rawValue == 539_268 << 40 | 845 << 16 | 1)
        #expect(id.description == "539268x845x1")
        #expect(ShortChannelID(rawValue: 550).description == "0x0x550")
        let largest = try ShortChannelID(block: 0xff_ffff, transactionIndex: 0xff_ffff, outputIndex: 0xffff)
        #expect(largest.rawValue == UInt64.max)
        #expect(try ShortChannelID(text: largest.description) == largest)
    }

    @Test(arguments: ["", "1x2", "1x2x3x4", "x1x2", "1xx2", "16777216x0x0", "0x16777216x0", "0x0x65536", "-1x0x0", "+1x0x0", "1 x2x3", "1X2X3"])
    func shortChannelIDRejects(_ text: String) {
        #expect(throws: WireError.self) { try ShortChannelID(text: text) }
    }

    @Test func codableUsesHexAndText() throws {
        struct Fields: Codable, Equatable {
            var channelID: ChannelID
            var point: SerializedPoint
            var scid: ShortChannelID
        }
        let fields = Fields(channelID: try ChannelID(Array(0..<32)), point: try SerializedPoint([2] + Array(0..<32)),
                            scid: ShortChannelID(rawValue: 1 << 40 | 2 << 16 | 3))
        let json = try JSONEncoder().encode(fields)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"1x2x3\""))
        #expect(text.contains("\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\""))
        #expect(try JSONDecoder().decode(Fields.self, from: json) == fields)
        let badLength = Data(#"{"channelID":"00","point":"02","scid":"1x2x3"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Fields.self, from: badLength) }
    }

    @Test func errorCodesAreStable() {
        let codes = [
            WireError.truncated(needed: 1, remaining: 0), .nonMinimal(field: "bigsize"), .tlvOrder(previous: 1, next: 1),
            .unknownEvenMessageType(2), .unknownEvenTLVType(2), .tooLong(length: 65536, limit: 65535),
            .invalidLength(field: "point", expected: "33", actual: 1), .invalidValue(field: "x", reason: "y"),
        ].map(\.code)
        #expect(codes == [
            "wire_truncated", "wire_non_minimal", "wire_tlv_order", "wire_unknown_even_type", "wire_unknown_even_tlv",
            "wire_too_long", "wire_invalid_length", "wire_invalid_value",
        ])
    }
}
