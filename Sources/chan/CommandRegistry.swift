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
        ConnectCommand.self,
        DisconnectCommand.self,
        PeersCommand.self,
        OpenCommand.self,
        ChannelsCommand.self,
        ChannelCommand.self,
        CloseCommand.self,
        CheatCommand.self,
        InvoiceCommand.self,
        InvoicesCommand.self,
        SettleCommand.self,
        CancelCommand.self,
        DecodeCommand.self,
        PayCommand.self,
        PaymentsCommand.self,
        ForwardsCommand.self,
        WaitCommand.self,
        EventsCommand.self,
        GraphCommand.self,
        FeesCommand.self,
        RouteCommand.self,
        BenchCommand.self,
        SimCommand.self,
        NetworkCommand.self,
    ]
}
