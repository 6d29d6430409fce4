import ArgumentParser

/// The subcommands of `chan`, one file each. Add new families here.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        LedgerCommand.self,
        MineCommand.self,
        NodeCommand.self,
        InfoCommand.self,
        AddressCommand.self,
        BalanceCommand.self,
        SendCommand.self,
        GraphCommand.self,
        RouteCommand.self,
        BenchCommand.self,
        SimCommand.self,
    ]
}
