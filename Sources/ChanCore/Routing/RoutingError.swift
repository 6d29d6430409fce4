import ChanCrypto

/// Why the pathfinder returned no route.
public enum RoutingError: CodedError, Equatable {
    case zeroAmount
    case nodeOutOfRange
    case samePayerAndPayee(NodeID)
    case noRoute(NoRouteExplanation)

    public var code: String {
        switch self {
        case .zeroAmount: "invalid_amount"
        case .nodeOutOfRange: "unknown_node"
        case .samePayerAndPayee: "same_payer_and_payee"
        case .noRoute: "no_route"
        }
    }

    public var message: String {
        switch self {
        case .zeroAmount: "the amount to pay must be more than zero"
        case .nodeOutOfRange: "the payer or payee is not a node of this graph"
        case .samePayerAndPayee(let node): "the payer and the payee are the same node \(node.hex)"
        case .noRoute(let explanation): explanation.message
        }
    }
}
