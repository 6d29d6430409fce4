/// The binary form of an output condition on its own (the same bytes a transaction carries),
/// so stores can index outputs by who may spend them.
extension OutputCondition {
    public var serialized: [UInt8] {
        var encoder = LedgerEncoder()
        encoder.condition(self)
        return encoder.output
    }

    public init(serialized bytes: [UInt8]) throws(LedgerError) {
        var decoder = LedgerDecoder(bytes)
        let condition: OutputCondition
        do {
            condition = try decoder.condition()
        } catch {
            throw .malformedCondition(error.message)
        }
        guard decoder.isAtEnd else { throw .malformedCondition("trailing bytes") }
        self = condition
    }
}

extension Transaction.Kind {
    /// Short lower-case name used in JSON.
    public var name: String {
        switch self {
        case .regular: "regular"
        case .mint: "mint"
        case .coinbase: "coinbase"
        }
    }
}
