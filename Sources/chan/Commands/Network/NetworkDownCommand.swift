import ArgumentParser
import ChanNode

struct NetworkDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop every node daemon of this home.",
        discussion: "Prints the names of the nodes that were running. Their files stay: `chan node start NAME` starts one again.\n\nExample: chan --home /tmp/net network down"
    )

    @OptionGroup var global: HomeOptions

    func run() throws {
        try Output.json(try NetworkDeployment(home: global.resolvedHome, executable: NodeProcess.currentExecutable).down())
    }
}
