import ArgumentParser

/// The subcommands of `chan`, one file each. Add new families here.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        SimCommand.self,
    ]
}
