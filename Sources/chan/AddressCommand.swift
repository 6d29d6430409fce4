import ArgumentParser

struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "A fresh wallet address of the node (-n NAME), like `lncli newaddress`.",
        discussion: "Each call issues the next key derived from the node's seed; all of them stay the node's."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let address = try global.openNode().newAddress()
        struct Result: Encodable { let address: String }
        try Output.json(Result(address: address.string))
    }
}
