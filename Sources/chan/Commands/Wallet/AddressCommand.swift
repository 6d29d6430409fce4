import ArgumentParser
import ChanAPI

struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "A fresh wallet address of the node (-n NAME), like `lncli newaddress`.",
        discussion: "Each call issues the next key derived from the node's seed; all of them stay the node's.\n\nExample: chan -n alice address"
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if let client = try global.runningClient() {
            try Output.json(try client.call("address", NoParams(), as: AddressResult.self))
        } else {
            try Output.json(try global.localWallet().addressResult())
        }
    }
}
