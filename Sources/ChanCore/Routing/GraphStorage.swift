/// The arrays behind a `ChannelGraph`, allocated once when the graph is built and never
/// written again. They are raw buffers rather than Swift arrays so that the pathfinder's inner
/// loop reads them without bounds checks or reference counting; being immutable, the storage
/// is safe to share between threads.
final class GraphStorage: @unchecked Sendable {
    // Nodes, sorted by NodeID.
    let nodeIDs: UnsafeMutableBufferPointer<NodeID>
    let aliases: [String]
    /// CSR offsets: the incoming edges of node n are `incomingStart[n] ..< incomingStart[n + 1]`.
    let incomingStart: UnsafeMutableBufferPointer<Int32>
    /// Where each node's enabled incoming edges end; its disabled ones follow up to the next
    /// node's start.
    let incomingEnabledEnd: UnsafeMutableBufferPointer<Int32>

    // Channels, sorted by short channel id.
    let channelScid: UnsafeMutableBufferPointer<UInt64>
    let channelCapacitySat: UnsafeMutableBufferPointer<UInt64>
    let channelNode1: UnsafeMutableBufferPointer<Int32>
    let channelNode2: UnsafeMutableBufferPointer<Int32>
    /// Edge of each direction (`2 * channel + direction`), or -1 when that end has no policy.
    let channelEdge: UnsafeMutableBufferPointer<Int32>

    // Edges (directions with a policy), sorted by target node, enabled first, then short
    // channel id:
    // struct-of-arrays so the search streams only the fields it tests.
    let edgeSource: UnsafeMutableBufferPointer<Int32>
    let edgeTarget: UnsafeMutableBufferPointer<Int32>
    let edgeChannel: UnsafeMutableBufferPointer<Int32>
    let edgeDirection: UnsafeMutableBufferPointer<UInt8>
    let edgeDisabled: UnsafeMutableBufferPointer<Bool>
    let edgeFeeBaseMsat: UnsafeMutableBufferPointer<UInt32>
    let edgeFeeProportional: UnsafeMutableBufferPointer<UInt32>
    let edgeCltvDelta: UnsafeMutableBufferPointer<UInt16>
    let edgeHtlcMinimumMsat: UnsafeMutableBufferPointer<UInt64>
    let edgeHtlcMaximumMsat: UnsafeMutableBufferPointer<UInt64>
    /// The channel's capacity in msat, repeated per edge to keep the inner loop's reads local.
    let edgeCapacityMsat: UnsafeMutableBufferPointer<UInt64>

    let defaultPayer: Int32
    let format: GraphFormat
    let skippedEntries: Int

    struct Columns {
        var nodeIDs: [NodeID] = []
        var aliases: [String] = []
        var incomingStart: [Int32] = []
        var incomingEnabledEnd: [Int32] = []
        var channelScid: [UInt64] = []
        var channelCapacitySat: [UInt64] = []
        var channelNode1: [Int32] = []
        var channelNode2: [Int32] = []
        var channelEdge: [Int32] = []
        var edgeSource: [Int32] = []
        var edgeTarget: [Int32] = []
        var edgeChannel: [Int32] = []
        var edgeDirection: [UInt8] = []
        var edgeDisabled: [Bool] = []
        var edgeFeeBaseMsat: [UInt32] = []
        var edgeFeeProportional: [UInt32] = []
        var edgeCltvDelta: [UInt16] = []
        var edgeHtlcMinimumMsat: [UInt64] = []
        var edgeHtlcMaximumMsat: [UInt64] = []
        var edgeCapacityMsat: [UInt64] = []
        var defaultPayer: Int32 = -1
        var format: GraphFormat = .built
        var skippedEntries = 0
    }

    init(_ columns: Columns) {
        nodeIDs = Self.freeze(columns.nodeIDs)
        aliases = columns.aliases
        incomingStart = Self.freeze(columns.incomingStart)
        incomingEnabledEnd = Self.freeze(columns.incomingEnabledEnd)
        channelScid = Self.freeze(columns.channelScid)
        channelCapacitySat = Self.freeze(columns.channelCapacitySat)
        channelNode1 = Self.freeze(columns.channelNode1)
        channelNode2 = Self.freeze(columns.channelNode2)
        channelEdge = Self.freeze(columns.channelEdge)
        edgeSource = Self.freeze(columns.edgeSource)
        edgeTarget = Self.freeze(columns.edgeTarget)
        edgeChannel = Self.freeze(columns.edgeChannel)
        edgeDirection = Self.freeze(columns.edgeDirection)
        edgeDisabled = Self.freeze(columns.edgeDisabled)
        edgeFeeBaseMsat = Self.freeze(columns.edgeFeeBaseMsat)
        edgeFeeProportional = Self.freeze(columns.edgeFeeProportional)
        edgeCltvDelta = Self.freeze(columns.edgeCltvDelta)
        edgeHtlcMinimumMsat = Self.freeze(columns.edgeHtlcMinimumMsat)
        edgeHtlcMaximumMsat = Self.freeze(columns.edgeHtlcMaximumMsat)
        edgeCapacityMsat = Self.freeze(columns.edgeCapacityMsat)
        defaultPayer = columns.defaultPayer
        format = columns.format
        skippedEntries = columns.skippedEntries
    }

    deinit {
        nodeIDs.deallocate()
        incomingStart.deallocate()
        incomingEnabledEnd.deallocate()
        channelScid.deallocate()
        channelCapacitySat.deallocate()
        channelNode1.deallocate()
        channelNode2.deallocate()
        channelEdge.deallocate()
        edgeSource.deallocate()
        edgeTarget.deallocate()
        edgeChannel.deallocate()
        edgeDirection.deallocate()
        edgeDisabled.deallocate()
        edgeFeeBaseMsat.deallocate()
        edgeFeeProportional.deallocate()
        edgeCltvDelta.deallocate()
        edgeHtlcMinimumMsat.deallocate()
        edgeHtlcMaximumMsat.deallocate()
        edgeCapacityMsat.deallocate()
    }

    /// Copies plain values (integers, Bool, NodeID) into a buffer the storage owns.
    private static func freeze<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
    }
}
