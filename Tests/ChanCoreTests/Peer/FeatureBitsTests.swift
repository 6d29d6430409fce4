import ChanCore
import Testing

/// `FeatureBits`: BOLT 9 bit numbering on the wire (bit 0 is the lowest bit of the last byte),
/// feature pairs (`supports`) and the even bits a peer requires that we do not know.
@Suite struct FeatureBitsTests {
    @Test func bitZeroIsTheLowestBitOfTheLastByte() {
        #expect(FeatureBits([0]).bytes == [0x01])
        #expect(FeatureBits([7]).bytes == [0x80])
        #expect(FeatureBits([8]).bytes == [0x01, 0x00])
        #expect(FeatureBits([0, 15]).bytes == [0x80, 0x01])
        #expect(FeatureBits([17]).bytes == [0x02, 0x00, 0x00])
        #expect(FeatureBits().bytes == [])
    }

    @Test func theNodesOwnFeaturesOnTheWire() {
        // 1 (data_loss_protect, optional), 8 (var_onion_optin), 12 (static_remotekey), 14 (payment_secret),
        // 17 (basic_mpp, optional): the last byte holds bit 1 (0x02); the one before holds bits 8, 12
        // and 14 (0x01 | 0x10 | 0x40); the first, bit 17 (0x02).
        #expect(FeatureBits.node.bits == [1, 8, 12, 14, 17])
        #expect(FeatureBits.node.bytes == [0x02, 0x51, 0x02])
        #expect(FeatureBits(bytes: [0x02, 0x51, 0x02]) == .node)
    }

    @Test func decodingIgnoresLeadingZeroBytesAndEncodesMinimally() {
        let decoded = FeatureBits(bytes: [0x00, 0x00, 0x01])
        #expect(decoded.bits == [0])
        #expect(decoded.bytes == [0x01])
        #expect(FeatureBits(bytes: []).bits.isEmpty)
        #expect(FeatureBits(bytes: [0x00, 0x00]).bits.isEmpty)
        #expect(FeatureBits(bytes: [0xff]).bits == Set(0..<8))
    }

    @Test func bytesRoundTrip() {
        for bits: Set<Int> in [[0], [1], [7, 8], [0, 9, 15, 16, 31], [255], [3, 64, 101, 200], Set(0..<24)] {
            let features = FeatureBits(bits)
            #expect(FeatureBits(bytes: features.bytes) == features, "bits \(bits.sorted())")
            #expect(features.bytes.count == bits.max()! / 8 + 1)
            #expect(features.bytes.first != 0, "no leading zero byte for \(bits.sorted())")
        }
    }

    @Test func supportsEitherBitOfAPair() {
        let features = FeatureBits([1, 8, 13])
        // Pair 0/1 through its odd bit, 8/9 through its even bit, 12/13 through its odd bit.
        for pair in [0, 1, 8, 9, 12, 13] { #expect(features.supports(pair), "pair of \(pair)") }
        for pair in [2, 3, 6, 7, 10, 11, 14, 15, 16] { #expect(!features.supports(pair), "pair of \(pair)") }
        #expect(FeatureBits.node.supports(14) && FeatureBits.node.supports(12))
        #expect(!FeatureBits().supports(0))
    }

    @Test func unknownRequiredListsOnlyEvenBitsOfPairsWeDoNotKnow() {
        let local = FeatureBits.node  // 1, 8, 12, 14, 17
        // 0: its pair is known through bit 1; 8, 12, 14 known; 16 through 17; 9 odd. 2, 18 and 200 are unknown and even.
        let remote = FeatureBits([0, 2, 8, 9, 12, 14, 16, 17, 18, 101, 200])
        #expect(local.unknownRequired(in: remote) == [2, 18, 200])
        // Odd bits are optional, never required, known or not.
        #expect(local.unknownRequired(in: FeatureBits([3, 5, 17, 99])) == [])
        #expect(local.unknownRequired(in: .node) == [])
        #expect(local.unknownRequired(in: FeatureBits()) == [])
        // Knowing only the odd bit of a pair still knows the pair.
        #expect(FeatureBits([9]).unknownRequired(in: FeatureBits([8])) == [])
        #expect(FeatureBits().unknownRequired(in: FeatureBits([8])) == [8])
    }
}
