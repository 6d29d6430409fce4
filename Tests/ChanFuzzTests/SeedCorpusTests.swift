import ChanAPI
import ChanCore
import ChanCrypto
@testable import ChanFuzz
import ChanLedger
import Foundation
import Testing

/// The seeds reach past each decoder's first checks: real encodings that decode, so the
/// properties behind them (re-encoding, attribution, read-back) run on every replay and the
/// fuzzer starts from deep inputs rather than noise.
@Suite struct SeedCorpusTests {
    static func seeds(_ target: String) throws -> [[UInt8]] {
        try CorpusReplayTests.files("Corpus", target).map { try [UInt8](Data(contentsOf: $0)) }
    }

    @Test func wireSeedsAreMessagesOfManyTypes() throws {
        let types = Set(try Self.seeds("wire_message").compactMap { try? WireMessage.decode($0).messageType })
        #expect(types.count >= 25)
    }

    @Test func invoiceSeedsDecode() throws {
        let decoded = try Self.seeds("invoice").filter { $0.first == 0 }.compactMap {
            try? Invoice.decode(String(decoding: $0.dropFirst(), as: UTF8.self))
        }
        #expect(decoded.count >= 5)
    }

    @Test func recordSeedsAreChannelsOfTheTargetsKeys() throws {
        for seed in try Self.seeds("channel_record") where seed.first == 0 {
            #expect(throws: Never.self) { try ChannelRecord.decode(Array(seed.dropFirst()), nodeKeys: ChannelRecordFuzzTarget.nodeKeys) }
        }
    }

    @Test func snapshotSeedsDecode() throws {
        for seed in try Self.seeds("graph_snapshot") where seed.first == 0 {
            #expect(throws: Never.self) { try GraphSnapshotCodec.decode(Array(seed.dropFirst())) }
        }
    }

    @Test func onionSeedsPeel() throws {
        let peeled = try Self.seeds("onion_packet").filter { $0.first == 1 }.compactMap {
            try? Sphinx.peel(OnionFuzzTargets.authenticPacket(decryptingTo: OnionFuzzTargets.fitted(Array($0.dropFirst()), to: 1300)),
                             nodeKey: OnionFuzzTargets.nodeKey, associatedData: OnionFuzzTargets.associatedData)
        }
        #expect(peeled.contains { $0.isFinal } && peeled.contains { !$0.isFinal })
    }

    @Test func gossipSeedsBuildAGraph() throws {
        let script = try #require(try Self.seeds("gossip").max { $0.count < $1.count })
        var input = FuzzInput(script)
        var graph: NetworkGraph?
        while !input.isAtEnd {
            switch try WireMessage.decode(input.bytes(Int(input.u16()))) {
            case .channelAnnouncement(let announcement):
                if graph == nil { graph = NetworkGraph(chainHash: announcement.chainHash) }
                #expect(graph!.apply(announcement, fundingOutput: GossipFuzzTarget.fundingOutput(announcement)) == .accepted)
            case .channelUpdate(let update): #expect(graph?.apply(update) == .accepted)
            case .nodeAnnouncement(let announcement): #expect(graph?.apply(announcement) == .accepted)
            default: Issue.record("not gossip")
            }
        }
        #expect(graph?.channels.count == 2)
    }

    @Test func handshakeSeedsAreTheAuthenticActs() throws {
        var responder = TransportFuzzTargets.handshake.responder
        #expect(try Self.seeds("handshake_act1").contains { (try? responder.receiveActOne($0)) != nil })
        var initiator = TransportFuzzTargets.handshake.initiator
        #expect(try Self.seeds("handshake_act2").contains { (try? initiator.receiveActTwo($0)) != nil })
        var midway = TransportFuzzTargets.handshake.responderAfterActOne
        #expect(try Self.seeds("handshake_act3").contains { (try? midway.receiveActThree($0)) != nil })
    }

    @Test func requestSeedsDecodeTheirParams() throws {
        var decoded = 0
        for seed in try Self.seeds("rpc_request") {
            let line = Data(seed)
            let header = try RPCJSON.decoder().decode(RPCRequestHeader.self, from: line)
            let params: [Bool] = [
                (try? RPCJSON.decoder().decode(RPCRequestParams<OpenParams>.self, from: line)) != nil,
                (try? RPCJSON.decoder().decode(RPCRequestParams<PayParams>.self, from: line)) != nil,
                (try? RPCJSON.decoder().decode(RPCRequestParams<RouteParams>.self, from: line)) != nil,
                (try? RPCJSON.decoder().decode(RPCRequestParams<WaitParams>.self, from: line)) != nil,
                (try? RPCJSON.decoder().decode(RPCRequestParams<FeesSetParams>.self, from: line)) != nil,
            ]
            if params.contains(true) { decoded += 1 }
            #expect(!header.method.isEmpty)
        }
        #expect(decoded >= 5)
    }

    /// The amount target compares the parser with a reference of its own: the reference must
    /// be right on known values, overflow and bad text included.
    @Test func amountReferenceAgreesOnKnownValues() {
        #expect(CommandLineFuzzTargets.referenceParse("1.5sat") == .value(1500))
        #expect(CommandLineFuzzTargets.referenceParse(" 2BTC\n") == .value(200_000_000_000))
        #expect(CommandLineFuzzTargets.referenceParse("18446744073709551615msat") == .value(UInt128(UInt64.max)))
        #expect(CommandLineFuzzTargets.referenceParse("18446744073709551616msat") == .overflow)
        #expect(CommandLineFuzzTargets.referenceParse("1.2345") == .invalid)
        #expect(CommandLineFuzzTargets.referenceParse("1.") == .invalid)
    }
}
