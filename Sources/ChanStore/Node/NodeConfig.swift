import ChanCrypto
import Foundation

/// `nodes/NAME/config.json`: what others need to reach the node. No secrets.
public struct NodeConfig: Codable, Hashable, Sendable {
    public let name: String
    public let alias: String
    /// The node's public key (hex), derived from its seed.
    public let nodeId: String
    /// The TCP port the daemon listens on (127.0.0.1).
    public let port: UInt16

    public init(name: String, alias: String, nodeId: String, port: UInt16) {
        self.name = name
        self.alias = alias
        self.nodeId = nodeId
        self.port = port
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self)) + [0x0a]
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> NodeConfig {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(NodeConfig.self, from: Data(bytes))
        } catch {
            throw StoreError.corruptFile(path: path, why: "not a node configuration")
        }
    }
}

/// A local node's name: 1 to 32 of `a-z`, `0-9`, `_`, `-` (it names a directory).
public enum NodeName {
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (1...32).contains(bytes.count) && bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    public static func validate(_ name: String) throws(StoreError) {
        guard isValid(name) else { throw .invalidNodeName(name) }
    }
}
