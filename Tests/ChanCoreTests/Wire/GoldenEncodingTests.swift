import ChanCore
import ChanLedger
import Testing

/// Encodings built field by field from the BOLT 1/2 field lists, independently of the
/// codec's own write order, so a swapped field cannot hide behind a symmetric round trip.
@Suite struct GoldenEncodingTests {
    private func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    private func u32(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    private func u64(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }

    @Test func openChannel() throws {
        let message = SampleMessages.openChannel
        let expected: [UInt8] = u16(32)
            + message.chainHash.bytes + message.temporaryChannelID.bytes
            + u64(16_777_215) + u64(1_000_000_123) + u64(546) + u64(UInt64.max) + u64(167_772) + u64(1)
            + u32(253) + u16(144) + u16(483)
            + SampleMessages.point(3).bytes + SampleMessages.point(4).bytes + SampleMessages.point(5).bytes
            + SampleMessages.point(6).bytes + SampleMessages.point(7).bytes + SampleMessages.point(8).bytes
            + [0x81]
            + [0x00, 22] + SampleMessages.pattern(22, seed: 9)  // upfront_shutdown_script
            + [0x01, 2, 0x10, 0x00]  // channel_type
            + [0xfd, 0x00, 0xfd, 1, 0x01]  // unknown odd 253
        #expect(try message.encode() == expected)
    }

    @Test func acceptChannel() throws {
        let message = SampleMessages.acceptChannel
        let expected: [UInt8] = u16(33)
            + message.temporaryChannelID.bytes
            + u64(354) + u64(5_000_000_000) + u64(10_000) + u64(1000) + u32(3) + u16(720) + u16(30)
            + (13...18).flatMap { SampleMessages.point($0).bytes }
            + [0x00, 0x00]  // zero-length upfront_shutdown_script
            + [0xfd, 0x00, 0xfd, 1, 0x01] + [0xfe, 0x00, 0x01, 0x00, 0x01, 3] + SampleMessages.pattern(3, seed: 90)
            + [0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0]
        #expect(try message.encode() == expected)
    }

    @Test func updateAddHTLC() throws {
        let onion = SampleMessages.pattern(1366, seed: 41)
        let message = UpdateAddHTLC(
            channelID: SampleMessages.channelID(1), id: 42, amount: MilliSatoshi(100_000), paymentHash: SampleMessages.hash(2),
            cltvExpiry: 500_000, onionRoutingPacket: try OnionRoutingPacket(onion), tlvs: .init(pathKey: SampleMessages.point(3))
        )
        let expected: [UInt8] = u16(128) + SampleMessages.channelID(1).bytes + u64(42) + u64(100_000)
            + SampleMessages.hash(2).bytes + u32(500_000) + onion
            + [0x00, 33] + SampleMessages.point(3).bytes
        #expect(try message.encode() == expected)
        #expect(expected.count == 2 + 32 + 8 + 8 + 32 + 4 + 1366 + 35)
    }

    @Test func commitmentSigned() throws {
        let message = CommitmentSigned(
            channelID: .zero, signature: SampleMessages.signature(1),
            htlcSignatures: [SampleMessages.signature(2), SampleMessages.signature(3)], tlvs: .init(fundingTxid: SampleMessages.hash(4))
        )
        let expected: [UInt8] = u16(132) + [UInt8](repeating: 0, count: 32) + SampleMessages.signature(1).bytes + u16(2)
            + SampleMessages.signature(2).bytes + SampleMessages.signature(3).bytes
            + [0x01, 32] + SampleMessages.hash(4).bytes
        #expect(try message.encode() == expected)
    }

    @Test func channelReestablish() throws {
        let message = ChannelReestablish(
            channelID: SampleMessages.channelID(1), nextCommitmentNumber: 5, nextRevocationNumber: 4,
            yourLastPerCommitmentSecret: SampleMessages.secret(2), myCurrentPerCommitmentPoint: SampleMessages.point(3),
            tlvs: .init(nextFunding: .init(txid: SampleMessages.hash(4), retransmitFlags: 1),
                        myCurrentFundingLocked: .init(txid: SampleMessages.hash(5), retransmitFlags: 0))
        )
        let expected: [UInt8] = u16(136) + SampleMessages.channelID(1).bytes + u64(5) + u64(4)
            + SampleMessages.secret(2).bytes + SampleMessages.point(3).bytes
            + [0x01, 33] + SampleMessages.hash(4).bytes + [1]
            + [0x05, 33] + SampleMessages.hash(5).bytes + [0]
        #expect(try message.encode() == expected)
    }

    @Test func closingSignedAndShutdown() throws {
        let closing = ClosingSigned(channelID: .zero, fee: Satoshi(700), signature: SampleMessages.signature(1),
                                    tlvs: .init(feeRange: .init(minimum: Satoshi(600), maximum: Satoshi(800))))
        #expect(try closing.encode() == u16(39) + [UInt8](repeating: 0, count: 32) + u64(700) + SampleMessages.signature(1).bytes
            + [0x01, 16] + u64(600) + u64(800))
        let shutdown = Shutdown(channelID: .zero, scriptPubkey: [0x00, 0x14] + [UInt8](repeating: 0xab, count: 20))
        #expect(try shutdown.encode() == u16(38) + [UInt8](repeating: 0, count: 32) + u16(22) + [0x00, 0x14]
            + [UInt8](repeating: 0xab, count: 20))
    }

    @Test func smallMessages() throws {
        let id = SampleMessages.channelID(9)
        #expect(try FundingCreated(temporaryChannelID: id, fundingTxid: SampleMessages.hash(1), fundingOutputIndex: 1,
                                   signature: SampleMessages.signature(2)).encode()
            == u16(34) + id.bytes + SampleMessages.hash(1).bytes + u16(1) + SampleMessages.signature(2).bytes)
        #expect(try FundingSigned(channelID: id, signature: SampleMessages.signature(2)).encode()
            == u16(35) + id.bytes + SampleMessages.signature(2).bytes)
        #expect(try ChannelReady(channelID: id, secondPerCommitmentPoint: SampleMessages.point(1),
                                 tlvs: .init(alias: ShortChannelID(rawValue: 0x0102))).encode()
            == u16(36) + id.bytes + SampleMessages.point(1).bytes + [0x01, 8] + u64(0x0102))
        #expect(try UpdateFulfillHTLC(channelID: id, id: 3, paymentPreimage: SampleMessages.secret(1)).encode()
            == u16(130) + id.bytes + u64(3) + SampleMessages.secret(1).bytes)
        #expect(try UpdateFailHTLC(channelID: id, id: 3, reason: [1, 2]).encode() == u16(131) + id.bytes + u64(3) + u16(2) + [1, 2])
        #expect(try UpdateFailMalformedHTLC(channelID: id, id: 3, sha256OfOnion: SampleMessages.hash(1), failureCode: 0xc005).encode()
            == u16(135) + id.bytes + u64(3) + SampleMessages.hash(1).bytes + u16(0xc005))
        #expect(try RevokeAndAck(channelID: id, perCommitmentSecret: SampleMessages.secret(1),
                                 nextPerCommitmentPoint: SampleMessages.point(2)).encode()
            == u16(133) + id.bytes + SampleMessages.secret(1).bytes + SampleMessages.point(2).bytes)
        #expect(try UpdateFee(channelID: id, feeratePerKw: 2500).encode() == u16(134) + id.bytes + u32(2500))
        #expect(try ErrorMessage(channelID: id, data: [0x41]).encode() == u16(17) + id.bytes + u16(1) + [0x41])
        #expect(try WarningMessage(channelID: id, data: []).encode() == u16(1) + id.bytes + u16(0))
        #expect(try Ping(numPongBytes: 4, ignored: [0, 0]).encode() == u16(18) + u16(4) + u16(2) + [0, 0])
        #expect(try Pong(ignored: [0]).encode() == u16(19) + u16(1) + [0])
        let chain = SampleMessages.hash(7)
        #expect(try InitMessage(globalFeatures: [], features: [0x02, 0x00], tlvs: .init(networks: [chain])).encode()
            == u16(16) + u16(0) + u16(2) + [0x02, 0x00] + [0x01, 32] + chain.bytes)
    }
}
