import ChanCore
import ChanCrypto
import Testing

/// `PeerSession`: BOLT 1 after the handshake. `init` first and once, feature and chain
/// checks, `ping`/`pong`, and the routing of every other message to the channel it names.
@Suite struct PeerSessionTests {
    static let chain = SampleMessages.hash(100)
    static let otherChain = SampleMessages.hash(101)

    static func remoteInit(features: Set<Int> = FeatureBits.node.bits, networks: [Hash32]? = [chain]) -> WireMessage {
        .initMessage(InitMessage(features: FeatureBits(features).bytes, tlvs: InitMessage.TLVs(networks: networks)))
    }

    /// A session whose peer's `init` arrived.
    static func active() -> PeerSession {
        var session = PeerSession(chainHash: chain)
        let delivery = session.receive(remoteInit(), now: 0)
        #expect(delivery == .ready(remoteFeatures: .node))
        return session
    }

    /// The `error` a session sends before dropping the connection, and the reason it gives.
    static func expectDisconnect(_ delivery: PeerSession.Delivery, withError: Bool,
                                 sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard case .disconnect(let reason, let error) = delivery else {
            Issue.record("expected a disconnect, got \(delivery)", sourceLocation: sourceLocation)
            return nil
        }
        if withError {
            guard case .error(let message)? = error else {
                Issue.record("expected an error to send, got \(String(describing: error))", sourceLocation: sourceLocation)
                return reason
            }
            #expect(message.channelID.isZero, "the error concerns the connection, not a channel", sourceLocation: sourceLocation)
            #expect(String(decoding: message.data, as: UTF8.self) == reason, sourceLocation: sourceLocation)
        } else {
            #expect(error == nil, sourceLocation: sourceLocation)
        }
        return reason
    }

    // MARK: init

    @Test func ourInitCarriesOurFeaturesAndChain() throws {
        let session = PeerSession(chainHash: Self.chain)
        guard case .initMessage(let message) = session.initMessage else {
            Issue.record("not an init")
            return
        }
        #expect(message.features == [0x02, 0x51, 0x02])
        #expect(message.globalFeatures == [])
        #expect(message.tlvs.networks == [Self.chain])
        #expect(session.state == .awaitingInit && !session.isActive)
        // It goes through the wire codec unchanged.
        #expect(try WireMessage.decode(try session.initMessage.encode()) == session.initMessage)
    }

    @Test func theInitOfAPeerMakesTheSessionActive() {
        var session = PeerSession(chainHash: Self.chain)
        let delivery = session.receive(Self.remoteInit(features: [0, 9, 12, 15, 21]), now: 0)
        #expect(delivery == .ready(remoteFeatures: FeatureBits([0, 9, 12, 15, 21])))
        #expect(session.state == .active(remoteFeatures: FeatureBits([0, 9, 12, 15, 21])))
        #expect(session.isActive)
    }

    @Test func globalAndLocalFeaturesAreOneMap() {
        var session = PeerSession(chainHash: Self.chain)
        // Bit 1 in the legacy globalfeatures, bit 14 in features (two bytes): aligned at the last byte.
        let message = WireMessage.initMessage(InitMessage(globalFeatures: [0x02], features: [0x40, 0x00],
                                                          tlvs: .init(networks: [Self.chain])))
        #expect(session.receive(message, now: 0) == .ready(remoteFeatures: FeatureBits([1, 14])))
    }

    @Test func anythingBeforeInitDisconnects() {
        let first: [WireMessage] = SampleMessages.all.filter { if case .initMessage = $0 { false } else { true } }
        #expect(first.count == SampleMessages.all.count - 1)
        for message in first {
            var session = PeerSession(chainHash: Self.chain)
            let reason = Self.expectDisconnect(session.receive(message, now: 0), withError: false)
            #expect(reason?.contains(message.name) == true, "\(message.name): \(reason ?? "")")
            guard case .closed = session.state else {
                Issue.record("\(message.name) before init left the session \(session.state)")
                continue
            }
            // Nothing more is accepted, not even the init.
            #expect(session.receive(Self.remoteInit(), now: 0) == .ignore)
            #expect(!session.isActive)
        }
    }

