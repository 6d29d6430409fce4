import Foundation
import Testing

/// A damaged file of the home (a node's seed or config.json, node.sqlite, ledger.sqlite) makes
/// every command that reads it fail with `corrupt_file` naming the file, exit 1, and leaves
/// every file of the home exactly as it was.
@Suite(.serialized) struct DamagedFileTests {
    /// One way of damaging a file, from its intact bytes.
    struct Damage: Sendable {
        let name: String
        let apply: @Sendable ([UInt8]) -> [UInt8]
    }

    static let databaseDamages = [
        Damage(name: "empty") { _ in [] },
        Damage(name: "shorter than its header") { Array($0.prefix(60)) },
        Damage(name: "truncated") { Array($0.prefix($0.count / 2 + 100)) },
        Damage(name: "garbage header") { bytes in [UInt8](repeating: 0xa5, count: 100) + bytes.dropFirst(100) },
        // The header intact, the first page's schema table overwritten.
        Damage(name: "garbage first page") { bytes in Array(bytes.prefix(100)) + [UInt8](repeating: 0x5a, count: 3996) + bytes.dropFirst(4096) },
    ]

    static let seedDamages = [
        Damage(name: "empty") { _ in [] },
        Damage(name: "truncated") { Array($0.prefix(16)) },
        Damage(name: "too long") { $0 + $0 + [1] },
        Damage(name: "another seed") { $0.map { $0 ^ 0x42 } },
    ]

    static let configDamages = [
        Damage(name: "empty") { _ in [] },
        Damage(name: "truncated") { Array($0.prefix($0.count / 2)) },
        Damage(name: "not JSON") { _ in Array("{this is not json".utf8) },
        Damage(name: "binary") { _ in [0xff, 0xfe, 0x00, 0x7b, 0x80] },
        Damage(name: "wrong shape") { _ in Array("{\"name\": 5}".utf8) },
    ]

    /// A home with a ledger of a few blocks and node alice (funded, its daemon stopped).
    private func makeHome() throws -> NodeNetwork {
        let network = try NodeNetwork()
        try network.start("alice", fundingSat: 500_000)
        _ = try network.chan.ok("mine", "20")
        let pid = try network.pid("alice")
        try network.stop("alice")
        // `node stop` returns once the lock is free; the process may still be closing its
        // databases (which removes their -wal and -shm files): wait until it has gone.
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return network
    }

    @Test func aDamagedSeedIsRefused() throws {
        let network = try makeHome()
        try check(network, file: "nodes/alice/seed", damages: Self.seedDamages,
                  commands: [["node", "start", "alice"], ["-n", "alice", "balance"], ["-n", "alice", "address"]])
    }

    @Test func aDamagedNodeConfigIsRefused() throws {
        let network = try makeHome()
        try check(network, file: "nodes/alice/config.json", damages: Self.configDamages,
                  commands: [["node", "start", "alice"], ["-n", "alice", "balance"], ["node", "list"]])
    }

    @Test func aDamagedNodeDatabaseIsRefused() throws {
        let network = try makeHome()
        try check(network, file: "nodes/alice/node.sqlite", damages: Self.databaseDamages,
                  commands: [["node", "start", "alice"], ["-n", "alice", "balance"], ["-n", "alice", "address"]])
    }

    @Test func aDamagedLedgerIsRefused() throws {
        let network = try makeHome()
        try check(network, file: "ledger.sqlite", damages: Self.databaseDamages,
                  commands: [["ledger", "info"], ["mine", "1"], ["ledger", "audit"], ["-n", "alice", "balance"], ["node", "start", "alice"]])
    }

    /// For each damage of `file`: every command fails with `corrupt_file` naming the file, and
    /// no file of the home changes. With the file restored, every command that only reads
    /// works again (so the failures came from the damage).
    private func check(_ network: NodeNetwork, file: String, damages: [Damage], commands: [[String]],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let chan = network.chan
        let path = network.temp.path + "/" + file
        let intact = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for damage in damages {
            let damaged = damage.apply(intact)
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let before = try snapshot(network.temp.path)
            for command in commands {
                let outcome = try chan.run(command)
                // A start that wrongly succeeded must not leave a daemon behind.
                if outcome.status == 0, command.starts(with: ["node", "start"]) { _ = try? chan.run("node", "stop", "alice") }
                let label = "\(file) \(damage.name): chan \(command.joined(separator: " "))"
                #expect(outcome.status == 1, "\(label) exited \(outcome.status): \(outcome.stdout) \(outcome.stderr)", sourceLocation: sourceLocation)
                #expect(outcome.stdout.isEmpty, "\(label)", sourceLocation: sourceLocation)
                #expect(outcome.errorCode == "corrupt_file", "\(label): \(outcome.stderr)", sourceLocation: sourceLocation)
                let message = outcome.error["message"] as? String ?? ""
                #expect(message.contains(file), "\(label): \(message)", sourceLocation: sourceLocation)
                let after = try snapshot(network.temp.path)
                #expect(after == before, "\(label) changed \(changes(before, after))", sourceLocation: sourceLocation)
            }
        }
        try Data(intact).write(to: URL(fileURLWithPath: path))
        // Intact again, the node and the ledger open as before.
        let height = try chan.ok("ledger", "info")["height"]?.int ?? 0
        #expect(height > 20, sourceLocation: sourceLocation)
        #expect(try chan.balance("alice").confirmed == 500_000, sourceLocation: sourceLocation)
    }

    /// Every file under `root` (recursively) with its bytes.
    private func snapshot(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = root + "/" + relative
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
        }
        return files
    }

    private func changes(_ before: [String: Data], _ after: [String: Data]) -> [String] {
        Set(before.keys).union(after.keys).sorted().filter { before[$0] != after[$0] }
    }
}
