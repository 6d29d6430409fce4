/// Per-query knowledge about a few edges, on top of the graph's policies: liquidity bounds
/// learned by mission control, amounts the payment already has in flight, amounts already
/// planned for other parts of the same payment, and edges excluded (to find alternatives). The search consults it only when it is not
/// empty, through a dense edge -> entry table so each lookup is one array read.
final class EdgeOverlay {
    struct Entry {
        var edge: Int32
        /// In flight already (the query's `inFlight`): part of `usedMsat`, kept by `clearUsage`.
        var reservedMsat: UInt64 = 0
        /// Reserved plus planned for earlier parts of this query.
        var usedMsat: UInt64 = 0
        var lowerMsat: UInt64 = 0
        var upperMsat: UInt64 = .max
        var excluded = false
    }

    private let slotOfEdge: UnsafeMutableBufferPointer<Int32>
    private(set) var entries: [Entry] = []

    init(edgeCount: Int) {
        slotOfEdge = .allocate(capacity: max(edgeCount, 1))
        slotOfEdge.initialize(repeating: -1)
    }

    deinit { slotOfEdge.deallocate() }

    var isEmpty: Bool { entries.isEmpty }

    @inline(__always)
    func slot(_ edge: Int) -> Int { Int(slotOfEdge[edge]) }

    @inline(__always)
    func entry(_ slot: Int) -> Entry { entries[slot] }

    private func slotCreating(_ edge: Int32) -> Int {
        let existing = slotOfEdge[Int(edge)]
        if existing >= 0 { return Int(existing) }
        slotOfEdge[Int(edge)] = Int32(entries.count)
        entries.append(Entry(edge: edge))
        return entries.count - 1
    }

    func setBounds(_ edge: Int32, lowerMsat: UInt64, upperMsat: UInt64) {
        let slot = slotCreating(edge)
        entries[slot].lowerMsat = lowerMsat
        entries[slot].upperMsat = upperMsat
    }

    func addUsage(_ edge: Int32, _ amountMsat: UInt64) {
        let slot = slotCreating(edge)
        entries[slot].usedMsat &+= amountMsat
    }

    /// Counts an amount already in flight on the edge, for every part of the query.
    func reserve(_ edge: Int32, _ amountMsat: UInt64) {
        let slot = slotCreating(edge)
        entries[slot].reservedMsat &+= amountMsat
        entries[slot].usedMsat &+= amountMsat
    }

    func setExcluded(_ edge: Int32, _ excluded: Bool) {
        let slot = slotCreating(edge)
        entries[slot].excluded = excluded
    }

    func usage(_ edge: Int32) -> UInt64 {
        let slot = slotOfEdge[Int(edge)]
        return slot >= 0 ? entries[Int(slot)].usedMsat : 0
    }

    /// Forgets the amounts planned for parts, keeping what is in flight, learned bounds and
    /// exclusions.
    func clearUsage() {
        for index in entries.indices { entries[index].usedMsat = entries[index].reservedMsat }
    }

    func removeAll() {
        for entry in entries { slotOfEdge[Int(entry.edge)] = -1 }
        entries.removeAll(keepingCapacity: true)
    }
}