    @Test func unknownRequiredFeaturesDisconnectWithAnError() {
        var session = PeerSession(chainHash: Self.chain)
        let reason = Self.expectDisconnect(session.receive(Self.remoteInit(features: [8, 12, 14, 20, 31]), now: 0), withError: true)
        #expect(reason?.contains("[20]") == true, "the unknown bit is named: \(reason ?? "")")
        #expect(session.state == .closed(reason: reason ?? ""))
        #expect(session.receive(.ping(Ping(numPongBytes: 4)), now: 0) == .ignore)
    }

    @Test func unknownOptionalFeaturesAreFine() {
        var session = PeerSession(chainHash: Self.chain)
        #expect(session.receive(Self.remoteInit(features: [1, 8, 12, 14, 21, 101]), now: 0) == .ready(remoteFeatures: FeatureBits([1, 8, 12, 14, 21, 101])))
    }

    @Test func aPeerOnAnotherChainIsDisconnectedWithAnError() {
        var session = PeerSession(chainHash: Self.chain)
        _ = Self.expectDisconnect(session.receive(Self.remoteInit(networks: [Self.otherChain]), now: 0), withError: true)
        #expect(!session.isActive)
        if case .closed = session.state {} else { Issue.record("not closed: \(session.state)") }
    }

    @Test func networksThatIncludeOursOrSayNothingAreAccepted() {
        for networks: [Hash32]? in [nil, [], [Self.chain], [Self.otherChain, Self.chain]] {
            var session = PeerSession(chainHash: Self.chain)
            #expect(session.receive(Self.remoteInit(networks: networks), now: 0) == .ready(remoteFeatures: .node),
                    "networks \(String(describing: networks))")
        }
    }

    @Test func aSecondInitDisconnects() {
        var session = Self.active()
        _ = Self.expectDisconnect(session.receive(Self.remoteInit(), now: 0), withError: false)
        #expect(!session.isActive)
        #expect(session.receive(.ping(Ping(numPongBytes: 1)), now: 0) == .ignore)
    }

    // MARK: ping and pong

    @Test func pingIsAnsweredWithAPongOfTheAskedSize() {
        var session = Self.active()
        for size: UInt16 in [0, 1, 8, 1000, 65531] {
            let delivery = session.receive(.ping(Ping(numPongBytes: size, ignored: [1, 2, 3])), now: 0)
            #expect(delivery == .reply(.pong(Pong(ignored: [UInt8](repeating: 0, count: Int(size))))), "size \(size)")
        }
        #expect(session.isActive)
    }

    @Test func aPeerPingingTooOftenIsDropped() {
        var session = Self.active()
        for _ in 0..<PeerSession.pingBurst {
            #expect(session.receive(.ping(Ping(numPongBytes: 65531)), now: 1000) != .ignore)
        }
        let reason = Self.expectDisconnect(session.receive(.ping(Ping(numPongBytes: 65531)), now: 1000), withError: false)
        #expect(reason == "pinging too often")

        // The allowance comes back with time: one ping per refill period.
        var patient = Self.active()
        for _ in 0..<PeerSession.pingBurst { _ = patient.receive(.ping(Ping(numPongBytes: 8)), now: 1000) }
        for step in UInt64(1)...30 {
            let delivery = patient.receive(.ping(Ping(numPongBytes: 8)), now: 1000 + step * PeerSession.pingRefillSeconds)
            #expect(delivery == .reply(.pong(Pong(ignored: [UInt8](repeating: 0, count: 8)))), "step \(step)")
        }
    }

    @Test func noPongAtOrAboveTheThreshold() {
        var session = Self.active()
        #expect(Ping.noPongThreshold == 65532)
        for size: UInt16 in [65532, 65533, 65535] {
            #expect(session.receive(.ping(Ping(numPongBytes: size)), now: 0) == .ignore, "size \(size)")
        }
        #expect(session.isActive)
    }

    @Test func ourPingWaitsForItsPong() {
        var session = Self.active()
        #expect(session.ping(pongLength: 10) == .ping(Ping(numPongBytes: 10)))
        #expect(session.awaitedPongLength == 10)
        // One ping at a time.
        #expect(session.ping() == nil)
        #expect(session.receive(.pong(Pong(ignored: [UInt8](repeating: 0, count: 10))), now: 0) == .ignore)
        #expect(session.awaitedPongLength == nil && session.isActive)
        // Answered: the next keepalive may go (default size 8).
        #expect(session.ping() == .ping(Ping(numPongBytes: 8)))
        #expect(session.awaitedPongLength == 8)
    }

    @Test func aPongOfTheWrongSizeDisconnects() {
        for wrong in [0, 9, 11, 300] {
            var session = Self.active()
            _ = session.ping(pongLength: 10)
            let reason = Self.expectDisconnect(session.receive(.pong(Pong(ignored: [UInt8](repeating: 0, count: wrong))), now: 0), withError: false)
            #expect(reason?.contains("\(wrong) bytes") == true, "\(reason ?? "")")
            #expect(!session.isActive)
        }
    }

    @Test func anUnaskedPongIsIgnored() {
        var session = Self.active()
        #expect(session.receive(.pong(Pong(ignored: [0, 0, 0])), now: 0) == .ignore)
        #expect(session.isActive)
    }

    @Test func noPingBeforeTheSessionIsActiveOrAfterItCloses() {
        var session = PeerSession(chainHash: Self.chain)
        #expect(session.ping() == nil)
        #expect(session.awaitedPongLength == nil)
        var closed = Self.active()
        _ = closed.receive(Self.remoteInit(), now: 0)
        #expect(closed.ping() == nil)
    }

    // MARK: Routing

    /// Each channel message with its own channel id (seed `seed`), and the id it must be routed by.
    static func channelMessages() -> [(message: WireMessage, id: ChannelID)] {
        var routed: [(WireMessage, ChannelID)] = []
        for (index, message) in SampleMessages.all.enumerated() {
            let id = SampleMessages.channelID(200 + index)
            switch message {
            case .acceptChannel(var body): body.temporaryChannelID = id; routed.append((.acceptChannel(body), id))
            case .fundingCreated(var body): body.temporaryChannelID = id; routed.append((.fundingCreated(body), id))
            case .fundingSigned(var body): body.channelID = id; routed.append((.fundingSigned(body), id))
            case .channelReady(var body): body.channelID = id; routed.append((.channelReady(body), id))
            case .shutdown(var body): body.channelID = id; routed.append((.shutdown(body), id))
            case .closingSigned(var body): body.channelID = id; routed.append((.closingSigned(body), id))
            case .updateAddHTLC(var body): body.channelID = id; routed.append((.updateAddHTLC(body), id))
            case .updateFulfillHTLC(var body): body.channelID = id; routed.append((.updateFulfillHTLC(body), id))
            case .updateFailHTLC(var body): body.channelID = id; routed.append((.updateFailHTLC(body), id))
            case .commitmentSigned(var body): body.channelID = id; routed.append((.commitmentSigned(body), id))
            case .revokeAndAck(var body): body.channelID = id; routed.append((.revokeAndAck(body), id))
            case .updateFee(var body): body.channelID = id; routed.append((.updateFee(body), id))
            case .updateFailMalformedHTLC(var body): body.channelID = id; routed.append((.updateFailMalformedHTLC(body), id))
            case .channelReestablish(var body): body.channelID = id; routed.append((.channelReestablish(body), id))
            case .announcementSignatures(var body): body.channelID = id; routed.append((.announcementSignatures(body), id))
            case .initMessage, .error, .warning, .ping, .pong, .openChannel, .unknown, .channelAnnouncement,
                 .nodeAnnouncement, .channelUpdate, .gossipTimestampFilter:
                break
            }
        }
        return routed
    }

    @Test func everyChannelMessageGoesToTheChannelItNames() {
        let routed = Self.channelMessages()
        #expect(routed.count == 15)
        var session = Self.active()
        for (message, id) in routed {
            #expect(session.receive(message, now: 0) == .channel(id, message), "\(message.name)")
        }
        #expect(session.isActive)
    }

    @Test func gossipGoesToTheGossipLayer() {
        var session = Self.active()
        let expected: [(WireMessage, GossipMessage)] = [
            (.channelAnnouncement(SampleMessages.channelAnnouncement), .channelAnnouncement(SampleMessages.channelAnnouncement)),
            (.nodeAnnouncement(SampleMessages.nodeAnnouncement), .nodeAnnouncement(SampleMessages.nodeAnnouncement)),
            (.channelUpdate(SampleMessages.channelUpdate), .channelUpdate(SampleMessages.channelUpdate)),
        ]
        for (message, gossip) in expected {
            #expect(session.receive(message, now: 0) == .gossip(gossip), "\(message.name)")
            #expect(gossip.wireMessage == message)
        }
        let filter = GossipTimestampFilter.everything(chainHash: Self.chain)
        #expect(session.receive(.gossipTimestampFilter(filter), now: 0) == .gossip(.gossipTimestampFilter(filter)))
        #expect(session.isActive)
        // Before init, gossip is refused like any other message.
        var fresh = PeerSession(chainHash: Self.chain)
        guard case .disconnect = fresh.receive(.channelUpdate(SampleMessages.channelUpdate), now: 0) else {
            Issue.record("gossip before init must close the connection")
            return
        }
    }

    @Test func openingMessagesGoByTheirTemporaryID() {
        var session = Self.active()
        var accept = SampleMessages.acceptChannel
        accept.temporaryChannelID = SampleMessages.channelID(300)
        #expect(session.receive(.acceptChannel(accept), now: 0) == .channel(SampleMessages.channelID(300), .acceptChannel(accept)))
        let created = FundingCreated(temporaryChannelID: SampleMessages.channelID(301), fundingTxid: SampleMessages.hash(302),
                                     fundingOutputIndex: 1, signature: SampleMessages.signature(303))
        #expect(session.receive(.fundingCreated(created), now: 0) == .channel(SampleMessages.channelID(301), .fundingCreated(created)))
    }

    @Test func openChannelIsAProposal() {
        var session = Self.active()
        #expect(session.receive(.openChannel(SampleMessages.openChannel), now: 0) == .openChannel(SampleMessages.openChannel))
    }

    @Test func errorsFailTheirChannelOrAllOfThem() {
        var session = Self.active()
        let all = ErrorMessage(channelID: .zero, text: "everything is broken")
        #expect(session.receive(.error(all), now: 0) == .failAllChannels(all))
        let one = ErrorMessage(channelID: SampleMessages.channelID(7), text: "this channel is broken")
        #expect(session.receive(.error(one), now: 0) == .channel(SampleMessages.channelID(7), .error(one)))
        let warning = WarningMessage(channelID: SampleMessages.channelID(8), data: Array("careful".utf8))
        #expect(session.receive(.warning(warning), now: 0) == .warning(warning))
        let allWarning = WarningMessage(channelID: .zero, data: [])
        #expect(session.receive(.warning(allWarning), now: 0) == .warning(allWarning))
        // None of these ends the session.
        #expect(session.isActive)
    }

    @Test func unknownOddMessagesAreIgnored() {
        var session = Self.active()
        #expect(session.receive(.unknown(type: 32_769, payload: [1, 2, 3]), now: 0) == .ignore)
        #expect(session.isActive)
    }

    // MARK: Unknown channels

    @Test func anUnknownChannelIsAnsweredWithAnError() {
        let id = SampleMessages.channelID(9)
        for (message, _) in Self.channelMessages() {
            #expect(PeerSession.unknownChannel(id, message: message) == .error(ErrorMessage(channelID: id, data: Array("unknown channel".utf8))),
                    "\(message.name)")
        }
    }

    @Test func neverAnErrorAnswersAnErrorOrAWarning() {
        let id = SampleMessages.channelID(9)
        #expect(PeerSession.unknownChannel(id, message: .error(ErrorMessage(channelID: id, text: "no"))) == nil)
        #expect(PeerSession.unknownChannel(id, message: .warning(WarningMessage(channelID: id, data: []))) == nil)
    }
}
