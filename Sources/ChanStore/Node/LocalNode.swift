import ChanCore
import ChanCrypto
import ChanLedger
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A node of this home: `$CHAN_HOME/nodes/NAME/` (mode 0700) with `seed` (32 random bytes,
/// mode 0600), `config.json` and `node.sqlite`.
public struct LocalNode: Sendable {
    public let home: Home
    public let config: NodeConfig
    /// Every key of the node, derived from its seed (never printed).
    public let keys: NodeKeys
    public let store: NodeStore

    public var name: String { config.name }
    public var path: String { home.nodePath(config.name) }
    public var rpcSocketPath: String { LocalNode.rpcSocketPath(nodePath: path) }
    public var pidPath: String { path + "/node.pid" }
    public var logPath: String { path + "/node.log" }
    public static func rpcSocketPath(nodePath: String) -> String { nodePath + "/rpc.sock" }

    /// Creates node `name` with `seed` (fresh random bytes unless given): its key, a free
    /// port, its files. Built in a hidden directory and renamed into place, so a failure or a
    /// concurrent create of the same name leaves no half-made node. Errors: `home_not_found`,
    /// `invalid_node_name`, `invalid_alias`, `node_exists`.
    public static func create(home: Home, name: String, alias: String? = nil, seed: [UInt8]? = nil,
                              announceDepth: UInt32? = nil) throws -> NodeConfig {
        try NodeName.validate(name)
        try NodeConfig.validateAlias(alias ?? name)
        try home.requireExists()
        let final = home.nodePath(name)
        guard !FileSystem.exists(final) else { throw StoreError.nodeExists(name) }
        let seed = try seed ?? SecureRandom.bytes(NodeKeys.seedLength)
        let keys = try NodeKeys(seed: seed)
        let nodeId = keys.nodeID.hex
        let port = try freePort(avoiding: Set(try list(home: home).map(\.port)))
        let config = NodeConfig(name: name, alias: alias ?? name, nodeId: nodeId, port: port, announceDepth: announceDepth)

        try FileSystem.makeDirectories(home.nodesPath, mode: 0o700)
        let staging = home.nodesPath + "/.\(name).creating.\(getpid())"
        try FileSystem.makeDirectory(staging, mode: 0o700)
        do {
            try FileSystem.createFile(staging + "/seed", bytes: seed, mode: 0o600)
            try FileSystem.createFile(staging + "/config.json", bytes: try config.encoded(), mode: 0o600)
            _ = try NodeStore.create(path: staging + "/node.sqlite")  // closed when released
            do {
                try FileSystem.renameItem(staging, to: final)
            } catch {
                if case .fileError(_, let code) = error, code == EEXIST || code == ENOTEMPTY {
                    throw StoreError.nodeExists(name)
                }
                throw error
            }
        } catch {
            FileSystem.removeFlatDirectory(staging)
            throw error
        }
        return config
    }

    /// Every node of the home, by name; empty if there are none. `home_not_found` if the home
    /// does not exist.
    public static func list(home: Home) throws -> [NodeConfig] {
        try home.requireExists()
        return try FileSystem.list(home.nodesPath).filter(NodeName.isValid).compactMap { name in
            let path = home.nodePath(name) + "/config.json"
            guard FileSystem.exists(path) else { return nil }
            return try NodeConfig.decode(try FileSystem.readFile(path), path: path)
        }
    }

    /// Opens node `name`: `home_not_found`, or `node_not_found` for a name that is not a node here.
    public static func open(home: Home, name: String) throws -> LocalNode {
        let path = try locate(home: home, name: name)
        let configPath = path + "/config.json"
        let config = try NodeConfig.decode(try FileSystem.readFile(configPath), path: configPath)
        let seedPath = path + "/seed"
        let seed = try FileSystem.readFile(seedPath, limit: NodeKeys.seedLength)
        let keys: NodeKeys
        do { keys = try NodeKeys(seed: seed) } catch {
            throw StoreError.corruptFile(path: seedPath, why: "not a \(NodeKeys.seedLength)-byte seed (\(seed.count) bytes)")
        }
        // Either file may be the damaged one; the seed is what the node cannot do without.
        guard keys.nodeID.hex == config.nodeId else {
            throw StoreError.corruptFile(path: seedPath, why: "its key is not the node id \(config.nodeId) of \(configPath)")
        }
        return LocalNode(home: home, config: config, keys: keys, store: try NodeStore.open(path: path + "/node.sqlite"))
    }

    /// The directory of node `name`, checked to exist, without opening anything in it: enough
    /// for a command that only talks to the node's daemon (`rpc.sock` is in it).
    public static func locate(home: Home, name: String) throws -> String {
        try home.requireExists()
        let path = home.nodePath(name)
        guard NodeName.isValid(name), FileSystem.isDirectory(path) else { throw StoreError.nodeNotFound(name) }
        return path
    }

    private static func freePort(avoiding taken: Set<UInt16>) throws(StoreError) -> UInt16 {
        for _ in 0..<32 {
            let port = try FreePort.find()
            if !taken.contains(port) { return port }
        }
        throw .noFreePort
    }
}
