import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Routes built here and peeled by every hop, then failed back to the sender.
@Suite struct OnionRoundTripTests {
    /// Peels `packet` along `keys`, returning each hop's result.
    func peelAll(_ packet: OnionRoutingPacket, keys: [PrivateKey]) throws -> [PeeledOnion] {
        var packet = packet
        var results: [PeeledOnion] = []
        for key in keys {
            let peeled = try Sphinx.peel(packet, nodeKey: key, associatedData: OnionTestSupport.paymentHash)
            results.append(peeled)
            if let next = peeled.nextPacket { packet = next }
        }
        return results
    }

    @Test func twentyHops() throws {
        let (keys, hops) = try OnionTestSupport.route(count: 20)
        let built = try Sphinx.build(sessionKey: try OnionTestSupport.key(99), hops: hops, associatedData: OnionTestSupport.paymentHash)
        let peeled = try peelAll(built.packet, keys: keys)
        #expect(peeled.map(\.sharedSecret) == built.sharedSecrets)
        for (index, result) in peeled.enumerated() {
            #expect(try result.payload.encoded() == hops[index].payload, "hop \(index)")
            #expect(result.isFinal == (index == 19))
        }
        guard case .forward(let seventh, _) = peeled[7].hop else { Issue.record("hop 7 forwards"); return }
        #expect(seventh == OnionTestSupport.forwardingPayload(7))
        // Every intermediate packet is a full, distinct 1366-byte onion.
        #expect(Set(peeled.compactMap(\.nextPacket)).count == 19)
    }

    @Test func everyRouteLengthRoundTrips() throws {
        for count in [1, 2, 3, 5, 8, 13, 19, 27] {
            let keys = try (0..<count).map(OnionTestSupport.key)
            // Small payloads so even 27 hops fit: zero amounts and expiries (no bytes at all)
            // at the forwarding hops, a one-byte amount at the final hop.
            let hops = keys.enumerated().map { index, key in
                OnionHop(nodeID: key.publicKey, payload: index == count - 1
                    ? [0x02, 0x01, UInt8(count), 0x04, 0x00]
                    : [0x02, 0x00, 0x04, 0x00, 0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, UInt8(index)])
            }
            let built = try Sphinx.build(sessionKey: try OnionTestSupport.key(50), hops: hops, associatedData: OnionTestSupport.paymentHash)
            let peeled = try peelAll(built.packet, keys: keys)
            #expect(peeled.map(\.isFinal) == (0..<count).map { $0 == count - 1 }, "\(count) hops")
            #expect(peeled.last?.payload.amountToForward == MilliSatoshi(UInt64(count)))
        }
    }

