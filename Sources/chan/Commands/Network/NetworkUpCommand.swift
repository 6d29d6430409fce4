import ArgumentParser
import ChanAPI
import ChanNode
import ChanStore
import FoundationEssentials

struct NetworkUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Create, fund and start every node of a topology file, open every channel, and return once the gossip has converged.",
        discussion: """
            The home's ledger is created if needed; every node of the file must be new. Each \
            opener gets one coin per channel it opens; blocks are mined until the channels are \
            ready and announced (the file's announce_depth, default 6). Prints every node's id \
            and URI and every channel's ids. If anything fails, the daemons started are stopped.

            Example: chan --home /tmp/net network up Examples/topologies/line.json
            """
    )

    @OptionGroup var global: HomeOptions

    @Argument(help: "The topology file (JSON, docs/topology.md).", completion: .file(extensions: ["json"]))
    var file: String

    @Option(help: "Seconds to wait for the channels and the gossip.")
    var timeout: UInt64 = 120

    func run() throws {
        let topology = try TopologyFile.read(file)
        var deployment = NetworkDeployment(home: global.resolvedHome, executable: NodeProcess.currentExecutable)
        deployment.progress = Progress.note
        deployment.timeoutSeconds = Double(timeout)
        try Output.json(try deployment.up(topology))
    }
}

/// Reading a topology file: a coded error for a file that is missing or not a topology.
enum TopologyFile {
    static func read(_ path: String) throws -> Topology {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path, limit: 16 << 20) } catch {
            throw APIError(code: "file_not_found", message: "cannot read \(path): \(error.message)")
        }
        do {
            return try RPCJSON.decoder().decode(Topology.self, from: Data(bytes))
        } catch {
            throw APIError(code: "invalid_topology", message: "\(path) is not a topology file (docs/topology.md): \(error)")
        }
    }
}
