import ArgumentParser

struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Bring a whole network of nodes and channels up from a topology file, down, or back out to one.",
        discussion: """
            A topology file (docs/topology.md) lists nodes and the channels between them, with \
            capacities, pushes and fee policies. `up` creates every node in this home, starts its \
            daemon and opens every channel; `down` stops every daemon of the home; `export` writes \
            the running network as a topology file.
            """,
        subcommands: [NetworkUpCommand.self, NetworkDownCommand.self, NetworkExportCommand.self]
    )
}
