import ChanCore
import ChanLedger

/// Node `n` of a hand-built graph: `02` followed by 32 bytes of `n`, so ids sort like `n`.
func node(_ n: UInt8) -> NodeID {
    NodeID(bytes: [2] + [UInt8](repeating: n, count: 32))!
}

func scid(_ text: String) -> ShortChannelID { try! ShortChannelID(text: text) }

func policy(
    base: UInt64 = 0, ppm: UInt32 = 0, delta: UInt16 = 40,
    min: UInt64 = 0, max: UInt64 = .max, disabled: Bool = false
) -> ChannelPolicy {
    ChannelPolicy(
        feeBase: MilliSatoshi(base), feeProportionalMillionths: ppm, cltvExpiryDelta: delta,
        htlcMinimum: MilliSatoshi(min), htlcMaximum: MilliSatoshi(max), disabled: disabled)
}

/// A small graph written channel by channel.
struct TestGraph {
    private var builder = ChannelGraphBuilder()

    /// A channel between `a` and `b`; `forward` is `a`'s policy (paying towards `b`),
    /// `backward` is `b`'s. Nil leaves that side without a policy.
    mutating func channel(
        _ id: String, _ a: UInt8, _ b: UInt8, capacitySat: UInt64 = 1_000_000,
        forward: ChannelPolicy? = policy(), backward: ChannelPolicy? = nil
    ) {
        precondition(builder.addChannel(scid(id), between: node(a), and: node(b), capacity: Satoshi(capacitySat)))
        if let forward { precondition(builder.addPolicy(forward, channel: scid(id), from: node(a))) }
        if let backward { precondition(builder.addPolicy(backward, channel: scid(id), from: node(b))) }
    }

    mutating func addNode(_ n: UInt8) { builder.addNode(node(n)) }

    func build() -> ChannelGraph { builder.build() }
}

extension ChannelGraph {
    func index(_ n: UInt8) -> NodeIndex { node(ChanCoreTests.node(n))! }
}

func query(
    _ graph: ChannelGraph, from payer: UInt8, to payee: UInt8, msat: UInt64,
    options: RouteOptions = RouteOptions(), missionControl: MissionControl? = nil, now: Duration = .zero
) -> RouteQuery {
    RouteQuery(
        payer: graph.index(payer), payee: graph.index(payee), amount: MilliSatoshi(msat),
        options: options, missionControl: missionControl, now: now)
}

/// Options for a plain fees + CLTV-risk Dijkstra.
var certain: RouteOptions {
    var options = RouteOptions()
    options.useProbability = false
    return options
}

extension Route {
    var channels: [String] { hops.map(\.shortChannelID.description) }
}

/// The reasons of a `no_route` error, or nil when the error is something else.
func noRouteReasons(_ error: RoutingError) -> [NoRouteReason]? {
    switch error {
    case .noRoute(let explanation): explanation.reasons
    case .zeroAmount, .nodeOutOfRange, .samePayerAndPayee: nil
    }
}

/// `/work/shared` in the layout the repository and CI share: `<repo>/../shared`.
func sharedDirectory(_ file: String = #filePath) -> String {
    var parts = file.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/ChanCoreTests/<file>
    return parts.joined(separator: "/") + "/../shared"
}
