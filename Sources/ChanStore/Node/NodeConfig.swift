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
    /// Confirmations of a public channel's funding before the node announces it (absent: 6, BOLT 7).
    public let announceDepth: UInt32?

    /// BOLT 7: a channel is announced once its funding has six confirmations.
    public static let defaultAnnounceDepth: UInt32 = 6
    /// What `--announce-depth` and a topology's `announce_depth` accept.
    public static let announceDepths: ClosedRange<UInt32> = 1...144

    public var channelAnnounceDepth: UInt32 { announceDepth ?? NodeConfig.defaultAnnounceDepth }

    /// The name other nodes see in our `node_announcement`: 1 to 32 bytes of UTF-8 (BOLT 7's field).
    public static func validateAlias(_ alias: String) throws(StoreError) {
        guard (1...32).contains(alias.utf8.count) else { throw .invalidAlias(alias) }
    }

    public init(name: String, alias: String, nodeId: String, port: UInt16, announceDepth: UInt32? = nil) {
        self.name = name
        self.alias = alias
        self.nodeId = nodeId
        self.port = port
        self.announceDepth = announceDepth
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
