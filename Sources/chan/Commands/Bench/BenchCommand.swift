import ArgumentParser

/// `chan bench ...`: performance measurements (DESIGN.md section 8).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure chan's performance.",
        subcommands: [BenchPathfindCommand.self, BenchPayCommand.self, BenchRPCCommand.self]
    )
}
