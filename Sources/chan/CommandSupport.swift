import ChanLedger
import ChanStore

/// What the ledger and wallet commands share: opening the stores of the chosen home and node.
extension GlobalOptions {
    /// The ledger of the home; `home_not_found` or `ledger_not_found` otherwise.
    func openLedger() throws -> LedgerDatabase { try LedgerDatabase.open(home: resolvedHome) }

    /// The node named by `-n` / `CHAN_NODE`; `home_not_found` or `node_not_found` otherwise.
    func openNode() throws -> LocalNode { try LocalNode.open(home: resolvedHome, name: try requireNode()) }
}

/// An optional that encodes as JSON `null` when absent (synthesized `Encodable` leaves the key
/// out), so every object has the same fields every time.
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
