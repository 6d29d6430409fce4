import ArgumentParser
import ChanAPI

struct ForwardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forwards",
        abstract: "Every HTLC the node was asked to forward: in and out channels, amounts, fee earned, status.",
        discussion: """
            status is offered (out, waiting for the next hop), settled (fee_msat earned), failed \
            (the next hop failed it) or local_failed (not forwarded: failure_code says why).

            Example: chan -n bob forwards
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws { try global.printCall("forwards", NoParams()) }
}
