import ArgumentParser
import ChanAPI
import ChanLedger

struct FeesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fees",
        abstract: "The node's forwarding policy on each of its channels (as its channel_update announces it), or `fees set`.",
        discussion: "Example: chan -n bob fees",
        subcommands: [FeesSetCommand.self]
    )

    @OptionGroup var global: GlobalOptions

    func run() throws { try global.printCall("fees", NoParams()) }
}

struct FeesSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set what the node charges to forward over one channel (or all), and announce it in a new channel_update.",
        discussion: """
            Forwarding AMOUNT out over the channel then costs BASE + AMOUNT * PPM / 1,000,000 msat \
            (rounded down), and the incoming HTLC must expire at least DELTA blocks after the \
            outgoing one. Options left out keep their value. Prints every changed channel's policy.

            Example: chan -n bob fees set 103x1x0 --base 1000 --ppm 100 --cltv-delta 40
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "channel_id or short_channel_id (default: every channel).")
    var channel: String?

    @Option(help: "The base fee, in msat.")
    var base: UInt64?

    @Option(help: "The proportional fee, in millionths of the amount forwarded.")
    var ppm: UInt32?

    @Option(help: "The CLTV delta, in blocks (at least 12).")
    var cltvDelta: UInt16?

    func validate() throws {
        guard base != nil || ppm != nil || cltvDelta != nil else { throw ValidationError("give at least one of --base, --ppm, --cltv-delta") }
    }

    func run() throws {
        try global.printCall("fees_set", FeesSetParams(channel: channel, feeBaseMsat: base.map(MilliSatoshi.init),
                                                       feeProportionalMillionths: ppm, cltvExpiryDelta: cltvDelta))
    }
}
