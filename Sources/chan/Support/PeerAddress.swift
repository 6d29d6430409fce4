import ChanAPI
import ChanCrypto
import ChanStore

/// A peer as the user names it: a local node's name, `PUBKEY@HOST:PORT`, or a bare node id.
struct PeerAddress {
    let nodeID: String
    let host: String?
    let port: UInt16?

    static func resolve(_ text: String, home: Home) throws -> PeerAddress {
        if let at = text.firstIndex(of: "@") {
            let key = String(text[..<at]), endpoint = text[text.index(after: at)...]
            guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]) else {
                throw ArgumentError(code: "invalid_peer", message: "'\(text)' is not PUBKEY@HOST:PORT")
            }
            return PeerAddress(nodeID: try nodeID(key), host: String(endpoint[..<colon]), port: port)
        }
        if text.utf8.count == 66, Hex.decode(text) != nil { return PeerAddress(nodeID: try nodeID(text), host: nil, port: nil) }
        guard NodeName.isValid(text), let config = try LocalNode.list(home: home).first(where: { $0.name == text }) else {
            throw APIError(code: "unknown_peer", message: "'\(text)' is neither a node of this home nor a node id or PUBKEY@HOST:PORT")
        }
        return PeerAddress(nodeID: config.nodeId, host: "127.0.0.1", port: config.port)
    }

    private static func nodeID(_ text: String) throws -> String {
        guard (try? PublicKey(hex: text)) != nil else { throw ArgumentError(code: "invalid_node_id", message: "'\(text)' is not a node id (33-byte hex public key)") }
        return text.lowercased()
    }
}

extension GlobalOptions {
    /// Calls `method` on the node's daemon and prints its result as the daemon wrote it.
    func printCall<Params: Encodable & Sendable>(_ method: String, _ params: Params, human: Bool = false) throws {
        try Output.rpcResult(try client().callRaw(method, params), method: method, human: human)
    }
}
