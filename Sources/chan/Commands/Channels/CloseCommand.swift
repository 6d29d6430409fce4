import ArgumentParser
import ChanAPI

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a channel: mutually (returns the closing txid once signed), or --force.",
        discussion: """
            A mutual close pays each side's balance to its wallet once pending HTLCs settle; mine a \
            block to confirm it. --force broadcasts our latest commitment: our balance comes back \
            after the peer's to_self_delay, HTLCs resolve on the ledger.

            Example: chan -n alice close 103x1x0
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "channel_id or short_channel_id.")
    var id: String

    @Flag(help: "Broadcast our latest commitment instead of negotiating with the peer.")
    var force = false

    func run() throws { try global.printCall("close", CloseParams(id: id, force: force)) }
}

struct CheatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cheat",
        abstract: "Broadcast one of our own revoked commitments, for demos: the peer's penalty takes everything.",
        discussion: "Without --commitment, the oldest revoked commitment the node archived.\n\nExample: chan -n alice cheat 103x1x0"
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "channel_id or short_channel_id.")
    var id: String

    @Option(help: "Which revoked commitment number to broadcast.")
    var commitment: UInt64?

    func run() throws { try global.printCall("cheat", CheatParams(id: id, commitment: commitment)) }
}
