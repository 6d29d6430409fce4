/// A binary min-heap of (cost, node) for Dijkstra, reused across queries. Improved labels
/// are pushed again rather than decreased in place; stale entries are skipped when popped.
/// Ties pop the lower node index first so results never depend on insertion order.
struct SearchHeap {
    struct Entry {
        var cost: Double
        var node: Int32
    }

    private var entries: [Entry] = []

    init(capacity: Int) { entries.reserveCapacity(capacity) }

    var isEmpty: Bool { entries.isEmpty }

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    @inline(__always)
    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.cost < b.cost || (a.cost == b.cost && a.node < b.node)
    }

    mutating func push(_ cost: Double, _ node: Int32) {
        entries.append(Entry(cost: cost, node: node))
        entries.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            let item = heap[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.less(item, heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = item
        }
    }

    mutating func popMin() -> Entry? {
        guard let last = entries.popLast() else { return nil }
        guard !entries.isEmpty else { return last }
        return entries.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            let count = heap.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                guard child < count else { break }
                if child + 1 < count, Self.less(heap[child + 1], heap[child]) { child += 1 }
                guard Self.less(heap[child], last) else { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = last
            return top
        }
    }
}
