import ArgumentParser
import ChanAPI

struct ChannelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "Every channel of the node, each as `chan channel` shows it.",
        discussion: "Example: chan -n alice channels -H"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var display: HumanFlag

    func run() throws { try global.printCall("channels", NoParams(), human: display.human) }
}

struct ChannelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "One channel: state, state_changes, balances, spendable, HTLCs (docs/channel-snapshot.schema.json).",
        discussion: "ID is the channel_id (64 hex digits) or the short_channel_id (BLOCKxTXxOUTPUT).\n\nExample: chan -n alice channel 103x1x0"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "channel_id or short_channel_id.")
    var id: String

    func run() throws { try global.printCall("channel", ChannelParams(id: id)) }
}