    @Test func singleHopPaymentAsTheDaemonSendsIt() throws {
        // The payer pays its direct peer an invoice: one hop, the final payload with
        // payment_data, the payment hash as associated data.
        let preimage = try Preimage(bytes: [UInt8](repeating: 0x01, count: 32))
        let paymentHash = preimage.hash.bytes
        let payee = try OnionTestSupport.key(3)
        let secret = try Bytes32([UInt8](repeating: 0x5e, count: 32))
        let payload = FinalHopPayload(
            amountToForward: MilliSatoshi(42_000), outgoingCLTVValue: 1018,
            paymentData: PaymentData(paymentSecret: secret, totalAmount: MilliSatoshi(42_000)))
        let built = try Sphinx.build(
            sessionKey: try OnionTestSupport.key(4), hops: [try OnionHop(nodeID: payee.publicKey, payload: .final(payload))],
            associatedData: paymentHash)
        #expect(built.hopSecrets.count == 1)

        // It travels inside update_add_htlc and is peeled by the payee.
        let add = UpdateAddHTLC(
            channelID: .zero, id: 0, amount: MilliSatoshi(42_000), paymentHash: try Hash32(paymentHash), cltvExpiry: 1018,
            onionRoutingPacket: built.packet)
        var reader = try Self.reader(for: add)
        let received = try UpdateAddHTLC(reading: &reader)
        let peeled = try Sphinx.peel(received.onionRoutingPacket, nodeKey: payee, associatedData: received.paymentHash.bytes)
        #expect(peeled.isFinal)
        #expect(peeled.nextPacket == nil)
        #expect(peeled.payload == .final(payload))
        #expect(peeled.sharedSecret == built.sharedSecrets[0])

        // The payee does not know the secret: it fails the HTLC back.
        let failure = OnionFailure.incorrectOrUnknownPaymentDetails(htlcAmount: received.amount, height: 1000)
        let reason = try OnionErrorPacket.create(sharedSecret: peeled.sharedSecret, message: OnionFailureMessage(failure))
        let fail = UpdateFailHTLC(channelID: .zero, id: 0, reason: reason)
        #expect(OnionErrorPacket.decrypt(fail.reason, route: built.hopSecrets)
            == .failure(hopIndex: 0, nodeID: payee.publicKey, message: OnionFailureMessage(failure)))
    }

    static func reader(for message: UpdateAddHTLC) throws -> WireReader {
        var writer = WireWriter()
        try message.write(to: &writer)
        return WireReader(writer.bytes)
    }

    @Test func forwardingFailureTravelsBack() throws {
        // Hop 2 of 5 cannot forward; hops 1 and 0 wrap the failure; the sender places it.
        let (keys, hops) = try OnionTestSupport.route(count: 5)
        let built = try Sphinx.build(sessionKey: try OnionTestSupport.key(77), hops: hops, associatedData: OnionTestSupport.paymentHash)
        let peeled = try peelAll(built.packet, keys: Array(keys.prefix(3)))
        let failure = OnionFailure.feeInsufficient(htlcAmount: MilliSatoshi(998_000), channelUpdate: [])
        var packet = try OnionErrorPacket.create(sharedSecret: peeled[2].sharedSecret, message: OnionFailureMessage(failure))
        for hop in peeled.prefix(2).reversed() {
            packet = OnionErrorPacket.obfuscate(packet, sharedSecret: hop.sharedSecret)
        }
        #expect(OnionErrorPacket.decrypt(packet, route: built.hopSecrets)
            == .failure(hopIndex: 2, nodeID: keys[2].publicKey, message: OnionFailureMessage(failure)))
    }

    @Test func badOnionBecomesAnAttributedFailure() throws {
        // Hop 1 gets a corrupted onion; it replies malformed; hop 0 turns that into a failure
        // under its own secret, which the sender attributes to hop 0.
        let (keys, hops) = try OnionTestSupport.route(count: 3)
        let built = try Sphinx.build(sessionKey: try OnionTestSupport.key(78), hops: hops, associatedData: OnionTestSupport.paymentHash)
        let first = try Sphinx.peel(built.packet, nodeKey: keys[0], associatedData: OnionTestSupport.paymentHash)
        var corrupted = try #require(first.nextPacket).bytes
        corrupted[500] ^= 0xff
        let corruptedPacket = try OnionRoutingPacket(corrupted)
        let badOnion: BadOnion
        do {
            _ = try Sphinx.peel(corruptedPacket, nodeKey: keys[1], associatedData: OnionTestSupport.paymentHash)
            Issue.record("the corrupted onion must not peel"); return
        } catch {
            guard case .badOnion(let reason) = error else { Issue.record("\(error)"); return }
            badOnion = reason
        }
        #expect(badOnion == .invalidHMAC(sha256OfOnion: corruptedPacket.sha256))
        let failure = OnionFailure(malformedCode: badOnion.failureCode, sha256OfOnion: badOnion.sha256OfOnion)
        let packet = try OnionErrorPacket.create(sharedSecret: first.sharedSecret, message: OnionFailureMessage(failure))
        #expect(OnionErrorPacket.decrypt(packet, route: built.hopSecrets)
            == .failure(hopIndex: 0, nodeID: keys[0].publicKey, message: OnionFailureMessage(.invalidOnionHMAC(sha256OfOnion: corruptedPacket.sha256))))
    }

    @Test func buildIsDeterministic() throws {
        let (_, hops) = try OnionTestSupport.route(count: 4)
        let a = try Sphinx.build(sessionKey: try OnionTestSupport.key(5), hops: hops, associatedData: OnionTestSupport.paymentHash)
        let b = try Sphinx.build(sessionKey: try OnionTestSupport.key(5), hops: hops, associatedData: OnionTestSupport.paymentHash)
        let c = try Sphinx.build(sessionKey: try OnionTestSupport.key(6), hops: hops, associatedData: OnionTestSupport.paymentHash)
        #expect(a == b)
        #expect(a.packet != c.packet)
    }
}
