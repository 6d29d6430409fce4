import ChanAPI
import ChanNode
import ChanStore

/// How node commands reach their node: a thin JSON-RPC call to its daemon.
extension GlobalOptions {
    /// The client of the node's daemon; `node_not_running` (saying how to start it) otherwise.
    /// Nothing of the node is opened (no key derived, no database): the daemon has it all.
    func client() throws -> RPCClient {
        let name = try requireNode()
        let path = try LocalNode.locate(home: resolvedHome, name: name)
        return try RPCClient(node: name, socketPath: LocalNode.rpcSocketPath(nodePath: path))
    }

    /// Calls `method` on the node's daemon.
    func call<Params: Encodable & Sendable, Result: Codable & Sendable>(_ method: String, _ params: Params,
                                                                          as type: Result.Type = Result.self) throws -> Result {
        try client().call(method, params, as: type)
    }

    /// The daemon's client when it runs, nil when it does not (wallet commands then use the
    /// node's files directly, with the same code the daemon runs).
    func runningClient() throws -> RPCClient? {
        let node = try openNode()
        guard NodeProcess.runningPid(node) != nil else { return nil }
        return try NodeProcess.client(node)
    }

    /// The node's wallet over its own files, for when no daemon runs.
    func localWallet() throws -> NodeWallet { NodeWallet(node: try openNode(), ledger: try openLedger()) }
}
