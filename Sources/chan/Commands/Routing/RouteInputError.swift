import ChanCore
import ChanCrypto
import ChanLedger

/// Bad arguments to the offline routing commands. All but `unknownNode` (a well-formed id
/// that the graph does not hold) are mistakes in the command line: exit 64.
enum RouteInputError: ArgumentMistake {
    case invalidPubkey(option: String, text: String)
    case unknownNode(option: String, NodeID)
    case missingPayer
    case zeroAmount(option: String)

    var code: String {
        switch self {
        case .invalidPubkey: "invalid_pubkey"
        case .unknownNode: "unknown_node"
        case .missingPayer: "missing_payer"
        case .zeroAmount: "invalid_amount"
        }
    }

    var isAboutArguments: Bool {
        if case .unknownNode = self { false } else { true }
    }

    var message: String {
        switch self {
        case .invalidPubkey(let option, let text):
            "\(option) '\(text)' is not a node id (66 hex digits of a compressed public key, starting 02 or 03)"
        case .unknownNode(let option, let id):
            "\(option) \(id.hex) is not a node of this graph"
        case .missingPayer:
            "--from is required: this graph marks no default payer (\"source\": true)"
        case .zeroAmount(let option):
            "\(option) must be more than zero"
        }
    }
}

/// Parsing helpers shared by `route` and `bench pathfind`.
enum RouteArguments {
    static func nodeID(_ text: String, option: String) throws(RouteInputError) -> NodeID {
        guard let id = NodeID(hex: text) else { throw .invalidPubkey(option: option, text: text) }
        return id
    }

    static func node(_ id: NodeID, in graph: ChannelGraph, option: String) throws(RouteInputError) -> NodeIndex {
        guard let index = graph.node(id) else { throw .unknownNode(option: option, id) }
        return index
    }

    /// A positive amount: a bare integer is satoshis; `sat`, `msat` and `btc` suffixes say the unit.
    static func positiveAmount(_ text: String, option: String) throws -> MilliSatoshi {
        let amount = try MilliSatoshi.parse(text)
        guard amount > .zero else { throw RouteInputError.zeroAmount(option: option) }
        return amount
    }
}
