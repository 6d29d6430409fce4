/// Every fuzz target by name: what `make fuzz` runs (one corpus directory each under
/// `Fuzz/Corpus/<name>/`) and what the replay suite of `make test` walks.
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        WireFuzzTargets.wireMessage,
        WireFuzzTargets.bigSize,
        WireFuzzTargets.tlvStream,
        TransportFuzzTargets.actOne,
        TransportFuzzTargets.actTwo,
        TransportFuzzTargets.actThree,
        TransportFuzzTargets.frames,
        OnionFuzzTargets.packet,
        OnionFuzzTargets.errorPacket,
        InvoiceFuzzTarget.invoice,
        GossipFuzzTarget.gossip,
        RPCFuzzTargets.jsonParser,
        RPCFuzzTargets.request,
        CommandLineFuzzTargets.amount,
        CommandLineFuzzTargets.address,
        GraphFuzzTargets.clnListChannels,
        GraphFuzzTargets.lndDescribeGraph,
        GraphFuzzTargets.gzip,
        GraphFuzzTargets.snapshot,
        ChannelRecordFuzzTarget.record,
        MoneyFuzzTarget.arithmetic,
        NetworkSimulationFuzzTarget.network,
    ]

    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
