import Foundation
import Testing

/// One style for all output (issue 10 item 5): `[]` for an empty list, every optional key
/// present (`null`), `--compact` for one line, before or after the subcommand.
@Suite struct OutputStyleTests {
    private let a = "02" + String(repeating: "11", count: 32)
    private let b = "03" + String(repeating: "22", count: 32)
    private let c = "02" + String(repeating: "33", count: 32)

    /// A Core Lightning `listchannels` graph A - B - C: such graphs carry no aliases.
    private func listChannelsGraph(in home: TempHome) throws -> String {
        func side(_ from: String, _ to: String, _ scid: String, _ direction: Int) -> String {
            """
            {"source": "\(from)", "destination": "\(to)", "short_channel_id": "\(scid)", "direction": \(direction),
             "public": true, "satoshis": 500000, "amount_msat": 500000000, "message_flags": 1, "channel_flags": \(direction),
             "active": true, "base_fee_millisatoshi": 1000, "fee_per_millionth": 10, "delay": 40,
             "htlc_minimum_msat": 1, "htlc_maximum_msat": 500000000, "features": ""}
            """
        }
        let sides = [side(a, b, "700000x1x0", 0), side(b, a, "700000x1x0", 1), side(b, c, "700000x2x0", 0), side(c, b, "700000x2x0", 1)]
        let path = home.directory + "/listchannels.json"
        try Data("{\"channels\": [\(sides.joined(separator: ",\n"))]}".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func routeHopsOnAListChannelsGraphCarryAliasNull() throws {
        let home = try TempHome()
        let graph = try listChannelsGraph(in: home)
        let result = try home.chan.run(["route", "--graph", graph, "--from", a, "--to", c, "--amount", "1000"])
        try #require(result.status == 0, "\(result.stderr)")
        let hops = try #require(try result.json["hops"]?.array)
        #expect(hops.count == 2)
        for hop in hops { #expect(hop["alias"] == .null, "\(hop)") }
        #expect(result.stdout.contains(#""alias" : null"#))
    }

    @Test func anEmptyListPrintsAsBrackets() throws {
        let home = try TempHome()
        try home.chan.ok("ledger", "init")
        let result = try home.chan.run(["node", "list"])
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\n  \"nodes\" : []\n}\n")
    }

    @Test func compactPrintsOneLineBeforeOrAfterTheSubcommand() throws {
        let home = try TempHome()
        let graph = try listChannelsGraph(in: home)
        let query = ["route", "--graph", graph, "--from", a, "--to", c, "--amount", "1000"]
        let pretty = try home.chan.run(query)
        try #require(pretty.status == 0, "\(pretty.stderr)")
        #expect(pretty.stdout.split(separator: "\n").count > 1)
        for arguments in [["--compact"] + query, query + ["--compact"], Array(query[..<2]) + ["--compact"] + Array(query[2...])] {
            let compact = try home.chan.run(arguments)
            try #require(compact.status == 0, "\(arguments): \(compact.stderr)")
            #expect(compact.stdout.split(separator: "\n").count == 1, "\(arguments)")
            #expect(!compact.stdout.contains(" "), "\(arguments)")
            #expect(try compact.json == pretty.json, "\(arguments)")
        }
        try home.chan.ok("ledger", "init")
        for arguments in [["--compact", "node", "list"], ["node", "list", "--compact"], ["--home", home.path, "--compact", "node", "list"]] {
            #expect(try home.chan.run(arguments).stdout == "{\"nodes\":[]}\n", "\(arguments)")
        }
    }
}
