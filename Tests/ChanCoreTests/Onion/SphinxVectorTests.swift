import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// BOLT 4 `onion-test.json`: building the onion byte for byte, then peeling it hop by hop
/// with the hops' private keys.
@Suite struct SphinxVectorTests {
    let vector = Bolt04Vectors.shared.onionTest

    var hops: [OnionHop] {
        zip(vector.hopPubkeys, vector.payloads).map { OnionHop(nodeID: $0, payload: $1) }
    }

    @Test func buildsTheVectorOnion() throws {
        let built = try Sphinx.build(sessionKey: vector.sessionKey, hops: hops, associatedData: vector.associatedData)
        #expect(built.packet.bytes == vector.onion)
        #expect(built.packet.bytes.count == 1366)
        // The same route and session key as the error trace, whose shared secrets it lists.
        #expect(built.sharedSecrets == Bolt04Vectors.shared.returningErrors.sharedSecrets)
        #expect(built.hopSecrets.map(\.nodeID) == vector.hopPubkeys)
    }

    @Test func privateKeysMatchTheHops() {
        #expect(vector.hopPrivateKeys.map(\.publicKey) == vector.hopPubkeys)
    }

    @Test func peelsEveryHop() throws {
        let built = try Sphinx.build(sessionKey: vector.sessionKey, hops: hops, associatedData: vector.associatedData)
        var packet = try OnionRoutingPacket(vector.onion)
        var ephemeralKey = vector.sessionKey
        for (index, nodeKey) in vector.hopPrivateKeys.enumerated() {
            // Each packet carries the ephemeral key the sender derived for this hop.
            #expect(Array(packet.bytes[1..<34]) == ephemeralKey.publicKey.compressed, "hop \(index)")
            let peeled = try Sphinx.peel(packet, nodeKey: nodeKey, associatedData: vector.associatedData)
            #expect(peeled.sharedSecret == built.sharedSecrets[index])
            #expect(try peeled.payload.encoded() == vector.payloads[index], "hop \(index)")
            #expect(peeled.isFinal == (index == vector.hopPrivateKeys.count - 1))
            if let next = peeled.nextPacket {
                packet = next
                ephemeralKey = try ephemeralKey.multipliedByTweak(
                    SHA256.hash(ephemeralKey.publicKey.compressed + peeled.sharedSecret.bytes))
            }
        }
    }

    @Test func peelsToTheVectorPayloadFields() throws {
        var packet = try OnionRoutingPacket(vector.onion)
        var peeled: [PeeledOnion] = []
        for nodeKey in vector.hopPrivateKeys {
            let hop = try Sphinx.peel(packet, nodeKey: nodeKey, associatedData: vector.associatedData)
            peeled.append(hop)
            if let next = hop.nextPacket { packet = next }
        }
        guard case .forward(let first, _) = peeled[0].hop else { Issue.record("hop 0 forwards"); return }
        #expect(first.amountToForward == MilliSatoshi(15000))
        #expect(first.outgoingCLTVValue == 1500)
        #expect(first.shortChannelID == ShortChannelID(rawValue: 1))
        guard case .forward(let second, _) = peeled[1].hop else { Issue.record("hop 1 forwards"); return }
        // An unknown odd record (type 513) is kept, not rejected.
        #expect(second.unknownRecords.map(\.type) == [513])
        #expect(second.unknownRecords.first?.value.count == 60)
        guard case .final(let last) = peeled[4].hop else { Issue.record("hop 4 is final"); return }
        #expect(last.amountToForward == MilliSatoshi(10000))
        #expect(last.outgoingCLTVValue == 1000)
        #expect(last.paymentData?.paymentSecret.hex == "24a33562c54507a9334e79f0dc4f17d407e6d7c61f0e2f3d0d38599502f61704")
        #expect(last.paymentData?.totalAmount == MilliSatoshi(10000))
        #expect(last.unknownRecords.map(\.type) == [301])
    }

    @Test func wrongAssociatedDataFailsTheHMAC() throws {
        let packet = try OnionRoutingPacket(vector.onion)
        #expect(throws: OnionPeelError.badOnion(.invalidHMAC(sha256OfOnion: packet.sha256))) {
            try Sphinx.peel(packet, nodeKey: vector.hopPrivateKeys[0], associatedData: [UInt8](repeating: 0x43, count: 32))
        }
    }

    @Test func anotherNodesKeyFailsTheHMAC() throws {
        let packet = try OnionRoutingPacket(vector.onion)
        #expect(throws: OnionPeelError.badOnion(.invalidHMAC(sha256OfOnion: packet.sha256))) {
            try Sphinx.peel(packet, nodeKey: vector.hopPrivateKeys[1], associatedData: vector.associatedData)
        }
    }
}
