import ChanCore
import ChanCrypto
import ChanLedger
@testable import ChanStore
import Foundation
import Synchronization
import Testing

@Suite struct LocalNodeTests {
    @Test func createWritesPrivateFilesAndRefusesDuplicates() throws {
        let temp = try TempDirectory()
        #expect(throws: HomeError.notFound(temp.home.path)) { try LocalNode.create(home: temp.home, name: "alice") }
        _ = try LedgerDatabase.create(home: temp.home)
        let seed = [UInt8](repeating: 9, count: 32)
        let config = try LocalNode.create(home: temp.home, name: "alice", seed: seed)
        let path = temp.home.nodePath("alice")
        #expect(mode(path) == 0o700)
        #expect(mode(path + "/seed") == 0o600)
        #expect(mode(path + "/node.sqlite") == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/seed")) == Data(seed))
        #expect(config.nodeId == (try NodeKeys(seed: seed).nodeKey.publicKey.hex))
        #expect(config.alias == "alice" && config.port > 0)
        let json = try String(contentsOfFile: path + "/config.json", encoding: .utf8)
        #expect(json.contains("\"node_id\"") && !json.contains("0909"))

        #expect(throws: StoreError.nodeExists("alice")) { try LocalNode.create(home: temp.home, name: "alice") }
        for bad in ["", "Alice", "a b", "../x", ".hidden", String(repeating: "a", count: 33), "é"] {
            #expect(throws: StoreError.invalidNodeName(bad)) { try LocalNode.create(home: temp.home, name: bad) }
        }
        _ = try LocalNode.create(home: temp.home, name: "b_o-b2", alias: "Bob")
        let nodes = try LocalNode.list(home: temp.home)
        #expect(nodes.map(\.name) == ["alice", "b_o-b2"])
        #expect(nodes[1].alias == "Bob" && nodes[0].port != nodes[1].port)
        // No leftovers from the staging directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.home.nodesPath).sorted() == ["alice", "b_o-b2"])
    }

    @Test func openUnknownNodes() throws {
        let temp = try TempDirectory()
        #expect(throws: HomeError.notFound(temp.home.path)) { try LocalNode.open(home: temp.home, name: "alice") }
        _ = try LedgerDatabase.create(home: temp.home)
        #expect(throws: StoreError.nodeNotFound("alice")) { try LocalNode.open(home: temp.home, name: "alice") }
        #expect(throws: StoreError.nodeNotFound("../home")) { try LocalNode.open(home: temp.home, name: "../home") }
        #expect(try LocalNode.list(home: temp.home).isEmpty)
    }
}
